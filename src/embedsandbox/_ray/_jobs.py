"""The units of work of `SandboxPool`: a run (`Job`) and a chunk of runs (`Chunk`).

How a batch item becomes a job, and how a request and a reply cross to and from an actor
(model dumps, validated again on the other side).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import pydantic

from .._validation import validation_error
from ..errors import EmbedSandboxError, RequestValidationError
from ..models import (
    ExecuteFunctionRequest,
    ExecuteFunctionResponse,
    ExecuteRequest,
    ExecuteResponse,
    ExecuteToolRequest,
    ExecuteToolResponse,
)
from ._actor import Kind, Reply
from ._slots import Slot

__all__ = [
    "REQUESTS",
    "Chunk",
    "Job",
    "checked",
    "dump",
    "first_line",
    "is_int",
    "make_job",
    "tool_id_of",
    "unpack",
]

_R = TypeVar("_R", bound=pydantic.BaseModel)
RESPONSES: Final[dict[str, type[pydantic.BaseModel]]] = {
    "script": ExecuteResponse,
    "function": ExecuteFunctionResponse,
    "tool": ExecuteToolResponse,
}
REQUESTS: Final[dict[str, type[pydantic.BaseModel]]] = {
    "script": ExecuteRequest,
    "function": ExecuteFunctionRequest,
    "tool": ExecuteToolRequest,
}


@dataclass
class Job:
    """One run on its way: what to send, where it went, how it ended."""

    kind: Kind
    request: dict[str, Any]
    tool_id: str | None
    slot: Slot | None = None
    ref: Any = None
    attempts: int = 0
    done: bool = False
    result: Any = None
    error: BaseException | None = None

    def describe(self) -> str:
        return f"a {self.kind} run"


@dataclass
class Chunk:
    """Consecutive jobs of a batch sent in one Ray call (`SandboxActor.run_many`)."""

    jobs: list[Job]
    slot: Slot | None = None
    ref: Any = None
    attempts: int = 0

    def describe(self) -> str:
        return f"a chunk of {len(self.jobs)} runs"


def make_job(item: Any, kind: Kind, tool_id: str | None) -> Job:
    """A batch item as a job; one that fails validation is a finished job holding its error."""
    try:
        if isinstance(item, ExecuteRequest):
            return Job("script", dump(item), None)
        if isinstance(item, ExecuteFunctionRequest):
            return Job("function", dump(item), None)
        if isinstance(item, ExecuteToolRequest):
            return Job("tool", dump(item), needs_tool_id(tool_id))
        if isinstance(item, Mapping):
            model = REQUESTS[kind]
            try:
                req = model.model_validate(dict(item))
            except pydantic.ValidationError as exc:
                raise validation_error(model.__name__, exc) from None
            return Job(kind, dump(req), needs_tool_id(tool_id) if kind == "tool" else None)
        msg = (
            "map takes request models (ExecuteRequest, ExecuteFunctionRequest, "
            f"ExecuteToolRequest) or dicts of their fields, got {type(item).__name__}"
        )
        raise RequestValidationError(msg)
    except EmbedSandboxError as exc:
        return Job(kind, {}, None, done=True, error=exc)


def needs_tool_id(tool_id: str | None) -> str:
    if tool_id is None:
        msg = "tool requests in map need the tool: map(requests, tool_id='tool_...')"
        raise RequestValidationError(msg)
    return tool_id


def tool_id_of(tool_id: Any) -> str:
    if not isinstance(tool_id, str):
        msg = f"tool_id must be a tool's id (a string), got {type(tool_id).__name__}"
        raise RequestValidationError(msg)
    return tool_id


def dump(request: pydantic.BaseModel) -> dict[str, Any]:
    # JSON-mode: plain data the actor validates again; fields left unset stay out.
    return request.model_dump(mode="json", exclude_unset=True)


def unpack(kind: str, reply: Reply) -> pydantic.BaseModel:
    ok, value = reply
    if not ok:
        raise value  # the actor's EmbedSandboxError, as itself
    return RESPONSES[kind].model_validate(value)


def checked(model: type[_R], value: pydantic.BaseModel) -> _R:
    assert isinstance(value, model)  # noqa: S101  # `_unpack` built it from the job's kind
    return value


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
