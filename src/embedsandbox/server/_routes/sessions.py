"""`/v1/sessions`: our extension, sessions over HTTP (a guest kept for many calls).

A session lives in the server process of the project whose key started it: another project's
key gets 404 for its id, as for every other resource. It ends as `Sandbox.session`'s do (a
call that hits a limit, its session limits, `DELETE`); a call to a closed one is 409
`session_closed`. Calls run on the worker pool like runs, and are recorded in the history
with the session's id.
"""

from __future__ import annotations

from fastapi import APIRouter

from ...models import (
    CreateSessionRequest,
    ExecuteFunctionResponse,
    ExecuteResponse,
    SessionCallRequest,
    SessionCallResponse,
    SessionInfo,
)
from .._context import Authenticated, PathId, Project, State
from .._guard import StrictJSONRoute
from .runs import RUN_RESPONSES

__all__ = ["router"]

router = APIRouter(tags=["sessions"], route_class=StrictJSONRoute, responses=RUN_RESPONSES)


@router.post("/v1/sessions")
async def create_session(
    request: CreateSessionRequest, caller: Authenticated, state: State
) -> SessionInfo:
    """Start a session: its guest is made now; its calls come after."""
    sb = caller.sandbox
    return await state.runner.work(caller, lambda: sb.session(request).info())


@router.post("/v1/sessions/{session_id}/execute")
async def execute_in_session(
    session_id: PathId, request: SessionCallRequest, caller: Authenticated, state: State
) -> SessionCallResponse:
    """One call: code after the calls before it, then `function` if it names one.

    The answer is an `ExecuteFunctionResponse` when the call names a `function`, else an
    `ExecuteResponse`.
    """
    session = caller.sandbox.get_session(session_id)
    language = session.language.value
    result: ExecuteResponse | ExecuteFunctionResponse
    if request.function is None:
        result = await state.runner.run(caller, language, lambda: session.run_request(request))
    else:
        result = await state.runner.run(caller, language, lambda: session.call_request(request))
    return SessionCallResponse(result)


@router.get("/v1/sessions/{session_id}")
async def get_session(session_id: PathId, sb: Project) -> SessionInfo:
    """A session's calls so far, and whether (and why) it closed."""
    return sb.get_session(session_id).info()


@router.delete("/v1/sessions/{session_id}")
async def delete_session(session_id: PathId, sb: Project) -> SessionInfo:
    """Close a session and free its guest; what it was is returned."""
    session = sb.get_session(session_id)
    session.close()
    return session.info()
