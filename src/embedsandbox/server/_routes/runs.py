"""`POST /v1/execute` and `POST /v1/execute-function`: code in a fresh guest (Riza's "command")."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter

from ...models import (
    ExecuteFunctionRequest,
    ExecuteFunctionResponse,
    ExecuteRequest,
    ExecuteResponse,
)
from .._context import Authenticated, State
from .._errors import ErrorBody
from .._guard import StrictJSONRoute

__all__ = ["RUN_RESPONSES", "router"]

RUN_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    429: {"model": ErrorBody, "description": "Every worker stayed busy; see `Retry-After`"},
    501: {"model": ErrorBody, "description": "The language is not available on this server"},
    503: {"model": ErrorBody, "description": "The language's engine is unavailable"},
}
"""The errors of a route that runs a guest, besides every route's."""

router = APIRouter(tags=["command"], route_class=StrictJSONRoute, responses=RUN_RESPONSES)


@router.post("/v1/execute")
async def execute_script(
    request: ExecuteRequest, caller: Authenticated, state: State
) -> ExecuteResponse:
    """Run a script in a fresh guest."""
    sb = caller.sandbox
    return await state.runner.run(caller, request.language.value, lambda: sb.run_script(request))


@router.post("/v1/execute-function")
async def execute_function(
    request: ExecuteFunctionRequest, caller: Authenticated, state: State
) -> ExecuteFunctionResponse:
    """Run a function `execute(input)` in a fresh guest."""
    sb = caller.sandbox
    return await state.runner.run(caller, request.language.value, lambda: sb.run_function(request))
