"""Warm pools of JavaScript guests: faster starts, never different results or weaker limits."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from embedsandbox import Sandbox
from embedsandbox._engines._base import (
    Invocation,
    LimitHit,
    OutputStatus,
    RawOutcome,
    RunLimits,
    RuntimePackages,
)
from embedsandbox._engines._core._snapshot import private_pages
from embedsandbox._engines._core._threads import run_on_guest_thread
from embedsandbox._engines._javascript import JavaScriptEngine, _runtime
from embedsandbox._engines._javascript._run import Run
from embedsandbox._engines._pool import PoolSize, WarmPool

pytestmark = pytest.mark.guest

LIMITS = RunLimits(
    deadline_s=10.0, memory_limit_bytes=128 << 20, fuel=None, max_output_bytes=1 << 20
)


@pytest.fixture(scope="module")
def cache_dir(sandbox: Sandbox) -> Path:
    # The suite's shared cache: the compiled guest is not compiled again for this module.
    return sandbox._cache_dir / "javascript"


@pytest.fixture
def engine(cache_dir: Path) -> Iterator[JavaScriptEngine]:
    eng = JavaScriptEngine(cache_dir, PoolSize(min_cached=1, max_cached=2))
    eng.warmup()
    yield eng
    eng.close()


def _pool(engine: JavaScriptEngine, *, metered: bool = False) -> WarmPool[Any]:
    pool = engine.pool_for(None, metered=metered)
    assert pool is not None
    return pool


def _run(
    engine: JavaScriptEngine, code: str, limits: RunLimits = LIMITS, **kwargs: Any
) -> RawOutcome:
    return engine.run(
        Invocation(language="javascript", code=code, entry="script", limits=limits, **kwargs)
    )


def _pooled_run(
    engine: JavaScriptEngine, code: str, limits: RunLimits = LIMITS, **kwargs: Any
) -> RawOutcome:
    """Run `code` in an instance that was waiting in the pool (asserts it was a hit)."""
    pool = _pool(engine, metered=limits.fuel is not None)  # a fuel cap: the metered build
    assert pool.wait_ready(1, timeout=30)
    hits = pool.hits
    out = _run(engine, code, limits, **kwargs)
    assert hits + 1 == pool.hits
    return out


def _filler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "embedsandbox-pool-javascript"]


# ----------------------------------------------------------------------------- isolation


def test_globals_do_not_carry_over(engine: JavaScriptEngine) -> None:
    first = _pooled_run(engine, "globalThis.leak = 'secret'; var alsoLeak = 1; console.log(leak)")
    assert (0, "secret\n") == (first.exit_code, first.stdout)
    second = _pooled_run(engine, "console.log(typeof globalThis.leak, typeof alsoLeak)")
    assert (0, "undefined undefined\n", "") == (second.exit_code, second.stdout, second.stderr)


def test_prototype_changes_do_not_carry_over(engine: JavaScriptEngine) -> None:
    _pooled_run(engine, "Array.prototype.leak = 1; JSON.parse = () => 'hijacked'")
    out = _pooled_run(engine, "console.log([].leak, JSON.parse('1'))")
    assert (0, "undefined 1\n") == (out.exit_code, out.stdout)


def test_fs_writes_do_not_carry_over(engine: JavaScriptEngine) -> None:
    first = _pooled_run(
        engine, "const fs = require('fs'); fs.writeFileSync('left.txt', 'x'); console.log('ok')"
    )
    assert (0, "ok\n") == (first.exit_code, first.stdout), first.stderr
    second = _pooled_run(engine, "console.log(require('fs').existsSync('left.txt'))")
    assert (0, "false\n") == (second.exit_code, second.stdout), second.stderr


def test_math_random_differs_between_runs(engine: JavaScriptEngine) -> None:
    code = "console.log(JSON.stringify([Math.random(), Math.random(), Math.random()]))"
    sequences = [json.loads(_pooled_run(engine, code).stdout) for _ in range(3)]
    assert 3 == len({tuple(s) for s in sequences})


def test_math_random_differs_between_instances_made_together(cache_dir: Path) -> None:
    code = "console.log(JSON.stringify([Math.random(), Math.random(), Math.random()]))"
    engine = JavaScriptEngine(cache_dir, PoolSize(min_cached=2, max_cached=2))
    try:
        pool = _pool(engine)
        assert pool.wait_ready(2, timeout=30)
        both = [json.loads(_run(engine, code).stdout) for _ in range(2)]
        assert 2 == pool.hits
    finally:
        engine.close()
    assert both[0] != both[1]


def test_function_input_and_output(engine: JavaScriptEngine) -> None:
    pool = _pool(engine)
    assert pool.wait_ready(1, timeout=30)
    hits = pool.hits
    out = engine.run(
        Invocation(
            language="javascript",
            code="function execute(input) { return {n: input.n + 1} }",
            entry="function",
            input_json='{"n": 41}',
            limits=LIMITS,
        )
    )
    assert (OutputStatus.VALID, '{"n":42}') == (out.output_status, out.output_json)
    assert hits + 1 == pool.hits


def test_concurrent_runs_get_their_own_guests(engine: JavaScriptEngine) -> None:
    results: dict[int, RawOutcome] = {}

    def worker(i: int) -> None:
        results[i] = _run(engine, f"globalThis.v = {i}; await null; console.log(globalThis.v)")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {i: (0, f"{i}\n") for i in range(8)} == {
        i: (r.exit_code, r.stdout) for i, r in results.items()
    }


# ----------------------------------------------------------------------------- limits


def test_fuel_cap_holds(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=20.0, memory_limit_bytes=64 << 20, fuel=5_000_000, max_output_bytes=1 << 20
    )
    out = _pooled_run(engine, "console.log('before'); while (true) {}", limits=limits)
    assert (1, LimitHit.FUEL, "before\n", 5_000_000) == (
        out.exit_code,
        out.limit_hit,
        out.stdout,
        out.fuel_used,
    )


def test_fuel_used_matches_an_unpooled_run(engine: JavaScriptEngine, cache_dir: Path) -> None:
    code = "let s = 0; for (let i = 0; i < 10000; i++) s += i; console.log(s)"
    pooled = _pooled_run(engine, code)
    unpooled = JavaScriptEngine(cache_dir, PoolSize(0, 0))
    try:
        fresh = _run(unpooled, code)
    finally:
        unpooled.close()
    assert (pooled.stdout, pooled.fuel_used) == (fresh.stdout, fresh.fuel_used)


def test_deadline_holds(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=0.5, memory_limit_bytes=64 << 20, fuel=None, max_output_bytes=1 << 20
    )
    start = time.monotonic()
    out = _pooled_run(engine, "while (true) {}", limits=limits)
    assert (1, LimitHit.EXECUTION_TIMEOUT) == (out.exit_code, out.limit_hit)
    assert time.monotonic() - start < 5


def test_deadline_counts_from_the_run_not_from_the_pool(engine: JavaScriptEngine) -> None:
    pool = _pool(engine)
    assert pool.wait_ready(1, timeout=30)
    time.sleep(1.0)  # the instance waits longer than the run's whole deadline
    limits = RunLimits(
        deadline_s=0.8, memory_limit_bytes=64 << 20, fuel=None, max_output_bytes=1 << 20
    )
    out = _pooled_run(
        engine, "let s = 0; for (let i = 0; i < 1e5; i++) s += i; console.log(s)", limits=limits
    )
    assert (0, None, "4999950000\n") == (out.exit_code, out.limit_hit, out.stdout)


def test_memory_cap_holds(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=20.0, memory_limit_bytes=32 << 20, fuel=None, max_output_bytes=1 << 20
    )
    code = "const keep = []; while (true) keep.push(new Array(1 << 16).fill(1.5)); "
    out = _pooled_run(engine, code, limits=limits)
    assert (1, LimitHit.MEMORY_SIZE) == (out.exit_code, out.limit_hit)


def test_memory_cap_below_the_image_fails_like_a_fresh_guest(
    engine: JavaScriptEngine, cache_dir: Path
) -> None:
    tiny = RunLimits(
        deadline_s=10.0, memory_limit_bytes=1 << 20, fuel=None, max_output_bytes=1 << 20
    )
    pool = _pool(engine)
    assert pool.wait_ready(1, timeout=30)
    pooled = _run(engine, "console.log('hi')", limits=tiny)
    unpooled = JavaScriptEngine(cache_dir, PoolSize(0, 0))
    try:
        fresh = _run(unpooled, "console.log('hi')", limits=tiny)
    finally:
        unpooled.close()
    assert (1, LimitHit.MEMORY_SIZE) == (pooled.exit_code, pooled.limit_hit)
    assert (fresh.exit_code, fresh.limit_hit, fresh.stdout) == (
        pooled.exit_code,
        pooled.limit_hit,
        pooled.stdout,
    )


def test_output_cap_holds(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=10.0, memory_limit_bytes=64 << 20, fuel=None, max_output_bytes=1000
    )
    out = _pooled_run(engine, "while (true) console.log('x'.repeat(100))", limits=limits)
    assert (1, LimitHit.OUTPUT_SIZE) == (out.exit_code, out.limit_hit)
    assert len(out.stdout.encode()) <= 1000


# ----------------------------------------------------------------------------- the pool


def test_pool_refills_in_the_background(engine: JavaScriptEngine) -> None:
    pool = _pool(engine)
    assert pool.wait_ready(1, timeout=30)
    made, hits = pool.made, pool.hits
    for _ in range(3):
        assert pool.wait_ready(1, timeout=30)
        assert "1\n" == _run(engine, "console.log(1)").stdout
    assert hits + 3 == pool.hits
    # Each take is refilled by the filler thread. The pool's target may be above 1 (an
    # earlier test's miss raises it), so wait_ready(1) can return before the last refill.
    deadline = time.monotonic() + 30
    while pool.made < made + 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool.made >= made + 3


def test_a_pool_starts_filling_after_its_first_run(cache_dir: Path) -> None:
    engine = JavaScriptEngine(cache_dir, PoolSize(min_cached=1, max_cached=2))
    try:
        assert "ok\n" == _run(engine, "console.log('ok')").stdout
        pool = _pool(engine)
        assert (0, 1) == (pool.hits, pool.misses)  # the first run made its own guest
        # ...and filling starts when it has ended (its guest is freed just after it returns)
        deadline = time.monotonic() + 30
        while pool._thread is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool._thread is not None
        assert pool.wait_ready(1, timeout=30)
        assert "ok\n" == _run(engine, "console.log('ok')").stdout
        assert 1 == pool.hits
    finally:
        engine.close()


def test_close_stops_the_filler_and_frees_the_guests(cache_dir: Path) -> None:
    engine = JavaScriptEngine(cache_dir, PoolSize(min_cached=2, max_cached=2))
    pool = _pool(engine)
    assert pool.wait_ready(2, timeout=30)
    filler = pool._thread
    assert filler is not None and filler.is_alive()
    ready = list(pool._ready)
    assert 2 == len(ready) and not any(inst._closed for inst in ready)
    engine.close()
    engine.close()  # idempotent
    assert not filler.is_alive()
    assert 0 == pool.ready_count()
    assert all(inst._closed for inst in ready)
    # Runs still work after close, each in a guest made on demand.
    assert engine.pool_for(None) is None
    assert "ok\n" == _run(engine, "console.log('ok')").stdout


def test_max_cached_zero_turns_pooling_off(cache_dir: Path) -> None:
    before = set(_filler_threads())
    engine = JavaScriptEngine(cache_dir, PoolSize(min_cached=0, max_cached=0))
    try:
        engine.warmup()
        assert engine.pool_for(None) is None
        assert "ok\n" == _run(engine, "console.log('ok')").stdout
        assert set(_filler_threads()) <= before
    finally:
        engine.close()


def test_runtime_revisions_get_their_own_pools(engine: JavaScriptEngine, tmp_path: Path) -> None:
    (tmp_path / "node_modules").mkdir()
    packages = RuntimePackages(
        node_modules=str(tmp_path), min_cached_instances=1, max_cached_instances=3
    )
    own = engine.pool_for(packages)
    assert own is not None and own is not engine.pool_for(None)
    assert PoolSize(1, 3) == own.size
    same = RuntimePackages(
        node_modules=str(tmp_path), min_cached_instances=1, max_cached_instances=3
    )
    assert own is engine.pool_for(same)  # an equal revision's key and sizes: the same pool
    assert (
        engine.pool_for(RuntimePackages(node_modules=str(tmp_path / "x"), max_cached_instances=0))
        is None
    )
    assert own.wait_ready(1, timeout=30)
    hits = own.hits
    out = _run(engine, "console.log(typeof globalThis.leak)", packages=packages)
    assert (0, "undefined\n") == (out.exit_code, out.stdout), out.stderr
    assert hits + 1 == own.hits


# ----------------------------------------------------------------------------- start-up image


def test_a_new_runtime_reads_the_start_up_image_from_disk(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The image is read on a thread while the guest deserializes; it must not be built again.
    assert _runtime.WasmRuntime.get(cache_dir, metered=False).image() is not None

    def no_build(rt: object) -> None:
        raise AssertionError("the start-up image was built again")

    monkeypatch.setattr(_runtime.WasmRuntime, "_build_image", no_build)
    monkeypatch.setattr(_runtime._StartupImage, "_found", {})  # as in a new process
    for metered in (False, True):  # one image serves both builds
        fresh = _runtime.WasmRuntime(cache_dir, metered=metered)
        assert fresh.image() is not None
        limits = RunLimits(
            deadline_s=10.0,
            memory_limit_bytes=64 << 20,
            fuel=10**9 if metered else None,
            max_output_bytes=1 << 20,
        )
        run = Run(fresh, Invocation("javascript", "console.log('ok')", "script", limits=limits))
        out = run_on_guest_thread(run.execute)
        assert ("ok\n", metered) == (out.stdout, out.fuel_used is not None)


def test_a_damaged_start_up_image_on_disk_is_ignored(cache_dir: Path, tmp_path: Path) -> None:
    rt = _runtime.WasmRuntime.get(cache_dir, metered=False)
    image = rt.image()
    assert image is not None
    path = tmp_path / "template.bin"
    _runtime.save_image(image, path)
    loaded = _runtime.load_image(path)
    assert loaded is not None
    assert (image.size, image.runs, image.globals, image.meta) == (
        loaded.size,
        loaded.runs,
        loaded.globals,
        loaded.meta,
    )
    assert image.data[image.start :] == loaded.data[loaded.start :]
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    assert _runtime.load_image(path) is None
    path.write_bytes(bytes(data[: len(data) // 2]))
    assert _runtime.load_image(path) is None
    path.write_bytes(b"not an image")
    assert _runtime.load_image(path) is None


def test_prefault_pages_are_the_pages_a_run_writes(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from embedsandbox._engines._javascript import _engine

    rt = _runtime.WasmRuntime.get(cache_dir, metered=False)
    assert rt.baked() is not None, "the baked guest is what pooled guests come from"
    by_pagemap = _engine._hot_pages(rt)
    # Where pagemap cannot be read: the pages whose bytes changed, a subset of those written.
    monkeypatch.setattr(_engine, "private_pages", lambda *args: None)
    by_content = _engine._hot_pages(rt)
    assert by_content and set(by_content) <= set(by_pagemap)
    assert all(page % 4096 == 0 for page in by_pagemap)

    def pages_written() -> int:
        inst = rt.fresh_guest(memory=64 << 20, deadline_s=10.0, prefault=True)
        owned = private_pages(inst.mem, inst.store, inst.memory_size())
        run = Run(rt, Invocation("javascript", "console.log(1)", "script"), inst)
        try:
            run.run_guest()
            after = private_pages(inst.mem, inst.store, inst.memory_size())
        finally:
            run.release()
        assert owned is not None and after is not None
        return len(set(after) - set(owned))

    monkeypatch.undo()
    # A prefaulted guest's run writes (almost) no page that is not its own already; without
    # the prefault it takes a copy-on-write fault for each of about a hundred.
    monkeypatch.setattr(rt, "hot_pages", ())
    assert run_on_guest_thread(pages_written) >= len(by_pagemap) // 2
    monkeypatch.setattr(rt, "hot_pages", by_pagemap)
    assert run_on_guest_thread(pages_written) <= 8
