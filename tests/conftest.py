"""Shared fixtures: one Sandbox per session (engines and compiled modules are reused; every run
still gets a fresh guest), and hypothesis profiles (`dev`, `ci`)."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from embedsandbox import Sandbox

from . import _postgres

settings.register_profile(
    "dev",
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    # The suite's history goes to a temporary store, not the user's data folder.
    with Sandbox(store=tmp_path_factory.mktemp("store") / "store.sqlite3") as sb:
        yield sb


@pytest.fixture(scope="session")
def postgres() -> Iterator[_postgres.PostgresServer]:
    """A real PostgreSQL server on 127.0.0.1 for the session (see `tests/_postgres.py`)."""
    try:
        server = _postgres.start()
    except _postgres.Unavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh, empty store of each backend: a SQLite file, or a new PostgreSQL database.

    A PostgreSQL store's host key would be the data folder's `secret.key`: the test's own
    key comes from the environment instead (as every server of one database needs).
    """
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite3")
        return
    server: _postgres.PostgresServer = request.getfixturevalue("postgres")
    monkeypatch.setenv("EMBEDSANDBOX_SECRET_KEY", base64.b64encode(os.urandom(32)).decode())
    url = server.new_database()
    try:
        yield url
    finally:
        server.drop_database(url)


LANGUAGES = ["python", "javascript", "typescript", "ruby", "php"]
