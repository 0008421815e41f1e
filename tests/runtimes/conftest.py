"""Runtimes build with pip and npm against their public registries; one Sandbox per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from embedsandbox import Sandbox


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("runtimes")


@pytest.fixture(scope="module")
def rsb(home: Path) -> Iterator[Sandbox]:
    with Sandbox(store=home / "store.sqlite3", runtimes_dir=home / "artifacts") as sb:
        yield sb
