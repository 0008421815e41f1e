"""Telling the host that a guest waits without using a core (a sleep, a timer, a host call).

The engines wrap every blocking wait of a guest in `waiting()`. With no hook set (the
library on its own) that is one ContextVar lookup and nothing else. The server sets a hook
per run (`use_hook`): it frees the run's CPU slot while the guest waits and takes one again
before the guest goes on, so guests that sleep or wait on HTTP do not hold a core.

The hook travels in the contextvars of the thread that runs the engine; the engines run
guests on threads of their own in a copy of the caller's context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

__all__ = ["WaitHook", "current_hook", "use_hook", "waiting"]


class WaitHook(Protocol):
    """What a run's host does while its guest waits. Called on the guest's thread."""

    def park(self) -> bool:
        """The guest starts waiting: free its core. False if it keeps it (then no `resume`)."""
        ...

    def resume(self) -> None:
        """The guest's wait ended: return once it may run on a core again."""
        ...


_hook: ContextVar[WaitHook | None] = ContextVar("embedsandbox_wait_hook", default=None)


def current_hook() -> WaitHook | None:
    """The hook of the run on this thread, if any."""
    return _hook.get()


@contextmanager
def use_hook(hook: WaitHook | None) -> Iterator[None]:
    """Runs started inside the block report their waits to `hook`."""
    token = _hook.set(hook)
    try:
        yield
    finally:
        _hook.reset(token)


class waiting:
    """`with waiting():` around a blocking wait of the guest (no-op without a hook)."""

    __slots__ = ("_hook",)

    def __init__(self) -> None:
        self._hook: WaitHook | None = None

    def __enter__(self) -> None:
        hook = _hook.get()
        if hook is not None and hook.park():
            self._hook = hook

    def __exit__(self, *_: object) -> None:
        hook, self._hook = self._hook, None
        if hook is not None:
            hook.resume()
