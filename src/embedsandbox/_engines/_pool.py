"""Warm pools: guests made ready ahead of demand, each handed out for exactly one run.

A `WarmPool` keeps up to `target` ready instances, made by a background thread. The target
starts at `min_cached`; a `take` that finds the pool empty raises it by one (up to
`max_cached`), and a pool left idle for `IDLE_S` seconds shrinks back to `min_cached`. An
instance is never returned to a pool: the caller runs one invocation in it and discards it,
so a pool changes how fast a run starts, never what it sees.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["IDLE_S", "PoolSize", "Pools", "WarmPool", "resolve_size"]

logger = logging.getLogger("embedsandbox")

T = TypeVar("T")

IDLE_S = 30.0
"""A pool with no `take` for this long drops back to its `min_cached` instances."""

_RETRY_S = 1.0  # after a failed make: instances are made by our code, so failures are rare


@dataclass(frozen=True, slots=True)
class PoolSize:
    """How many ready instances a pool keeps: `max_cached == 0` turns pooling off."""

    min_cached: int = 1
    max_cached: int = 4

    def __post_init__(self) -> None:
        if self.min_cached < 0 or self.max_cached < 0 or self.min_cached > self.max_cached:
            msg = (
                "cached instances need 0 <= min_cached_instances <= max_cached_instances, "
                f"got min={self.min_cached}, max={self.max_cached}"
            )
            raise ValueError(msg)

    @property
    def enabled(self) -> bool:
        return self.max_cached > 0


class WarmPool(Generic[T]):
    """Ready instances of one kind (one language and runtime revision). Thread-safe."""

    def __init__(
        self,
        name: str,
        make: Callable[[], T],
        discard: Callable[[T], None],
        size: PoolSize,
    ) -> None:
        self._name = name
        self._make = make
        self._discard = discard
        self._size = size
        self._ready: deque[T] = deque()
        self._target = size.min_cached
        self._last_take = time.monotonic()
        self._busy = 0  # runs between take() and done(): the filler waits for them
        self._closed = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self.made = 0  # counters, for tests and metrics
        self.hits = 0
        self.misses = 0

    @property
    def size(self) -> PoolSize:
        return self._size

    def ready_count(self) -> int:
        with self._cond:
            return len(self._ready)

    def take(self) -> T | None:
        """A ready instance, or None (the caller makes one itself). Never blocks on a make.

        The pool is refilled after `done()`: making a guest while the taken one runs would
        compete with it for the CPU and the GIL. So a pool's first run makes its own guest,
        and filling starts when it ends (or at `start()`).
        """
        if not self._size.enabled:
            return None
        with self._cond:
            if self._closed:
                return None
            self._last_take = time.monotonic()
            if self._ready:
                self.hits += 1
                instance = self._ready.popleft()
            else:
                self.misses += 1
                self._target = min(self._size.max_cached, max(self._target + 1, 1))
                instance = None
            self._busy += 1
            return instance

    def done(self) -> None:
        """The run that took (or missed) an instance has finished: refill now."""
        with self._cond:
            self._busy = max(0, self._busy - 1)
            self._start_locked()
            self._cond.notify_all()

    def start(self) -> None:
        """Begin filling in the background (a `take` also does)."""
        if not self._size.enabled:
            return
        with self._cond:
            self._start_locked()

    def wait_ready(self, count: int | None = None, timeout: float = 60.0) -> bool:
        """Block until `count` (default: the pool's minimum) instances are ready."""
        want = self._size.min_cached if count is None else count
        self.start()
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._ready) < want and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return len(self._ready) >= want

    def close(self) -> None:
        """Stop the filler thread and discard every ready instance. Idempotent."""
        with self._cond:
            self._closed = True
            thread, self._thread = self._thread, None
            ready = list(self._ready)
            self._ready.clear()
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        for instance in ready:
            self._discard_quietly(instance)

    def _start_locked(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(
                target=self._fill, name=f"embedsandbox-pool-{self._name}", daemon=True
            )
            self._thread.start()

    def _fill(self) -> None:
        surplus: T | None
        while True:
            with self._cond:
                while not self._closed:
                    idle = time.monotonic() - self._last_take
                    if idle >= IDLE_S and self._target > self._size.min_cached:
                        self._target = self._size.min_cached
                    if len(self._ready) > self._target:
                        surplus = self._ready.pop()
                        break
                    if len(self._ready) < self._target and (self._busy == 0 or not self._ready):
                        surplus = None
                        break
                    # Wake up in time to shrink an idle pool.
                    wait = IDLE_S - idle if self._target > self._size.min_cached else None
                    self._cond.wait(max(wait, 0.05) if wait is not None else None)
                else:
                    return
            if surplus is not None:
                self._discard_quietly(surplus)
                continue
            try:
                instance = self._make()
            except Exception:
                with self._cond:
                    if self._closed:
                        return  # closing (at exit, say) may end a make half way: not a fault
                    logger.warning("could not prepare a warm %s guest", self._name, exc_info=True)
                    self._cond.wait(_RETRY_S)
                continue
            with self._cond:
                if self._closed:
                    keep = False
                else:
                    keep = True
                    self._ready.append(instance)
                    self.made += 1
                    self._cond.notify_all()
            if not keep:
                self._discard_quietly(instance)
                return

    def _discard_quietly(self, instance: T) -> None:
        try:
            self._discard(instance)
        except Exception:
            logger.debug("discarding a warm %s guest failed", self._name, exc_info=True)


def resolve_size(default: PoolSize, min_cached: int | None, max_cached: int | None) -> PoolSize:
    """A runtime's own sizes laid over the Sandbox's (`None` keeps the Sandbox's)."""
    low = default.min_cached if min_cached is None else min_cached
    high = max(default.max_cached, low) if max_cached is None else max_cached
    return PoolSize(min(low, high), high)


class Pools(Generic[T]):
    """One engine's pools, by key (language variant and runtime revision). Thread-safe."""

    def __init__(self, name: str, default: PoolSize) -> None:
        self._name = name
        self.default = default
        self._pools: dict[object, WarmPool[T]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def get(
        self,
        key: object,
        make: Callable[[], T],
        discard: Callable[[T], None],
        size: PoolSize | None = None,
    ) -> WarmPool[T] | None:
        """The pool for `key`, made on first use; None once closed or when pooling is off."""
        size = self.default if size is None else size
        if not size.enabled:
            return None
        stale = None
        with self._lock:
            if self._closed:
                return None
            pool = self._pools.get(key)
            if pool is not None and pool.size != size:
                stale, pool = pool, None  # the runtime's sizes changed (`runtimes.update`)
            if pool is None:
                pool = self._pools[key] = WarmPool(self._name, make, discard, size)
        if stale is not None:
            stale.close()
        return pool

    def all(self) -> list[WarmPool[T]]:
        with self._lock:
            return list(self._pools.values())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pools = list(self._pools.values())
            self._pools.clear()
        for pool in pools:
            pool.close()
