"""What goes into an execution record, and `Executions`, the history's public face.

`Sandbox` builds an `Execution` after each run with `script_record`, `function_record` or
`tool_record`. A record never holds a secret: inline credentials of `http.allow[].auth` become
`***` (a `secret_id` stays, naming the secret without revealing it); a tool's env entries are
stored as requested, so an entry given by `secret_id` keeps the id and never the value; and the
response's text has already been redacted of every credential the run was given.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from .._secrets import REDACTED
from .._validation import check_page
from ..errors import NotFoundError
from ..models import (
    HTTP,
    MAX_PAGE_SIZE,
    Auth,
    ExecuteFunctionRequest,
    ExecuteFunctionResponse,
    ExecuteRequest,
    ExecuteResponse,
    ExecuteToolRequest,
    ExecuteToolResponse,
    Execution,
    ExecutionList,
    FunctionExecutionDetails,
    ScriptExecutionDetails,
    SessionCallRequest,
    SessionExecutionDetails,
    ToolExecutionDetails,
)
from ._executions import ExecutionLog

__all__ = [
    "Executions",
    "function_record",
    "redact_http",
    "script_record",
    "session_record",
    "tool_record",
]

# The credential fields of each auth kind; names and user ids are not secret and stay.
_CREDENTIALS: Final = {
    "basic": "password",
    "bearer": "token",
    "header": "value",
    "query": "value",
}


def redact_http(http: HTTP | None) -> HTTP | None:
    """`http` with every inline credential replaced by `***` (`secret_id`s are kept)."""
    if http is None or not any(entry.auth for entry in http.allow):
        return http
    allow = []
    for entry in http.allow:
        if entry.auth is None:
            allow.append(entry)
            continue
        changes: dict[str, Any] = {}
        for kind, field in _CREDENTIALS.items():
            part = getattr(entry.auth, kind)
            if part is not None and getattr(part, field) is not None:
                changes[kind] = part.model_copy(update={field: REDACTED})
        auth: Auth = entry.auth.model_copy(update=changes)
        allow.append(entry.model_copy(update={"auth": auth}))
    return http.model_copy(update={"allow": allow})


def _execution(
    language: str, response: ExecuteResponse, details: Any, session_id: str | None = None
) -> Execution:
    assert response.started_at is not None  # noqa: S101 - the Sandbox always sets it
    return Execution(
        id=response.id,
        language=language,
        duration=response.duration,
        exit_code=response.exit_code,
        started_at=response.started_at,
        details=details,
        session_id=session_id,
    )


_Response = TypeVar("_Response", ExecuteResponse, ExecuteFunctionResponse, ExecuteToolResponse)


def _kept(response: _Response, keep_files: bool) -> _Response:
    """The response as recorded: the files `output_files` returned only when asked."""
    if keep_files:
        return response
    if isinstance(response, ExecuteResponse):
        return response.model_copy(update={"files": []}) if response.files else response
    execution = response.execution
    if not execution.files:
        return response
    return response.model_copy(update={"execution": execution.model_copy(update={"files": []})})


def script_record(
    request: ExecuteRequest, response: ExecuteResponse, *, keep_files: bool = False
) -> Execution:
    """The record of a `run_script` (its returned files only with `keep_files`)."""
    stored = request.model_copy(update={"http": redact_http(request.http)})
    response = _kept(response, keep_files)
    details = ScriptExecutionDetails(request=stored, response=response)
    return _execution(request.language.value, response, details)


def session_record(
    session_id: str,
    language: str,
    request: SessionCallRequest,
    response: ExecuteResponse | ExecuteFunctionResponse,
    *,
    keep_files: bool = False,
) -> Execution:
    """The record of one call of a session (its returned files only with `keep_files`)."""
    if isinstance(response, ExecuteResponse):
        response = _kept(response, keep_files)
    else:
        response = _kept(response, keep_files)
    details = SessionExecutionDetails(session_id=session_id, request=request, response=response)
    execution = response if isinstance(response, ExecuteResponse) else response.execution
    return _execution(language, execution, details, session_id)


def function_record(
    request: ExecuteFunctionRequest, response: ExecuteFunctionResponse, *, keep_files: bool = False
) -> Execution:
    """The record of a `run_function` (its returned files only with `keep_files`)."""
    stored = request.model_copy(update={"http": redact_http(request.http)})
    response = _kept(response, keep_files)
    details = FunctionExecutionDetails(request=stored, response=response)
    return _execution(request.language.value, response.execution, details)


def tool_record(
    tool_id: str,
    revision_id: str,
    language: str,
    request: ExecuteToolRequest,
    response: ExecuteToolResponse,
    *,
    keep_files: bool = False,
) -> Execution:
    """The record of a `run_tool`. `request.env` holds `secret_id`s, never resolved values."""
    stored = request.model_copy(update={"http": redact_http(request.http)})
    response = _kept(response, keep_files)
    details = ToolExecutionDetails(
        tool_id=tool_id, request=stored, response=response, revision_id=revision_id
    )
    return _execution(language, response.execution, details)


class Executions:
    """`Sandbox.executions`: the history of runs (Riza's `/v1/executions`), newest first.

    Every `run_script`, `run_function` and `run_tool` of the Sandbox is recorded with its
    request and response (no secret values). With `Sandbox(store=None)` nothing is recorded:
    `list()` is empty and `get()` finds nothing.
    """

    def __init__(self, log: ExecutionLog | None) -> None:
        self._log = log

    def get(self, execution_id: str) -> Execution:
        """The execution with this id (the `id` of the run's `ExecuteResponse`).

        Raises:
            NotFoundError: no execution has this id (or the Sandbox keeps no history).

        """
        if self._log is None:
            msg = (
                f"execution {execution_id!r} does not exist: this Sandbox keeps no execution "
                "history (store=None)"
            )
            raise NotFoundError(msg)
        if not isinstance(execution_id, str):
            msg = f"execution {execution_id!r} does not exist"
            raise NotFoundError(msg)
        return self._log.get(execution_id)

    def list(
        self,
        limit: int = MAX_PAGE_SIZE,
        starting_after: str | None = None,
        only_non_zero_exit_codes: bool = False,
    ) -> ExecutionList:
        """A page of executions, newest first; `.data` holds them, and the page iterates.

        Args:
            limit: How many at most, 1 to 100 (default 100).
            starting_after: The last id of the previous page (`page.next_starting_after`).
            only_non_zero_exit_codes: Only runs that exited with a code other than 0.

        Raises:
            RequestValidationError: `limit` is out of range.
            NotFoundError: `starting_after` names no execution.

        """
        limit, starting_after = check_page(limit, starting_after)
        if self._log is None:
            return ExecutionList(data=[])
        return self._log.page(
            limit, starting_after, only_non_zero_exit_codes=bool(only_non_zero_exit_codes)
        )

    def __repr__(self) -> str:
        return "Executions()" if self._log is not None else "Executions(store=None)"
