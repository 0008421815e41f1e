"""What happens to Python guests at interpreter exit.

Guests not yet discarded (`live`) are discarded at exit, after the engines' pools have stopped
their fillers (`close_at_exit`), while wasmtime's bindings still exist; then the stores kept
in slots for reuse are closed (`discard_at_exit`). A guest in a turn is never closed under it.
Closing a store calls no Python code on wasmtime's threads (its outputs have no finalizer,
`_wasi_python._send_outputs`): what made exits abort with a Rust panic.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["close_at_exit", "discard_at_exit", "live"]

logger = logging.getLogger("embedsandbox")

live: weakref.WeakSet[Any] = weakref.WeakSet()  # Guests: `.busy`, `.discard()`
_closers: list[weakref.WeakMethod[Callable[[], None]]] = []
_last: list[Callable[[], None]] = []
_lock = threading.Lock()


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
