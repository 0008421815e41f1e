"""Shared fixtures: one Sandbox per session (engines and compiled modules are reused; every run
still gets a fresh guest), and hypothesis profiles (`dev`, `ci`)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from embedsandbox import Sandbox

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


LANGUAGES = ["python", "javascript", "typescript", "ruby", "php"]
