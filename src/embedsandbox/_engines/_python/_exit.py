"""What happens to Python guests at interpreter exit.

At exit, first every turn still running (on a daemon thread nobody joins) is cancelled and
waited for, a bounded time (`EXIT_WAIT_S`, `stopped_at_exit`): a guest that writes output has
wasmtime call our write callback on one of its tokio threads, and once the interpreter is
finalizing, Python ends such a thread where it asks for the GIL (pthread_exit), whose
unwinding through wasmtime's Rust frames aborts the process ("panic in a function that
cannot unwind"). Then guests not yet discarded (`live`) are discarded, after the engines'
pools have stopped their fillers (`close_at_exit`), while wasmtime's bindings still exist;
then the stores kept in slots for reuse are closed (`discard_at_exit`). A guest in a turn is
never closed under it. Closing a store calls no Python code on wasmtime's threads either (its
outputs have no finalizer, `_outputs.send_outputs`).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["EXIT_WAIT_S", "close_at_exit", "discard_at_exit", "live", "stopped_at_exit"]

EXIT_WAIT_S = 2.0  # how long an exit waits for cancelled turns to end (a host call may be slow)

logger = logging.getLogger("embedsandbox")

live: weakref.WeakSet[Any] = weakref.WeakSet()  # Guests: `.busy`, `.discard()`
_closers: list[weakref.WeakMethod[Callable[[], None]]] = []
_last: list[Callable[[], None]] = []
_running: dict[object, threading.Event] = {}  # each turn in progress: its cancel event
_exiting = False
_lock = threading.Lock()


@contextmanager
def stopped_at_exit(cancel: threading.Event | None) -> Iterator[threading.Event]:
    """A turn's cancel event (`cancel`, or a new one), set when the interpreter exits.

    A turn that starts once the exit has begun gets it set already.
    """
    event = cancel if cancel is not None else threading.Event()
    token = object()
    with _lock:
        _running[token] = event
        if _exiting:
            event.set()
    try:
        yield event
    finally:
        with _lock:
            del _running[token]


def _stop_running() -> None:
    global _exiting
    with _lock:
        _exiting = True
        running = list(_running.values())
    for event in running:
        event.set()
    ends = time.monotonic() + EXIT_WAIT_S
    while time.monotonic() < ends:
        with _lock:
            if not _running:
                return
        time.sleep(0.002)
    logger.debug("%d Python guest turn(s) still running at exit", len(_running))


def close_at_exit(close: Callable[[], None]) -> None:
    """Call the bound method `close` at exit, before idle guests are discarded.

    Held weakly: an engine collected before exit is simply skipped.
    """
    with _lock:
        _closers[:] = [ref for ref in _closers if ref() is not None]
        _closers.append(weakref.WeakMethod(close))


def discard_at_exit(discard: Callable[[], None]) -> None:
    """Call `discard` at exit, after the idle guests are discarded (held strongly)."""
    with _lock:
        _last.append(discard)


@atexit.register
def _discard_live() -> None:
    _stop_running()
    with _lock:
        closers = [ref() for ref in _closers]
        last = list(_last)
    for close in closers:
        if close is None:
            continue
        try:
            close()
        except Exception:
            logger.debug("closing an engine at exit failed", exc_info=True)
    for guest in list(live):
        if not guest.busy:
            guest.discard()
    for discard in last:
        try:
            discard()
        except Exception:
            logger.debug("discarding at exit failed", exc_info=True)
