"""`Sandbox(pool=PoolOptions(processes=N))`: the same runs, in worker processes."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from embedsandbox import PoolOptions, Sandbox
from embedsandbox._engines._processes import ProcessEngine
from embedsandbox.errors import ConfigurationError, RuntimeUnavailableError


@pytest.fixture(scope="module")
def workers(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    sandbox.warmup()  # compiled once, in the shared cache
    store = tmp_path_factory.mktemp("procs") / "store.sqlite3"
    with Sandbox(store=store, cache_dir=sandbox._cache_dir, pool=PoolOptions(processes=2)) as sb:
        sb.warmup()
        yield sb


def _engine(sb: Sandbox, language: str) -> ProcessEngine:
    engine = sb._engine(language)
    assert isinstance(engine, ProcessEngine)
    return engine


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "import sys, os\nprint(sys.argv[1:], os.environ['A'], input())"),
        (
            "javascript",
            "console.log(process.argv.slice(2), process.env.A, require('fs').readFileSync(0, 'utf8'))",
        ),
    ],
)
def test_scripts_run_in_workers_with_args_env_and_stdin(
    workers: Sandbox, language: str, code: str
) -> None:
    result = workers.run_script(
        language=language, code=code, args=["x"], env={"A": "b"}, stdin="in\n"
    )
    assert result.exit_code == 0, result.stderr
    assert "x" in result.stdout and "b" in result.stdout and "in" in result.stdout
    assert workers.executions.get(result.id).id == result.id  # recorded by this process


def test_functions_and_limits_in_workers(workers: Sandbox) -> None:
    done = workers.run_function(
        language="python", code="def execute(i):\n    return i['n'] + 1", input={"n": 1}
    )
    assert (done.output, done.output_status.value) == (2, "valid")
    stopped = workers.run_script(
        language="python", code="while True: pass", limits={"execution_timeout": 1}
    )
    assert stopped.limit_hit is not None and stopped.limit_hit.value == "execution_timeout"


def test_a_worker_that_dies_is_replaced(workers: Sandbox) -> None:
    engine = _engine(workers, "python")
    before = {w.process.pid for w in engine._workers}
    victim = engine._workers[0].process.pid
    assert victim is not None
    os.kill(victim, signal.SIGKILL)
    seen_error = False
    for _ in range(4):  # the killed worker is found by the next run that picks it
        try:
            assert workers.run_script(language="python", code="print(3)").stdout == "3\n"
        except RuntimeUnavailableError as exc:
            assert "ended unexpectedly" in str(exc)
            seen_error = True
    assert seen_error
    after = {w.process.pid for w in engine._workers}
    assert victim not in after and len(after) == len(before)
    assert workers.run_script(language="python", code="print(4)").stdout == "4\n"


def test_close_stops_the_workers(sandbox: Sandbox, tmp_path: Path) -> None:
    sb = Sandbox(store=None, cache_dir=sandbox._cache_dir, pool=PoolOptions(processes=1))
    assert sb.run_script(language="javascript", code="console.log(5)").stdout == "5\n"
    processes = [w.process for w in _engine(sb, "javascript")._workers]
    sb.close()
    assert processes and not any(p.is_alive() for p in processes)


def test_processes_is_checked() -> None:
    with pytest.raises(ConfigurationError, match="processes must be an integer from 0 to 64"):
        Sandbox(store=None, pool=PoolOptions(processes=-1))
