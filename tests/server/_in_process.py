"""The app in process for sync tests: its lifespan, an httpx client, and its routes as served.

Starlette's `TestClient` would do, but warns (it wants `httpx2`), and warnings fail the suite.
"""

from __future__ import annotations

import functools
from contextlib import ExitStack
from typing import Any

import httpx
from anyio.from_thread import start_blocking_portal
from fastapi import FastAPI
from fastapi.routing import APIRoute

# FastAPI's own pages, not ours.
DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


class InProcess:
    """`app` served on an event loop of its own thread; `request` blocks until it answers."""

    def __init__(self, app: FastAPI, headers: dict[str, str] | None = None) -> None:
        self._stack = ExitStack()
        self._portal = self._stack.enter_context(start_blocking_portal())
        self._stack.enter_context(
            self._portal.wrap_async_context_manager(app.router.lifespan_context(app))
        )
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._client = httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=headers
        )
        self._stack.enter_context(self._portal.wrap_async_context_manager(self._client))

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._portal.call(functools.partial(self._client.request, method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def close(self) -> None:
        """Close the client and run the app's shutdown (its Sandboxes, pool and keys)."""
        self._stack.close()


def api_routes(app: FastAPI) -> list[Any]:
    """Each route with its `path`, `methods`, `dependant` and `response_model`, as included.

    Only the API's: the dashboard's files (`include_in_schema=False`) are not operations.
    """
    try:
        # FastAPI 0.16x keeps an included router whole; its routes, as included, are these.
        from fastapi.routing import iter_route_contexts
    except ImportError:  # earlier versions copy each included route into `app.routes`
        return [
            r
            for r in app.routes
            if isinstance(r, APIRoute) and r.path not in DOCS and r.include_in_schema
        ]
    return [
        c
        for c in iter_route_contexts(app.routes)
        if isinstance(c.original_route, APIRoute)
        and c.path not in DOCS
        and c.original_route.include_in_schema
    ]
