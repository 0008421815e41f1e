"""Warm pools of Python guests: faster starts, never different results."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from embedsandbox import PoolOptions, Sandbox
from embedsandbox._engines._base import Invocation, RunLimits, RuntimePackages
from embedsandbox._engines._pool import PoolSize, WarmPool
from embedsandbox._engines._python import PythonEngine
from embedsandbox._engines._python._wasi_python import Guest


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory, sandbox: Sandbox) -> Sandbox:
    sandbox.warmup(["python"])  # the compiled interpreter, in the shared cache
    with Sandbox(
        store=None,
        cache_dir=sandbox._cache_dir,
        pool=PoolOptions(min_cached_instances=1, max_cached_instances=2),
    ) as sb:
        sb.warmup(["python"])
        yield sb


def _pool_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("embedsandbox-pool-python")]


def _python_pool(sb: Sandbox) -> WarmPool[Guest]:
    engine = sb._engine("python")
    assert isinstance(engine, PythonEngine)
    pool = engine.pool_for(None)
    assert pool is not None
    return pool


def test_a_run_sees_nothing_of_the_run_before(pooled: Sandbox) -> None:
    pool = _python_pool(pooled)
    first = pooled.run_script(
        language="python",
        code=(
            "import os, sys, json\n"
            "open('/left-behind.txt', 'w').write('secret')\n"
            "os.environ['LEAK'] = '1'\n"
            "sys.modules['json'].leak = 1\n"
            "import builtins; builtins.LEAK = 1\n"
            "print('written')"
        ),
    )
    assert first.exit_code == 0, first.stderr
    assert pool.wait_ready(1, timeout=30)
    hits = pool.hits
    second = pooled.run_script(
        language="python",
        code=(
            "import os, sys, json, builtins\n"
            "print(os.path.exists('/left-behind.txt'), 'LEAK' in os.environ,\n"
            "      hasattr(json, 'leak'), hasattr(builtins, 'LEAK'))"
        ),
    )
    assert pool.hits == hits + 1  # the second run did use a pooled guest
    assert second.stdout == "False False False False\n", second.stderr


def test_random_state_differs_between_pooled_guests(pooled: Sandbox) -> None:
    code = "import random, os; print(random.random(), os.urandom(8).hex())"
    seen = set()
    for _ in range(3):
        _python_pool(pooled).wait_ready(1, timeout=30)
        seen.add(pooled.run_script(language="python", code=code).stdout)
    assert len(seen) == 3


@pytest.mark.parametrize(
    ("code", "limits", "limit"),
    [
        ("while True: pass", {"fuel": 5_000_000}, "fuel"),
        ("while True: pass", {"execution_timeout": 1}, "execution_timeout"),
        ("x = bytearray(200 * 1024 * 1024)", {"memory_size": 64}, "memory_size"),
        ("print('x' * 5000)", {"output_bytes": 100}, "output_size"),
    ],
)
def test_limits_hold_in_a_pooled_guest(
    pooled: Sandbox, code: str, limits: dict[str, int], limit: str
) -> None:
    assert _python_pool(pooled).wait_ready(1, timeout=30)
    result = pooled.run_script(language="python", code=code, limits=limits)
    assert result.exit_code != 0
    assert result.limit_hit is not None and result.limit_hit.value == limit


def test_runs_from_the_pool_report_fuel_and_stdin(pooled: Sandbox) -> None:
    assert _python_pool(pooled).wait_ready(1, timeout=30)
    result = pooled.run_script(
        language="python", code="import sys; print(sys.stdin.read().upper())", stdin="abc"
    )
    assert result.stdout == "ABC\n"
    assert result.fuel_used is not None and 0 < result.fuel_used < 50_000_000


def test_close_stops_the_filler_and_frees_the_guests(sandbox: Sandbox) -> None:
    sb = Sandbox(store=None, cache_dir=sandbox._cache_dir, pool=PoolOptions(min_cached_instances=2))
    sb.run_script(language="python", code="pass")
    pool = _python_pool(sb)
    assert pool.wait_ready(2, timeout=30)
    guests = list(pool._ready)
    assert guests and all(guest._store is not None for guest in guests)
    filler = pool._thread
    assert filler is not None and filler.is_alive()
    sb.close()
    assert not filler.is_alive()
    assert pool.ready_count() == 0
    assert all(guest._store is None and guest.disk.count == 0 for guest in guests)


def test_max_zero_turns_pooling_off(sandbox: Sandbox) -> None:
    before = {id(t) for t in _pool_threads()}
    with Sandbox(
        store=None, cache_dir=sandbox._cache_dir, pool=PoolOptions(max_cached_instances=0)
    ) as sb:
        assert sb.run_script(language="python", code="print(2)").stdout == "2\n"
        engine = sb._engine("python")
        assert isinstance(engine, PythonEngine)
        assert engine.pool_for(None) is None
        assert not [t for t in _pool_threads() if id(t) not in before]


def test_pool_sizes_are_checked(sandbox: Sandbox) -> None:
    from embedsandbox.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="0 <= min <= max"):
        Sandbox(store=None, pool=PoolOptions(min_cached_instances=3, max_cached_instances=1))


def test_additional_imports_are_loaded_before_the_guest_is_handed_out(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.warmup(["python"])
    engine = PythonEngine(sandbox._cache_dir / "python", PoolSize(1, 1))
    try:
        packages = RuntimePackages(imports=("xml.dom.minidom",))
        pool = engine.pool_for(packages)
        assert pool is not None
        assert pool.wait_ready(1, timeout=30)
        guest = pool._ready[0]
        code = "import sys\nprint('xml.dom.minidom' in sys.modules)"
        limits = RunLimits(30.0, 128 << 20, None, 1 << 20)
        outcome = engine.run(
            Invocation(
                language="python", code=code, entry="script", packages=packages, limits=limits
            )
        )
        assert outcome.stdout == "True\n"
        assert guest.used  # that run was the pooled guest's one job
        plain = engine.run(Invocation(language="python", code=code, entry="script"))
        assert plain.stdout == "False\n"  # another revision's pool: not imported there
        # The import's cost was paid before the job: importing it in the job is nearly free
        # in the revision's guest, and costs the whole import in a plain one.
        importing = "import xml.dom.minidom as m\nprint(m.parseString('<a/>').firstChild.tagName)"
        assert pool.wait_ready(1, timeout=30)
        warm = engine.run(
            Invocation(language="python", code=importing, entry="script", packages=packages)
        )
        cold = engine.run(Invocation(language="python", code=importing, entry="script"))
        assert warm.stdout == cold.stdout == "a\n"
        assert warm.fuel_used is not None and cold.fuel_used is not None
        assert warm.fuel_used * 3 < cold.fuel_used
    finally:
        engine.close()


def test_new_sizes_replace_a_revisions_pool(sandbox: Sandbox) -> None:
    sandbox.warmup(["python"])
    engine = PythonEngine(sandbox._cache_dir / "python", PoolSize(1, 1))
    try:
        small = RuntimePackages(imports=("decimal",), min_cached_instances=1)
        first = engine.pool_for(small)
        assert first is not None
        bigger = RuntimePackages(
            imports=("decimal",), min_cached_instances=2, max_cached_instances=3
        )
        second = engine.pool_for(bigger)
        assert second is not None and second is not first
        assert second.size == PoolSize(2, 3)
        assert first._closed  # the old pool's thread and guests were let go
        assert engine.pool_for(bigger) is second
    finally:
        engine.close()
