"""The server's routes, one FastAPI router per resource; `create_app` includes them.

`PUBLIC` routers answer without an API key (health, metrics and the dashboard's files);
`create_app` includes each of the `PROTECTED` ones behind the one auth dependency
(`_context.authenticate`), so a route added to them cannot forget it.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter

from . import dashboard, executions, operations, runs, runtimes, secrets, sessions, tools

__all__ = ["PROTECTED", "PUBLIC"]

PUBLIC: Final[tuple[APIRouter, ...]] = (operations.router, dashboard.router)
"""Routers served without an API key (health, metrics, the dashboard's static files)."""

PROTECTED: Final[tuple[APIRouter, ...]] = (
    runs.router,
    tools.router,
    secrets.router,
    executions.router,
    runtimes.router,
    sessions.router,
)
"""Routers of the `/v1` API: every route needs a bearer API key."""
