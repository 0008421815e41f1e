"""`/v1/tools`: create, update (a new revision), list, get and execute tools."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter

from ...models import (
    MAX_PAGE_SIZE,
    CreateToolRequest,
    ExecuteToolRequest,
    ExecuteToolResponse,
    Tool,
    ToolList,
    UpdateToolRequest,
)
from .._context import Authenticated, PathId, Project, State, bounded
from .._guard import StrictJSONRoute
from .runs import RUN_RESPONSES

__all__ = ["router"]

router = APIRouter(tags=["tools"], route_class=StrictJSONRoute)


@router.post("/v1/tools")
def create_tool(request: CreateToolRequest, sb: Project) -> Tool:
    """Create a tool and its first revision."""
    return sb.tools.create(**request.model_dump())


@router.post("/v1/tools/{tool_id}")
def update_tool(tool_id: PathId, request: UpdateToolRequest, sb: Project) -> Tool:
    """Change a tool: the fields given make a new revision."""
    return sb.tools.update(tool_id, **request.model_dump(exclude_unset=True))


@router.get("/v1/tools")
def list_tools(
    sb: Project, limit: int = MAX_PAGE_SIZE, starting_after: str | None = None
) -> ToolList:
    """A page of tools, oldest first."""
    page = sb.tools.list(limit, starting_after)
    return ToolList(tools=bounded(page.tools))


@router.get("/v1/tools/{tool_id}")
def get_tool(tool_id: PathId, sb: Project) -> Tool:
    """A tool at its current revision."""
    return sb.tools.get(tool_id)


@router.post("/v1/tools/{tool_id}/execute", responses=RUN_RESPONSES)
async def execute_tool(
    tool_id: PathId, request: ExecuteToolRequest, caller: Authenticated, state: State
) -> ExecuteToolResponse:
    """Run a tool's `execute(input)` in a fresh guest."""
    sb = caller.sandbox
    # The tool's language names the run in the metrics; a tool that does not exist is a 404
    # before any worker is taken.
    tool = await asyncio.to_thread(sb.tools.get, tool_id, request.revision_id)
    return await state.runner.run(
        caller, tool.language.value, lambda: sb.run_tool(tool_id, request)
    )
