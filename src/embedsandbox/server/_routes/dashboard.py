"""`GET /` and `GET /dashboard/{name}`: the web dashboard, served without an API key.

The files are the committed build of `web/` (`server/_static/`, see `web/build.mjs`): loaded
once, answered from memory (gzip when the client takes it, an ETag from their sha256). The
page signs in with an API key kept in the browser's sessionStorage and then calls the public
`/v1` API like any other client, so nothing here needs a key. Every answer carries a strict
Content-Security-Policy (scripts, styles and requests to this origin only; no inline script,
no eval, no framing; Trusted Types, so no HTML can be built from strings), `nosniff` and
`Referrer-Policy: no-referrer`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .._errors import RpcCode, error_response

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "router"]

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'; trusted-types 'none'"
)
"""The dashboard's policy: its own files only, no inline script or style attribute, no eval."""

SECURITY_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-cache",
}
"""Headers of every dashboard response."""

_TYPES: Final = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
# Below this a file is sent as it is: gzip would not pay for itself.
_GZIP_MIN_BYTES: Final = 1024

router = APIRouter(tags=["dashboard"], include_in_schema=False)


@dataclass(frozen=True)
class _File:
    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str


@cache
def _files() -> dict[str, _File]:
    """The built files by name; empty when the package has no build."""
    folder = resources.files("embedsandbox.server") / "_static"
    files: dict[str, _File] = {}
    for name, media_type in _TYPES.items():
        entry = folder / name
        if not entry.is_file():
            return {}
        body = entry.read_bytes()
        gzipped = gzip.compress(body, 9, mtime=0) if len(body) >= _GZIP_MIN_BYTES else None
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        files[name] = _File(body, gzipped, media_type, etag)
    return files


def build_info() -> dict[str, object]:
    """The build's `BUILD.json` (sources and files by sha256), or `{}` without a build."""
    entry = resources.files("embedsandbox.server") / "_static" / "BUILD.json"
    return json.loads(entry.read_text("utf-8")) if entry.is_file() else {}


def _answer(request: Request, name: str) -> Response:
    files = _files()
    file = files.get(name)
    if file is None:
        if not files:
            message = (
                "the dashboard is not built into this installation (server/_static is "
                "missing); rebuild it: npm --prefix web ci && npm --prefix web run build"
            )
        else:
            message = f"no dashboard file {name!r}; the files are {', '.join(sorted(files))}"
        return error_response(404, RpcCode.NOT_FOUND, message, headers=SECURITY_HEADERS)
    headers = {**SECURITY_HEADERS, "ETag": file.etag, "Vary": "Accept-Encoding"}
    if file.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = file.body
    accepted = request.headers.get("accept-encoding", "")
    if file.gzipped is not None and "gzip" in accepted.lower():
        body = file.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=file.media_type, headers=headers)


@router.api_route("/", methods=["GET", "HEAD"])
def index(request: Request) -> Response:
    """The dashboard's page."""
    return _answer(request, "index.html")


@router.api_route("/dashboard/{name}", methods=["GET", "HEAD"])
def asset(name: str, request: Request) -> Response:
    """One of the dashboard's files (its script, style sheet, icon)."""
    if name == "index.html":
        return _answer(request, "")
    return _answer(request, name)
