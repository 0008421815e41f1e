"""Fixtures for the threat suite: a real `embedsandbox serve` process on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..server.conftest import Server, start_server, stop_server

__all__ = ["Server"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own per test module (2 workers, a short queue), stopped after it."""
    running = start_server(
        tmp_path_factory.mktemp("security-server-home"),
        "--workers",
        "2",
        "--queue-timeout",
        "30",
    )
    try:
        yield running
    finally:
        stop_server(running)
