"""`/v1/executions`: the project's run history, newest first, each with its request and response."""

from __future__ import annotations

from fastapi import APIRouter

from ...models import MAX_PAGE_SIZE, Execution, ExecutionList
from .._context import PathId, Project, bounded
from .._guard import StrictJSONRoute

__all__ = ["router"]

router = APIRouter(tags=["executions"], route_class=StrictJSONRoute)


@router.get("/v1/executions")
def list_executions(
    sb: Project,
    limit: int = MAX_PAGE_SIZE,
    starting_after: str | None = None,
    only_non_zero_exit_codes: bool = False,
) -> ExecutionList:
    """A page of executions, newest first."""
    page = sb.executions.list(limit, starting_after, only_non_zero_exit_codes)
    return ExecutionList(data=bounded(page.data))


@router.get("/v1/executions/{execution_id}")
def get_execution(execution_id: PathId, sb: Project) -> Execution:
    """One execution with its request and response."""
    return sb.executions.get(execution_id)
