"""Orchestration tests: the Sandbox with `FakeEngine`s and a `MockUpstream`, no WebAssembly and
no network. Each Sandbox gets its own store, runtimes and cache folders under `tmp_path`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from embedsandbox import Sandbox

MakeSandbox = Callable[..., Sandbox]


def new_sandbox(folder: Path, **options: Any) -> Sandbox:
    """A Sandbox whose store, runtimes and cache live in `folder` (nothing in the user's)."""
    options.setdefault("store", folder / "store.sqlite3")
    return Sandbox(runtimes_dir=folder / "runtimes", cache_dir=folder / "cache", **options)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever a test leaves to a default lands in its own folder, not the user's.
    monkeypatch.setenv("EMBEDSANDBOX_HOME", str(tmp_path / "home"))


@pytest.fixture
def make_sandbox(tmp_path: Path) -> Iterator[MakeSandbox]:
    """`make_sandbox(**options)`: a Sandbox in `tmp_path`, closed when the test ends."""
    made: list[Sandbox] = []

    def make(**options: Any) -> Sandbox:
        sandbox = new_sandbox(tmp_path, **options)
        made.append(sandbox)
        return sandbox

    yield make
    for sandbox in made:
        sandbox.close()
