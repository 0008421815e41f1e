"""`GET /healthz` and `GET /metrics`: for load balancers and Prometheus, without an API key."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, RootModel

from .._context import State
from .._guard import StrictJSONRoute

__all__ = ["Health", "MetricsText", "router"]

router = APIRouter(tags=["operations"], route_class=StrictJSONRoute)


class Health(BaseModel):
    """`GET /healthz`: `{"status": "ok"}` while the server is up."""

    status: str


class MetricsText(RootModel[str]):
    """`GET /metrics`: the Prometheus text exposition format (version 0.0.4)."""


@router.get("/healthz")
def healthz() -> Health:
    """Whether the server is up."""
    return Health(status="ok")


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    # Documents the text body by name; FastAPI's own schema for a text route is a bare string.
    responses={200: {"model": MetricsText}},
)
def prometheus(state: State) -> PlainTextResponse:
    """Prometheus metrics: executions by language and outcome, durations, the pool."""
    return PlainTextResponse(state.metrics.render(), media_type="text/plain; version=0.0.4")
