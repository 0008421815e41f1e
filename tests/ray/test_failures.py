"""An actor killed mid-batch (`ray.kill`) is replaced, and its runs in flight are sent once
more, in their places; a run that loses its actor twice raises `ActorFailedError`."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
import ray

from embedsandbox.ray import ActorFailedError, SandboxPool

pytestmark = pytest.mark.ray


def _slow(i: int) -> dict[str, Any]:
    return {"language": "python", "code": f"import time\ntime.sleep(0.05)\nprint({i})"}


def test_a_killed_actor_is_replaced_and_its_runs_sent_again(pool: SandboxPool) -> None:
    before = pool.handles
    replaced = pool.replaced
    results = pool.map(_slow(i) for i in range(40))
    out = [next(results).stdout for _ in range(5)]
    ray.kill(before[0])  # mid-batch: it has runs in flight
    out += [r.stdout for r in results]
    assert out == [f"{i}\n" for i in range(40)]
    assert pool.replaced == replaced + 1
    assert pool.handles[0] != before[0] and pool.handles[1] == before[1]
    # the replacement serves runs like any actor
    assert [r.stdout for r in pool.map(_slow(i) for i in range(4))] == [f"{i}\n" for i in range(4)]


def test_a_run_that_loses_its_actor_twice_fails_clearly(ray_cluster: None) -> None:
    with SandboxPool(actors=1, store=None, num_cpus=0.5) as small:
        first = small.handles[0]
        killed = []

        def kill_twice() -> None:
            time.sleep(1.0)  # the run is sleeping on the first actor
            ray.kill(first)
            killed.append(first)
            deadline = time.monotonic() + 60
            while small.handles[0] == first and time.monotonic() < deadline:
                time.sleep(0.01)
            ray.kill(small.handles[0])  # its replacement, with the run sent to it again
            killed.append(small.handles[0])

        killer = threading.Thread(target=kill_twice)
        killer.start()
        try:
            with pytest.raises(ActorFailedError, match="lost its Ray actor twice"):
                small.run_script(language="python", code="import time\ntime.sleep(30)")
        finally:
            killer.join()
        assert len(killed) == 2
        assert small.replaced == 2
        # the pool goes on with a third actor
        assert small.run_script(language="javascript", code="console.log(3)").stdout == "3\n"


def test_an_async_run_whose_actor_dies_is_sent_again(ray_cluster: None) -> None:
    with SandboxPool(actors=1, store=None, num_cpus=0.5) as small:
        first = small.handles[0]

        async def main() -> str:
            run = asyncio.ensure_future(
                small.run_script_async(
                    language="python", code="import time\ntime.sleep(1.5)\nprint('done')"
                )
            )
            await asyncio.sleep(0.7)  # the run is sleeping on the first actor
            ray.kill(first)
            return (await run).stdout

        assert asyncio.run(main()) == "done\n"
        assert small.replaced == 1 and small.handles[0] != first
