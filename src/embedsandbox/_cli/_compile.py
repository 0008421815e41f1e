"""A first compile of an interpreter, announced on stderr (run, warmup, serve, ui)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import TracebackType

import click

from .._sandbox import PoolOptions, Sandbox

__all__ = ["compile_before_serving", "warm"]

_COMPILE_TIME = {
    "python": "1 to 2 minutes on an idle 2-core machine, up to 4 under load",
    "javascript": "a second or two",
    "typescript": "a second or two",
    "ruby": "about a minute once: a 30 MB download from the npm registry, then a compile",
    "php": "5 to 10 seconds once",
}
_TICK_S = 10


def _say(message: str) -> None:
    click.echo(f"embedsandbox: {message}", err=True)


class _Progress:
    """Tells the user, on stderr, that the first compile is under way and still going."""

    def __init__(self, language: str, sandbox: Sandbox) -> None:
        self._language = language
        self._cache = sandbox.cache_dir
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)
        self._start = time.monotonic()

    def __enter__(self) -> _Progress:
        _say(
            f"compiling the {self._language} interpreter for the first time "
            f"({_COMPILE_TIME.get(self._language, 'a moment')}); later runs load it from "
            f"{self._cache}"
        )
        self._start = time.monotonic()
        self._thread.start()
        return self

    def _tick(self) -> None:
        while not self._done.wait(_TICK_S):
            _say(f"still compiling ({time.monotonic() - self._start:.0f} s)")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._done.set()
        self._thread.join()
        _say(f"compiled in {time.monotonic() - self._start:.0f} s")


def warm(sandbox: Sandbox, language: str) -> None:
    """Compile `language`'s interpreter into the disk cache if it is not there yet.

    Says so on stderr before (with how long it takes) and every 10 s while it runs; does
    nothing, and prints nothing, when the cache already holds it.

    Raises:
        LanguageUnavailableError: the language has no engine in this installation (php).
        RuntimeUnavailableError: the interpreter build is missing or fails its check.

    """
    if sandbox.needs_compile(language):
        with _Progress(language, sandbox):
            sandbox.warmup([language])


def compile_before_serving(cache_dir: Path | None) -> None:
    """Compile Python and JavaScript (if not cached), with progress, before a server starts.

    A first compile (1 to 4 minutes for Python) so happens here, never inside the first request.
    """
    with Sandbox(
        store=None, cache_dir=cache_dir, pool=PoolOptions(max_cached_instances=0)
    ) as sandbox:
        for language in ("python", "javascript"):
            warm(sandbox, language)
