"""The server's one error path: whatever a request raises is answered as `{code, message}`.

`install_error_handlers(app)` is the only place exception handlers are registered, and they
all go through `error_for`:

- our own errors (`EmbedSandboxError`) by their class's `status_code` (and `code` for the
  host's own failures), never by `isinstance` guesses;
- the server's refusals (`ApiError`: a missing key, a full pool) by their own status and code;
- a request FastAPI could not parse or validate: 400 naming the fields, never the values;
- a route or method that does not exist: 404 or 405;
- anything else is ours to fix: a 500 whose `id` is logged with the traceback, which never
  reaches the client.

`code` is a google.rpc.Code number (`RpcCode`), as in Riza's `Status` error body.
"""

from __future__ import annotations

import enum
import logging
import secrets
from collections.abc import Mapping, Sequence
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError as FastAPIValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import EmbedSandboxError

__all__ = [
    "ERROR_RESPONSES",
    "ApiError",
    "ErrorBody",
    "RpcCode",
    "error_for",
    "error_response",
    "install_error_handlers",
    "internal_error",
    "sandbox_error",
]

logger = logging.getLogger("embedsandbox.server")


class RpcCode(enum.IntEnum):
    """The google.rpc.Code numbers the server answers with (the error body's `code`)."""

    INVALID_ARGUMENT = 3
    NOT_FOUND = 5
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    UNAUTHENTICATED = 16


class ErrorBody(BaseModel):
    """Every error response: a google.rpc code and a message (500s add the logged `id`)."""

    code: int
    """A google.rpc.Code number: 3 invalid argument, 5 not found, 16 unauthenticated, ..."""
    message: str
    """What was wrong, for people; it names fields, never the values sent."""
    id: str | None = None
    """Only on a 500: the id the server's log records the error under."""


ERROR_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    400: {"model": ErrorBody, "description": "The request is invalid"},
    401: {"model": ErrorBody, "description": "No API key, or one that is not valid"},
    404: {"model": ErrorBody, "description": "No such route, or the id names nothing"},
    # Declaring the 4XX range also keeps FastAPI from documenting a 422 that never comes:
    # a request that fails validation is a 400 here.
    "4XX": {"model": ErrorBody, "description": "Another client error (413, 431, ...)"},
    500: {"model": ErrorBody, "description": "The server's own failure, logged under `id`"},
}
"""The error responses every `/v1` route documents (routers add theirs, such as 409 or 429).

Not on `/healthz` or `/metrics`: FastAPI would label a text route's error bodies text/plain.
"""


class ApiError(Exception):
    """A refusal of the server's own (not the library's): its HTTP status, code and headers."""

    def __init__(
        self, status: int, code: RpcCode, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers


def error_response(
    status: int, code: int, message: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """`{code, message}` with `status`; a message that is not valid Unicode is escaped.

    The body of every error the server sends, from the middleware as from the handlers.
    """
    # A message may quote the client's text (a dict key, an id): a lone surrogate in it
    # would make the JSON encoder fail on the way out.
    safe = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse({"code": code, "message": safe, **extra}, status, headers=headers)


def internal_error(exc: BaseException, kind: str = "internal_error") -> JSONResponse:
    """A 500 that names the error's kind and an id; the traceback goes to the log only."""
    error_id = f"err_{secrets.token_hex(8)}"
    logger.error("%s %s", kind, error_id, exc_info=exc)
    what = "internal error" if kind == "internal_error" else f"internal error ({kind})"
    return error_response(
        500,
        RpcCode.INTERNAL,
        f"{what} {error_id}; the server log has its details",
        id=error_id,
    )


# The google.rpc code of the error body for each HTTP status our errors' classes carry.
_RPC_CODES: Final = {
    400: RpcCode.INVALID_ARGUMENT,
    404: RpcCode.NOT_FOUND,
    409: RpcCode.FAILED_PRECONDITION,
    422: RpcCode.INVALID_ARGUMENT,
    501: RpcCode.UNIMPLEMENTED,
    503: RpcCode.UNAVAILABLE,
}


def sandbox_error(exc: EmbedSandboxError) -> JSONResponse:
    """An error of ours, answered from its class's own `status_code` (and `code`)."""
    status = exc.status_code
    if status >= 500 and status not in _RPC_CODES:
        # Ours to fix, or the host's (the store's disk): the client gets the error's kind and
        # an id for the log, never the message (paths, SQL).
        return internal_error(exc, exc.code)
    return error_response(status, _RPC_CODES.get(status, RpcCode.INVALID_ARGUMENT), str(exc))


def _field_message(errors: Sequence[Any]) -> str:
    problems = []
    for detail in errors:
        # A dict key in `loc` is the client's text: shorten it (`error_response` escapes it).
        loc = [str(part)[:64] for part in detail.get("loc", ())]
        if detail.get("type") == "json_invalid":
            reason = detail.get("ctx", {}).get("error", "not JSON")
            problems.append(f"the body is not valid JSON: {reason}")
            continue
        if loc and loc[0] == "body":
            loc = loc[1:]
        name = ".".join(loc) or "body"
        problems.append(f"{name}: {detail.get('msg', 'invalid')}")
    if len(problems) > 20:
        problems[20:] = [f"and {len(problems) - 20} more"]
    return "invalid request: " + "; ".join(problems)


def error_for(exc: Exception) -> JSONResponse:
    """The response for anything a request raised (see the module's docstring)."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)
    if isinstance(exc, EmbedSandboxError):
        return sandbox_error(exc)
    if isinstance(exc, FastAPIValidationError):
        return error_response(400, RpcCode.INVALID_ARGUMENT, _field_message(exc.errors()))
    if isinstance(exc, StarletteHTTPException):
        code = {404: RpcCode.NOT_FOUND, 405: RpcCode.UNIMPLEMENTED}.get(
            exc.status_code, RpcCode.INVALID_ARGUMENT
        )
        message = "no such route" if exc.status_code == 404 else str(exc.detail)
        return error_response(exc.status_code, code, message, exc.headers)
    return internal_error(exc)


async def _handle(_: Request, exc: Exception) -> Response:
    return error_for(exc)


# Each class a handler of its own: Starlette hands `Exception` to its outermost middleware,
# which answers and then re-raises (so the server's log shows a traceback); the client's
# mistakes must be answered without that.
_HANDLED: Final = (
    ApiError,
    EmbedSandboxError,
    FastAPIValidationError,
    StarletteHTTPException,
    Exception,
)


def install_error_handlers(app: FastAPI) -> None:
    """Make `error_for` the app's answer to every exception a request can raise."""
    for cls in _HANDLED:
        app.add_exception_handler(cls, _handle)
