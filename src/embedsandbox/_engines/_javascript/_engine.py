"""`JavaScriptEngine`: runs JavaScript and TypeScript invocations, one fresh guest each."""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ..._artifacts import verify_runtime
from .._base import Invocation, RawOutcome, RuntimePackages
from .._core import check_not_forked, run_on_guest_thread
from .._core._snapshot import PAGE, differing_runs, private_pages
from .._pool import Pools, PoolSize, WarmPool, resolve_size
from . import _quickjs as qjs
from ._run import Run

if TYPE_CHECKING:
    from ._session import JavaScriptSession
from ._runtime import (
    WasmRuntime,
    baked_cache_path,
    cached_image_digest,
    guest_cache_path,
    transform_cache_path,
)

__all__ = ["JavaScriptEngine"]

logger = logging.getLogger("embedsandbox")

# Warm pools: the store of an instance waiting in a pool has these limits; the run's own
# memory cap and deadline are installed when it is handed out (no guest code runs before).
_POOL_MEMORY: Final = 4 << 30
_POOL_DEADLINE_S: Final = 3600.0
_PLAIN_POOL_KEY: Final = ("javascript", None)
_DEFAULT_POOL: Final = PoolSize()


class JavaScriptEngine:
    """Runs JavaScript and TypeScript invocations in fresh QuickJS-ng WebAssembly guests.

    `cache_dir` holds compiled wasm modules (keyed by the wasm's sha256, the wasmtime
    version and our engine settings) and the guest's start-up image, so later processes
    start fast. Guests come from a warm pool per runtime revision when one is ready (made in
    the background, sized by `pool`), else are made on the run's thread; either way each
    guest runs exactly one invocation and is then discarded. Thread-safe: runs may proceed
    concurrently from any number of threads.
    """

    def __init__(self, cache_dir: Path, pool: PoolSize = _DEFAULT_POOL) -> None:
        self._cache_dir = Path(cache_dir)
        # The quickjs-rs adaptations need the release the manifest pins (0.2.6): a clear
        # RuntimeUnavailableError now, not an AttributeError in the first run.
        verify_runtime("javascript", self._cache_dir)
        # A pool starts filling when its first run ends (`WarmPool.done`), so a process's
        # first run does not share the CPU with the filler; warmup() starts the default pool.
        self._pools: Pools[qjs.GuestInstance] = Pools("javascript", pool)
        self._cache_checked = False
        self._cache_lock = threading.Lock()

    def _runtime(self, metered: bool = False) -> WasmRuntime:
        """The build a run uses: `metered` (fuel counted) for runs with a fuel cap."""
        if not self._cache_checked:
            self._fill_cache()
        return WasmRuntime.get(self._cache_dir, metered)

    def _fill_cache(self) -> None:
        # On a cold cache, make every module at once (~4 s on 2 cores, shown by the Sandbox's
        # first-compile message) rather than each at its own first use: the plain guest of
        # both builds and the transformer, then the start-up image, then the guest with it
        # baked in, for both builds.
        with self._cache_lock:
            if not self._cache_checked:
                if not self._cache_files_present():
                    metered = WasmRuntime.get(self._cache_dir, metered=True)
                    metered.transform()
                    plain = WasmRuntime.get(self._cache_dir, metered=False)
                    for rt in (plain, metered):
                        rt.image(build=run_on_guest_thread)
                        rt.baked()
                self._cache_checked = True

    def compiled_in_cache(self) -> bool:
        """Whether runs can skip compiling (~4 s on 2 cores): all five modules are ready.

        They are the guest (both builds), the TypeScript transformer, and the guest with its
        start-up image baked in (both builds); each is loaded or in the disk cache.
        """
        return WasmRuntime.loaded() or self._cache_files_present()

    def _cache_files_present(self) -> bool:
        paths = [
            guest_cache_path(self._cache_dir, metered=True),
            guest_cache_path(self._cache_dir, metered=False),
            transform_cache_path(self._cache_dir),
        ]
        digest = cached_image_digest(self._cache_dir)
        if digest is None:
            return False
        paths += [baked_cache_path(self._cache_dir, m, digest) for m in (True, False)]
        return all(p.is_file() for p in paths)

    def warmup(self) -> None:
        """Compile (or load from the disk cache) the wasm modules and run a tiny guest.

        The tiny TypeScript run also builds the start-up image of the guest, and the default
        warm pool starts filling.
        """
        self._runtime()
        self.run(Invocation(language="typescript", code="let x: number = 1;", entry="script"))
        pool = self.pool_for(None)
        if pool is not None:
            pool.start()

    def close(self) -> None:
        """Stop the warm pools' background work and free their guests. Idempotent.

        Runs still work afterwards, each in a guest made on demand.
        """
        self._pools.close()

    def pool_for(
        self, packages: RuntimePackages | None, *, metered: bool = False
    ) -> WarmPool[qjs.GuestInstance] | None:
        """The warm pool these runs use (None when pooling is off or closed).

        `metered`: runs with a fuel cap, which use the fuel-counting build.
        """
        make = functools.partial(self._make_guest, metered)
        if packages is None:
            return self._pools.get((_PLAIN_POOL_KEY, metered), make, _discard)
        size = resolve_size(
            self._pools.default, packages.min_cached_instances, packages.max_cached_instances
        )
        return self._pools.get((packages.pool_key, metered), make, _discard, size)

    def _make_guest(self, metered: bool) -> qjs.GuestInstance:
        """A guest for a pool: instantiated, start-up image loaded, no run's data."""
        rt = self._runtime(metered)
        rt.image(build=run_on_guest_thread)
        if rt.hot_pages is None:
            rt.hot_pages = _hot_pages(rt)
        return rt.fresh_guest(memory=_POOL_MEMORY, deadline_s=_POOL_DEADLINE_S, prefault=True)

    def session(self, invocation: Invocation, /, saved: bytes | None = None) -> JavaScriptSession:
        """A guest kept for a session's calls (`EngineSession`), on the metered build.

        With `saved` (a session's `save()`): that guest again.
        """
        if invocation.language not in ("javascript", "typescript"):
            msg = f"JavaScriptEngine cannot run {invocation.language!r} code"
            raise ValueError(msg)
        check_not_forked("JavaScript")
        from ._session import JavaScriptSession

        return JavaScriptSession(self._runtime(True), invocation, saved)

    def run(self, invocation: Invocation, /) -> RawOutcome:
        """Run one invocation in a fresh guest; guest failures are data, never exceptions."""
        if invocation.language not in ("javascript", "typescript"):
            msg = f"JavaScriptEngine cannot run {invocation.language!r} code"
            raise ValueError(msg)
        check_not_forked("JavaScript")
        # Fuel counting costs ~15-20% of compute: only runs with a fuel cap pay for it.
        metered = invocation.limits.fuel is not None
        rt = self._runtime(metered)
        pool = self.pool_for(invocation.packages, metered=metered)
        run = Run(rt, invocation, pool.take() if pool is not None else None)

        def after() -> None:
            try:
                run.release()
            finally:
                if pool is not None:
                    pool.done()  # refill now, no longer competing with this run

        return run_on_guest_thread(run.run_guest, after=after)


def _discard(inst: qjs.GuestInstance) -> None:
    inst.close()


def _hot_pages(rt: WasmRuntime) -> tuple[int, ...]:
    """The pages of the start-up image a tiny run writes: measured once per process and build.

    A guest made ahead of demand has them faulted in (`GuestInstance.prefault`), so that a
    run does not take ~110 copy-on-write faults (~0.35 ms) on its own path.
    """

    def measure() -> tuple[int, ...]:
        inst = rt.fresh_guest(memory=_POOL_MEMORY, deadline_s=_POOL_DEADLINE_S)
        size = inst.memory_size()
        # Every page the run writes, the same bytes too (Linux's pagemap); else, where that
        # cannot be read, the pages whose bytes changed.
        pagemap = private_pages(inst.mem, inst.store, size) is not None
        before = b"" if pagemap else bytes(inst.mem.read(inst.store, 0, size))
        run = Run(rt, Invocation("javascript", "console.log(1)", "script"), inst)
        try:
            run.run_guest()
            written = private_pages(inst.mem, inst.store, size) if pagemap else None
            if written is None:
                after = bytes(inst.mem.read(inst.store, 0, size))
                written = tuple(
                    page
                    for at, chunk in differing_runs(after, before)
                    for page in range(at, at + len(chunk), PAGE)
                )
        finally:
            run.release()
        return written

    try:
        return run_on_guest_thread(measure)
    except Exception:  # only a slower first write; never a failed pool
        logger.debug("measuring the pages a run writes failed", exc_info=True)
        return ()
