"""The server's execution pool: at most `workers` guests on a core, many more waiting.

A run starts once it has a CPU slot: one of `workers`, and one of its API key's `per_key`
(fairness: one key's burst cannot take every core). A request that waits longer than the
queue timeout for both gets `_Busy` (429), as before. While it runs, its guest's blocking
waits (a sleep, a JavaScript timer, a host call such as HTTP through the egress gateway)
are reported by the engines through `_engines._waiting`: the run frees its slot for the
wait ("parks") and takes one again before its guest goes on. At most `max_waiting` guests
are parked at once; past that a waiting guest keeps its slot (today's behaviour), so new
requests queue and get 429 after the timeout. A parked guest ready to go on comes before
requests not started yet; its own deadline runs meanwhile.

Runs on threads: `workers + max_waiting` of them, created on demand. The guest of a
`Sandbox(processes=N)` waits in its worker process, where no hook reaches: such runs keep
their slot while they wait.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, TypeVar

from .._engines._waiting import use_hook

__all__ = ["DEFAULT_MAX_WAITING", "Busy", "Pool"]

DEFAULT_MAX_WAITING: Final = 256

_T = TypeVar("_T")


class Busy(Exception):
    """No CPU slot came free within the queue timeout."""


class _Waiter:
    """A run waiting for a CPU slot: a request not started yet, or a parked guest resuming."""

    __slots__ = ("granted", "key", "resumer", "wake")

    def __init__(self, key: str, resumer: bool, wake: Callable[[], None] | None) -> None:
        self.key, self.resumer, self.wake = key, resumer, wake
        self.granted = False


class Pool:
    """CPU slots for runs, handed over in order; parked guests give theirs back meanwhile."""

    def __init__(
        self,
        workers: int,
        queue_timeout_s: float,
        per_key: int | None = None,
        max_waiting: int = DEFAULT_MAX_WAITING,
    ) -> None:
        self.workers = workers
        # One key's burst must not starve the others: it may hold at most `per_key` CPU
        # slots (default half), and its further runs wait for one of its own.
        self.per_key = per_key or max(1, workers // 2)
        self.max_waiting = max_waiting
        self._timeout = queue_timeout_s
        self._lock = threading.Lock()
        self._on_cpu = 0
        self._key_on_cpu: dict[str, int] = {}
        self._parked = 0  # guests in a wait, or done waiting and not on a core yet
        self._resumers: deque[_Waiter] = deque()
        self._starters: deque[_Waiter] = deque()
        self._executor = ThreadPoolExecutor(
            workers + max_waiting, thread_name_prefix="embedsandbox-server"
        )

    @property
    def busy(self) -> int:
        """Guests holding a CPU slot now."""
        return self._on_cpu

    @property
    def waiting(self) -> int:
        """Requests waiting for a CPU slot to start."""
        return len(self._starters)

    @property
    def parked(self) -> int:
        """Guests waiting (a sleep, a timer, a host call) without a CPU slot."""
        return self._parked

    async def run(self, call: Callable[[], _T], tenant: str = "") -> _T:
        """`call()` on a pool thread once it has a CPU slot; `Busy` after the timeout."""
        loop = asyncio.get_running_loop()
        started: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            try:
                loop.call_soon_threadsafe(_resolve, started)
            except RuntimeError:  # the loop is closed: nobody waits any more
                pass

        waiter = _Waiter(tenant, False, wake)
        with self._lock:
            self._starters.append(waiter)
            self._dispatch()
        if not waiter.granted:
            try:
                await asyncio.wait({started}, timeout=self._timeout)
            except BaseException:  # the request was cancelled
                if not self._withdraw(waiter):
                    self._release(tenant)
                raise
            if self._withdraw(waiter):
                raise Busy
        run = _Run(self, tenant)

        def work() -> _T:
            try:
                with use_hook(run):
                    return call()
            finally:
                run.finish()

        try:
            future = loop.run_in_executor(self._executor, work)
        except BaseException:
            run.finish()
            raise
        # The slot is given back when the guest ends, even if the client went away.
        return await asyncio.shield(future)

    def _withdraw(self, waiter: _Waiter) -> bool:
        """Take a starter out of the queue: False if it was granted its slot meanwhile."""
        with self._lock:
            if waiter.granted:
                return False
            self._starters.remove(waiter)
            return True

    def _release(self, key: str) -> None:
        with self._lock:
            self._release_locked(key)

    def _release_locked(self, key: str) -> None:
        self._on_cpu -= 1
        left = self._key_on_cpu[key] - 1
        if left:
            self._key_on_cpu[key] = left
        else:
            del self._key_on_cpu[key]
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand free slots to waiters (lock held): parked guests first, then new requests."""
        while self._on_cpu < self.workers:
            waiter = self._next()
            if waiter is None:
                return
            self._on_cpu += 1
            self._key_on_cpu[waiter.key] = self._key_on_cpu.get(waiter.key, 0) + 1
            if waiter.resumer:
                self._parked -= 1
            waiter.granted = True
            if waiter.wake is not None:
                waiter.wake()

    def _next(self) -> _Waiter | None:
        for line in (self._resumers, self._starters):
            for index, waiter in enumerate(line):
                if self._key_on_cpu.get(waiter.key, 0) < self.per_key:
                    del line[index]
                    return waiter
        return None

    def close(self) -> None:
        self._executor.shutdown(wait=True)


class _Run:
    """One run's wait hook: parks its guest (frees the slot) and resumes it (takes one)."""

    __slots__ = ("_done", "_key", "_on_cpu", "_pool")

    def __init__(self, pool: Pool, key: str) -> None:
        self._pool, self._key = pool, key
        self._on_cpu = True
        self._done = False

    def park(self) -> bool:
        pool = self._pool
        with pool._lock:
            if not self._on_cpu or self._done or pool._parked >= pool.max_waiting:
                return False  # past the cap the guest waits on its slot, as it always did
            self._on_cpu = False
            pool._parked += 1
            pool._release_locked(self._key)
        return True

    def resume(self) -> None:
        pool = self._pool
        event = threading.Event()
        waiter = _Waiter(self._key, True, event.set)
        with pool._lock:
            if self._done:  # the run was already reported finished: nothing to take
                pool._parked -= 1
                return
            pool._resumers.append(waiter)
            pool._dispatch()
        if not waiter.granted:
            event.wait()
        with pool._lock:
            self._on_cpu = True
            if self._done:
                pool._release_locked(self._key)
                self._on_cpu = False

    def finish(self) -> None:
        """The run ended: give its slot back. Idempotent."""
        pool = self._pool
        with pool._lock:
            if self._done:
                return
            self._done = True
            if self._on_cpu:
                self._on_cpu = False
                pool._release_locked(self._key)


def _resolve(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_result(None)
