"""Guest threads: the host threads that every guest's wasm runs on, kept for the next run.

wasmtime runs wasm on the calling thread's native stack and only checks that the wasm part
stays under the engine's max_wasm_stack (8 MiB in both builds); the thread must really have
that much plus the host frames around it, which Python's default threads do not. Starting
such a thread per run costs ~0.1 ms, so threads wait for the next run instead: up to
`KEPT` of them, each for `IDLE_S` seconds (the model is trio's `_core/_thread_cache.py`). A
run never waits for a busy thread (a new one is started), so concurrent runs stay concurrent.
"""

from __future__ import annotations

import contextvars
import logging
import queue
import threading
from collections.abc import Callable
from typing import Final, TypeVar

__all__ = ["IDLE_S", "KEPT", "STACK_SIZE", "discard_later", "discarded", "run_on_guest_thread"]

logger = logging.getLogger("embedsandbox")

R = TypeVar("R")

# The native stack of a guest thread: the 8 MiB wasm stack, the host frames of imports and
# callbacks, with room to spare. Virtual memory, committed only as far as it is touched.
STACK_SIZE: Final = 32 << 20
KEPT: Final = 8  # idle threads kept for the next run
IDLE_S: Final = 30.0  # how long an idle thread waits for one

_spawn_lock = threading.Lock()  # threading.stack_size is process-wide


class _Threads:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        # Threads waiting for a task that no task has been promised to yet. Invariant:
        # threads blocked in get() == self._idle + tasks in the queue.
        self._idle = 0

    def submit(self, task: Callable[[], None]) -> None:
        """Runs `task` (which must not raise) on a guest thread."""
        with self._lock:
            spawn = self._idle == 0
            if not spawn:
                self._idle -= 1
        if spawn:
            with _spawn_lock:
                old = threading.stack_size(STACK_SIZE)
                try:
                    threading.Thread(
                        target=self._work, name="embedsandbox-guest", daemon=True
                    ).start()
                finally:
                    threading.stack_size(old)
        self._tasks.put(task)

    def _work(self) -> None:
        while True:
            try:
                task = self._tasks.get(timeout=IDLE_S)
            except queue.Empty:
                with self._lock:
                    if self._idle > 0:  # else a task is promised to us: take it
                        self._idle -= 1
                        return
                continue
            task()
            del task  # the run's objects go now, not when the next task comes
            with self._lock:
                if self._idle >= KEPT:
                    return
                self._idle += 1


_threads: Final = _Threads()


def run_on_guest_thread(
    fn: Callable[[], R],
    *,
    after: Callable[[], None] | None = None,
    cancel: threading.Event | None = None,
) -> R:
    """`fn()` on a guest thread, in the caller's contextvars; its result or its exception.

    `after()` (freeing the guest) runs on that thread once the caller has the result, off
    its critical path; its failure is logged, never raised. An interrupt of the caller (Ctrl-C)
    while it waits sets `cancel`, so that a guest that watches it stops within a few ticks,
    and waits for the end before it re-raises.
    """
    box: list[R] = []
    errors: list[BaseException] = []
    context = contextvars.copy_context()
    done = threading.Lock()
    done.acquire()

    def task() -> None:
        try:
            box.append(context.run(fn))
        except BaseException as e:  # re-raised on the caller's thread
            errors.append(e)
        finally:
            done.release()
            if after is not None:
                try:
                    after()
                except Exception:
                    logger.debug("freeing a guest failed", exc_info=True)

    try:
        _threads.submit(task)
    except BaseException:
        if after is not None:
            after()
        raise
    try:
        done.acquire()
    except BaseException:
        if cancel is not None:
            cancel.set()
        done.acquire()
        raise
    if errors:
        raise errors[0]
    return box[0]


class _Reaper:
    """Frees used guests on one background thread.

    Closing a store and what the guest held (its disk, output slots) takes 1 to 1.5 ms that
    no caller needs to wait for.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def put(self, discard: Callable[[], None]) -> None:
        self._queue.put(discard)
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._loop, name="embedsandbox-reaper", daemon=True
                    )
                    self._thread.start()

    def _loop(self) -> None:
        while True:
            discard = self._queue.get()
            try:
                discard()
            except Exception:
                logger.debug("freeing a guest failed", exc_info=True)
            del discard


_reaper: Final = _Reaper()


def discard_later(discard: Callable[[], None]) -> None:
    """Call `discard()` (which frees a used guest) soon, on the reaper's thread."""
    _reaper.put(discard)


def discarded(timeout: float) -> bool:
    """Wait until every discard queued so far has run (tests); False after `timeout` s."""
    done = threading.Event()
    _reaper.put(done.set)  # one queue, one thread: it runs after every earlier discard
    return done.wait(timeout)
