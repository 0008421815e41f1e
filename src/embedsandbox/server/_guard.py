"""What the server refuses before a route runs: ASGI middleware, strict JSON and log redaction.

`RequestGuard` (outermost) caps header count and size (431), refuses repeated `Authorization`
headers and any credential in the URL (the key goes in `Authorization: Bearer`), and caps the
body (413). `parse_json` is the only JSON parser of request bodies: valid UTF-8, no NaN or
Infinity, no duplicate keys, bounded numbers and nesting; `StrictJSONRoute` makes every route
read its body with it. `RedactingFilter` keeps query strings and API keys out of every log
line. Used by `_app` and the routers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import Callable, Coroutine
from typing import Any, Final
from urllib.parse import parse_qsl, unquote_plus

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._errors import RpcCode, error_response

__all__ = [
    "MAX_HEADERS",
    "MAX_HEADER_BYTES",
    "BodyError",
    "RedactingFilter",
    "RequestGuard",
    "StrictJSONRoute",
    "install_redaction",
    "parse_json",
]

MAX_HEADERS: Final = 100
"""The most request headers accepted (431 above)."""
MAX_HEADER_BYTES: Final = 32 << 10
"""The largest request headers accepted, names and values together (32 KiB; 431 above)."""
MAX_JSON_NUMBER_CHARS: Final = 100
"""The longest number literal in a request body."""

# Bodies above this are parsed on a worker thread: a large one would hold up the event loop.
_THREADED_PARSE_BYTES: Final = 64 << 10

_KEY = re.compile(r"esk_[A-Za-z0-9_\-]+")
# Query parameter names that carry credentials (compared without case, `-` or `_`).
_CREDENTIAL_NAMES = re.compile(
    r"key|token|secret|passw|auth|bearer|credential|jwt|session|signature|sig$|pwd"
)


def _credential_in_url(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    query = scope.get("query_string", b"").decode("latin-1")
    if _KEY.search(path) or _KEY.search(unquote_plus(query)) or _KEY.search(query):
        return True
    for name, _ in parse_qsl(query, keep_blank_values=True):
        if _CREDENTIAL_NAMES.search(name.lower().replace("-", "").replace("_", "")):
            return True
    return False


class RequestGuard:
    """Refuses hostile requests before the app sees them; caps the body at `limit` bytes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self._limited(scope, receive, send)

    def _refusal(self, scope: Scope) -> JSONResponse | None:
        headers = scope.get("headers", [])
        size = sum(len(name) + len(value) for name, value in headers)
        if len(headers) > MAX_HEADERS or size > MAX_HEADER_BYTES:
            return error_response(
                431,
                RpcCode.INVALID_ARGUMENT,
                f"the request has {len(headers)} headers of {size} bytes; the server accepts "
                f"at most {MAX_HEADERS} headers of {MAX_HEADER_BYTES} bytes in all",
            )
        if _credential_in_url(scope):
            return error_response(
                401,
                RpcCode.UNAUTHENTICATED,
                "a credential was sent in the URL, which the server refuses: send the API key "
                "in the 'Authorization: Bearer <key>' header, never in the URL (a key that was "
                "in a URL may have been logged elsewhere: revoke it)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if sum(1 for name, _ in headers if name == b"authorization") > 1:
            return error_response(
                401,
                RpcCode.UNAUTHENTICATED,
                "the request has more than one Authorization header; send exactly one: "
                "'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        lengths = [value for name, value in headers if name == b"content-length"]
        if len(lengths) > 1 or (lengths and not lengths[0].isdigit()):
            return error_response(
                400, RpcCode.INVALID_ARGUMENT, "the Content-Length header is invalid"
            )
        if lengths and int(lengths[0]) > self.limit:
            return self._too_large()
        return None

    def _too_large(self) -> JSONResponse:
        return error_response(
            413,
            RpcCode.INVALID_ARGUMENT,
            f"the request body is larger than the server's limit of {self.limit} bytes",
        )

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large()(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class BodyError(ValueError):
    """A request body that is not strict JSON; the message says why (never the value)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                shown = key[:64].encode("utf-8", "backslashreplace").decode("utf-8")
                msg = f"the body has the key {shown!r} twice in one object"
                raise BodyError(msg)
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    msg = f"the body holds {name}, which is not JSON"
    raise BodyError(msg)


def _number(text: str) -> None:
    if len(text) > MAX_JSON_NUMBER_CHARS:
        msg = f"the body holds a number of {len(text)} characters; at most {MAX_JSON_NUMBER_CHARS}"
        raise BodyError(msg)


def _int(text: str) -> int:
    _number(text)
    return int(text)


def _float(text: str) -> float:
    _number(text)
    value = float(text)
    if not math.isfinite(value):
        msg = "the body holds a number too large for a 64-bit float"
        raise BodyError(msg)
    return value


def parse_json(body: bytes) -> Any:
    """A request body as JSON, strictly.

    Raises:
        BodyError: not UTF-8, not JSON, NaN/Infinity, a duplicate key, a number over 100
            characters or out of float range, or nesting deeper than Python can parse.

    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"the body is not valid UTF-8 (byte {exc.start}); send JSON encoded as UTF-8"
        raise BodyError(msg) from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_constant,
            parse_int=_int,
            parse_float=_float,
        )
    except json.JSONDecodeError as exc:
        msg = f"the body is not valid JSON: {exc.msg} (line {exc.lineno} column {exc.colno})"
        raise BodyError(msg) from None
    except RecursionError:
        msg = "the body is not valid JSON for this server: it is nested too deeply"
        raise BodyError(msg) from None


class _StrictJSONRequest(Request):
    """A request whose body is parsed by `parse_json`, off the event loop when large."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                if len(body) > _THREADED_PARSE_BYTES:
                    self._json = await asyncio.to_thread(parse_json, body)
                else:
                    self._json = parse_json(body)
            except BodyError as exc:
                # FastAPI lets an HTTPException from the body through as it is (a 400 with
                # this message); any other exception would become its generic 400.
                raise HTTPException(400, str(exc)) from None
        return self._json


class StrictJSONRoute(APIRoute):
    """A route whose JSON body is read by `parse_json` (the routers' `route_class`)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, given a request that parses its body strictly."""
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(_StrictJSONRequest(request.scope, request.receive))

        return strict


def _redact(text: str) -> str:
    return _KEY.sub("esk_***", text)


class RedactingFilter(logging.Filter):
    """Keeps credentials out of log lines: query strings of access lines, and API keys."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            args = list(record.args)
            if len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
                # Log the path only: a query string may carry a credential.
                args[2] = args[2].split("?", 1)[0] + "?[query redacted]"
                record.args = tuple(args)
        message = record.getMessage()
        redacted = _redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _redact(record.exc_text)
        return True


_FILTER = RedactingFilter()


def install_redaction() -> None:
    """Add the redacting filter to uvicorn's loggers and every handler now configured."""
    loggers = [
        logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error")
    ]
    for logger in loggers:
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
