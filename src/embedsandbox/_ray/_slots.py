"""The pool's actors and their in-flight counts: which actor takes the next run, replacement.

Each actor position has a *generation*: a replacement bumps it, so that the failures and
releases of runs sent to the dead actor (several may have been in flight) neither replace
the new actor again nor touch its count. Thread-safe (one lock and one condition).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Slot", "Slots"]


@dataclass(frozen=True)
class Slot:
    """One acquired place on one actor: where a run goes and what to release after it."""

    index: int
    generation: int
    handle: Any


class Slots:
    """`count` actors, each taking at most `max_in_flight` runs at once."""

    def __init__(self, handles: list[Any], max_in_flight: int, make: Callable[[], Any]) -> None:
        self._handles = list(handles)
        self._generations = [0] * len(handles)
        self._in_flight = [0] * len(handles)
        self._max = max_in_flight
        self._make = make
        self._next = 0  # where the search for the least loaded actor starts (round robin)
        self._replaced = 0
        self._closed = False
        self._cond = threading.Condition()

    @property
    def handles(self) -> tuple[Any, ...]:
        with self._cond:
            return tuple(self._handles)

    @property
    def replaced(self) -> int:
        """How many actors were replaced since the pool started."""
        with self._cond:
            return self._replaced

    def try_acquire(self) -> Slot | None:
        """A place on the least loaded actor with room, or None when every actor is full."""
        with self._cond:
            return self._take()

    def acquire(self) -> Slot:
        """A place on the least loaded actor, waiting until one has room."""
        with self._cond:
            while True:
                slot = self._take()
                if slot is not None:
                    return slot
                self._cond.wait()

    def release(self, slot: Slot) -> None:
        with self._cond:
            if self._generations[slot.index] == slot.generation:
                self._in_flight[slot.index] -= 1
                self._cond.notify()

    def replace(self, slot: Slot) -> Any | None:
        """A new actor in place of `slot`'s dead one; the old handle (to kill), or None.

        None: it was replaced already (by another of its runs' failures), or the pool closed.
        """
        with self._cond:
            if self._closed or self._generations[slot.index] != slot.generation:
                return None
            old = self._handles[slot.index]
            self._handles[slot.index] = self._make()
            self._generations[slot.index] += 1
            self._in_flight[slot.index] = 0
            self._replaced += 1
            self._cond.notify_all()
            return old

    def close(self) -> list[Any]:
        """Mark closed; the handles to kill."""
        with self._cond:
            self._closed = True
            handles, self._handles = self._handles, []
            self._cond.notify_all()
            return handles

    def _take(self) -> Slot | None:
        if self._closed:
            from ..errors import SandboxClosedError

            msg = "the SandboxPool has been closed; create a new one"
            raise SandboxClosedError(msg)
        count = len(self._handles)
        best = -1
        for step in range(count):
            index = (self._next + step) % count
            load = self._in_flight[index]
            if load < self._max and (best < 0 or load < self._in_flight[best]):
                best = index
        if best < 0:
            return None
        self._next = (best + 1) % count
        self._in_flight[best] += 1
        return Slot(best, self._generations[best], self._handles[best])
