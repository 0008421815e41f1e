"""Fixtures for the command line's tests: `invoke` runs `embedsandbox` in this process.

Each test that uses `home` gets its own EMBEDSANDBOX_HOME (keys, stores) whose `cache` links
to the suite's interpreter cache, so no test compiles an interpreter again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from embedsandbox._cli import app
from embedsandbox._sandbox import default_cache_dir

Invoke = Callable[..., Result]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh EMBEDSANDBOX_HOME for this test, sharing the suite's compiled interpreters."""
    cache = default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "home"
    path.mkdir()
    (path / "cache").symlink_to(cache, target_is_directory=True)
    monkeypatch.setenv("EMBEDSANDBOX_HOME", str(path))
    return path


@pytest.fixture
def invoke() -> Invoke:
    """`invoke(*args, stdin=None, env=None)`: run `embedsandbox ARGS` in process.

    The Result has `exit_code`, `stdout` and `stderr` apart. An exception the command line
    does not turn into an exit code propagates, so a traceback fails the test.
    """

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(
            app,
            list(args),
            input=stdin,
            env=env,
            prog_name="embedsandbox",
            catch_exceptions=False,
        )

    return run
