"""`SandboxPool` on a real local Ray cluster: a mixed batch equals the in-process results, in
order, read lazily with a bounded window; the async twins; errors raised as themselves."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ray
from ray.actor import ActorMethod

from embedsandbox import ExecuteFunctionRequest, ExecuteRequest, Sandbox
from embedsandbox.errors import NotFoundError, RequestValidationError
from embedsandbox.ray import SandboxPool

pytestmark = pytest.mark.ray

_VOLATILE = {"id", "duration", "started_at"}


def _batch(count: int) -> list[ExecuteRequest | ExecuteFunctionRequest]:
    """Python and JavaScript (and some TypeScript) scripts and functions, some failing."""
    requests: list[ExecuteRequest | ExecuteFunctionRequest] = []
    for i in range(count):
        match i % 8:
            case 0:
                requests.append(
                    ExecuteRequest(
                        language="python",
                        code="import sys, os\nprint(sum(range(int(sys.argv[1]))), os.environ['K'])",
                        args=[str(i)],
                        env={"K": f"k{i}"},
                    )
                )
            case 1:
                requests.append(
                    ExecuteRequest(
                        language="javascript",
                        code="const s = require('fs').readFileSync(0, 'utf8'); console.log(s.toUpperCase())",
                        stdin=f"line {i}",
                    )
                )
            case 2:
                requests.append(
                    ExecuteFunctionRequest(
                        language="python",
                        code="def execute(input):\n    print('seen', input['n'])\n    return {'sq': input['n'] ** 2}",
                        input={"n": i},
                    )
                )
            case 3:
                requests.append(
                    ExecuteFunctionRequest(
                        language="javascript",
                        code="function execute(input) { return input.words.map(w => w.length) }",
                        input={"words": ["a" * (i % 5), "bb", str(i)]},
                    )
                )
            case 4:
                requests.append(
                    ExecuteRequest(
                        language="python", code=f"import sys\nprint('bye')\nsys.exit({i % 5})"
                    )
                )
            case 5:
                requests.append(
                    ExecuteRequest(language="javascript", code=f"throw new Error('boom {i}')")
                )
            case 6:
                requests.append(
                    ExecuteRequest(
                        language="typescript",
                        code=f"const n: number = {i}; console.log(`ts ${{n * 2}}`)",
                    )
                )
            case _:
                requests.append(
                    ExecuteRequest(
                        language="python",
                        code="raise ValueError('bad value')" if i % 16 == 7 else "while True: pass",
                        limits={"fuel": 2_000_000},
                    )
                )
    return requests


def _comparable(response: Any) -> dict[str, Any]:
    data = response.model_dump(mode="json")
    execution = data["execution"] if "execution" in data else data
    for name in _VOLATILE:
        execution.pop(name)
    return data


def test_a_mixed_batch_of_200_equals_the_in_process_runs(
    pool: SandboxPool, sandbox: Sandbox
) -> None:
    requests = _batch(200)
    remote = list(pool.map(requests))
    local = [
        sandbox.run_script(r) if isinstance(r, ExecuteRequest) else sandbox.run_function(r)
        for r in requests
    ]
    assert len(remote) == 200
    assert [_comparable(r) for r in remote] == [_comparable(r) for r in local]
    # the batch really was mixed and really ran: each kind of ending is in it
    assert {type(r).__name__ for r in remote} == {"ExecuteResponse", "ExecuteFunctionResponse"}
    assert remote[0].stdout == "0 k0\n"
    assert remote[2].output == {"sq": 4}
    assert remote[4].exit_code == 4
    assert "boom 5" in remote[5].stderr
    assert remote[15].limit_hit is not None and remote[15].limit_hit.value == "fuel"


def test_dicts_are_validated_as_the_kind_says(pool: SandboxPool) -> None:
    scripts = list(pool.map([{"language": "python", "code": "print(1)"}]))
    functions = list(
        pool.map(
            [
                {
                    "language": "javascript",
                    "code": "function execute(i) { return i + 1 }",
                    "input": 1,
                }
            ],
            kind="function",
        )
    )
    assert scripts[0].stdout == "1\n"
    assert functions[0].output == 2


@pytest.mark.parametrize("chunk_size", [1, 8])
def test_map_reads_lazily_and_holds_a_bounded_window(pool: SandboxPool, chunk_size: int) -> None:
    pulled = 0

    def requests() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        # The first run is slow; the ones behind it finish first and wait in the window.
        yield {"language": "python", "code": "import time\ntime.sleep(1.5)\nprint('first')"}
        pulled += 1
        for i in range(1, 200):
            yield {"language": "javascript", "code": f"console.log({i})"}
            pulled += 1

    results = pool.map(requests(), chunk_size=chunk_size)
    assert pulled == 0  # nothing is read before the first result is asked for
    first = next(results)
    # 2 chunks in flight per actor, and as many runs again held back, finished
    window = 2 * 2 * pool.actors * chunk_size
    assert first.stdout == "first\n"
    assert window // 2 <= pulled <= window
    rest = [r.stdout for r in results]
    assert rest == [f"{i}\n" for i in range(1, 200)]
    assert pulled == 200


def test_map_sizes_its_chunks_by_the_runs_time(
    pool: SandboxPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    original = ActorMethod.remote

    def remote(self: ActorMethod, *args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], list):  # run_many(jobs)
            sizes.append(len(args[0]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ActorMethod, "remote", remote)
    tiny = [{"language": "javascript", "code": f"console.log({i})"} for i in range(150)]
    assert [r.stdout for r in pool.map(tiny)] == [f"{i}\n" for i in range(150)]
    assert sizes[:4] == [4, 4, 4, 4]  # before any was measured
    assert max(sizes) > 4  # runs of a few ms: more of them per call
    sizes.clear()
    slow = [
        {"language": "python", "code": f"import time\ntime.sleep(0.06)\nprint({i})"}
        for i in range(24)
    ]
    assert [r.stdout for r in pool.map(slow)] == [f"{i}\n" for i in range(24)]
    assert sizes[:4] == [4, 4, 4, 4]
    assert sizes[-1] == 1  # runs of 60 ms and more go alone
    assert sum(sizes) == 24


def test_a_bad_item_raises_in_its_place(pool: SandboxPool) -> None:
    items: list[Any] = [
        {"language": "python", "code": "print('a')"},
        {"language": "cobol", "code": "x"},
        {"language": "python", "code": "print('c')"},
    ]
    seen = []
    with pytest.raises(RequestValidationError, match="language") as caught:
        for result in pool.map(items):
            seen.append(result.stdout)
    assert seen == ["a\n"]
    assert caught.value.errors[0]["loc"] == ("language",)
    kept = list(pool.map([*items, 42], return_exceptions=True))
    assert kept[0].stdout == "a\n" and kept[2].stdout == "c\n"
    assert isinstance(kept[1], RequestValidationError)
    assert isinstance(kept[3], RequestValidationError) and "got int" in str(kept[3])


def test_errors_from_the_actor_are_raised_as_themselves(pool: SandboxPool) -> None:
    with pytest.raises(NotFoundError, match="tool 'tool_nope' does not exist"):
        pool.run_tool("tool_nope", input={})
    with pytest.raises(RequestValidationError, match="code"):
        pool.run_script(language="python")  # validated here, before any actor


def test_async_twins_run_concurrently_on_the_actors(pool: SandboxPool) -> None:
    async def main() -> list[str]:
        runs = [pool.run_script_async(language="python", code=f"print({i} * 3)") for i in range(6)]
        function = pool.run_function_async(
            language="python", code="def execute(input):\n    return input[::-1]", input="abc"
        )
        done = await asyncio.gather(*runs, function)
        return [r.stdout for r in done[:-1]] + [done[-1].output]

    assert asyncio.run(main()) == [f"{i * 3}\n" for i in range(6)] + ["cba"]


def test_the_actors_record_into_the_shared_store(pool: SandboxPool, store: Path) -> None:
    results = list(pool.map({"language": "python", "code": f"print({i})"} for i in range(6)))
    with Sandbox(store=store) as sb:
        records = [sb.executions.get(r.id) for r in results]
    assert [r.exit_code for r in records] == [0] * 6
    assert [r.details.response.stdout for r in records] == [f"{i}\n" for i in range(6)]  # type: ignore[union-attr]


def test_a_pool_without_actors_has_one_per_available_cpu(ray_cluster: None, tmp_path: Path) -> None:
    free = int(ray.available_resources().get("CPU", 0))
    # (a store of the test's own: the default one is in the user's data folder)
    with SandboxPool(store=tmp_path / "store.sqlite3") as default_pool:
        assert default_pool.actors == max(1, free)
        assert set(default_pool.nodes) == {ray.get_runtime_context().get_node_id()}
        assert default_pool.store == str(tmp_path / "store.sqlite3")
        assert default_pool.run_script(language="javascript", code="console.log(2)").stdout == "2\n"


def test_a_pool_started_after_local_runs_leaves_them_working(ray_cluster: None) -> None:
    # A script ran a guest, then the pool started Ray in it: `ray.init` installs Ray's crash
    # reporter and turns faulthandler on, which would take wasmtime's SIGSEGV handler; the
    # pool (`init_ray`) puts them back, so the script's own Sandbox keeps running.
    script = textwrap.dedent(
        f"""
        import faulthandler
        from embedsandbox import Sandbox
        from embedsandbox.ray import SandboxPool
        sb = Sandbox(store=None)
        print(sb.run_script(language="python", code="print(1)").stdout.strip())
        with SandboxPool(actors=1, num_cpus=0, store=None, address={ray.get_runtime_context().gcs_address!r}) as pool:
            print(pool.run_script(language="python", code="print(2)").stdout.strip())
        print(sb.run_script(language="python", code="print(3)").stdout.strip(), faulthandler.is_enabled())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["1", "2", "3 False"]


def test_in_process_runs_go_on_beside_the_cluster(sandbox: Sandbox, pool: SandboxPool) -> None:
    # this process ran guests before `init_ray` (the fixture) and runs them now
    assert sandbox.run_script(language="javascript", code="console.log(5)").stdout == "5\n"
    assert pool.run_script(language="javascript", code="console.log(6)").stdout == "6\n"
