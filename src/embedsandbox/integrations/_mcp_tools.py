"""What `integrations.mcp` shows a model: the built-in tools' schemas, and results as content.

The schemas are cut from the request models' own JSON schemas (`ExecuteRequest`, ...), so
they say what the Sandbox accepts; the Sandbox still checks every call itself, and its
message is what a model sees when a call is wrong. No `mcp` import here: content blocks are
built by the caller from the plain parts this module returns.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Final

from ..models import (
    CreateSessionRequest,
    ExecuteFunctionRequest,
    ExecuteFunctionResponse,
    ExecuteRequest,
    ExecuteResponse,
    ExecuteToolResponse,
    SessionCallRequest,
)

__all__ = ["BUILTIN", "IMAGE_TYPES", "Shown", "builtin_tools", "function_shown", "script_shown"]

IMAGE_TYPES: Final = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
"""Output files returned to the client as MCP image content too, by file name suffix."""

_TEXT_FILE_CHARS: Final = 8192  # a UTF-8 output file's text shown inline, at most

_HTTP_NOTE = (
    " Hosts listed here may be reached over HTTP(S); without any the guest has no network. "
    "Credentials are never given here: hosts configured on the server add their own."
)
_GUEST = (
    "A fresh WebAssembly guest per call: no network unless `http` allows hosts, no host "
    "files, a working directory that holds `files`. Python has its standard library (and "
    "whatever the server's runtime revision adds); JavaScript/TypeScript run on QuickJS "
    "with fetch; Ruby on ruby.wasm."
)

_DESCRIPTIONS: Final = {
    "run_code": (
        "Run a program (python, javascript, typescript or ruby) and return its exit code, "
        "stdout and stderr. " + _GUEST + " Files the program leaves that match "
        "`output_files` globs come back; images among them also as images."
    ),
    "run_function": (
        "Run code that defines `execute(input)` (python: `def execute(input)`; "
        "javascript/typescript: `function execute(input)`) and return its JSON result as "
        "`output`, with what it printed. " + _GUEST
    ),
    "session_start": (
        "Start a session: one guest kept across calls, so variables, imports and files "
        "persist between `session_run` calls. Returns its `session_id`. Close it with "
        "`session_close` when done."
    ),
    "session_run": (
        "Run `code` in a session after the calls before it (their variables are there). "
        "With `function` (and `input`), call a function defined earlier and return its JSON "
        "output. `interactive` prints the last expression's value, as a REPL does."
    ),
    "session_close": "Close a session and return what it used.",
}

BUILTIN: Final = tuple(_DESCRIPTIONS)
"""The built-in tools' names; a saved tool with one of these names is shown as `tool_NAME`."""


def _cut(schema: dict[str, Any], keep: tuple[str, ...], required: tuple[str, ...]) -> Any:
    properties = schema["properties"]
    cut: dict[str, Any] = {
        "type": "object",
        "properties": {name: properties[name] for name in keep if name in properties},
        "required": list(required),
        "additionalProperties": False,
    }
    if "$defs" in schema:
        cut["$defs"] = schema["$defs"]
    return cut


def _describe(schema: dict[str, Any], notes: dict[str, str]) -> dict[str, Any]:
    for name, text in notes.items():
        if name in schema["properties"]:
            schema["properties"][name] = {**schema["properties"][name], "description": text}
    return schema


_NOTES: Final = {
    "code": "The program's source (at most 1 MiB).",
    "language": "The language of `code`.",
    "stdin": "Text for the program's standard input.",
    "files": "Files laid out in the working directory first: [{path, contents}] (UTF-8).",
    "output_files": "Globs of files to return after the run ('*.png', 'out/**').",
    "limits": "Per-call limits: execution_timeout (s), memory_size (MiB), fuel, output_bytes.",
    "http": '{"allow": [{"host": "api.example.com"}]}.' + _HTTP_NOTE,
    "input": "The JSON value passed to `execute(input)` (or to `function`).",
    "session_id": "The id `session_start` returned.",
    "function": "A function defined in the session, to call with `input`.",
}


def builtin_tools() -> list[tuple[str, str, dict[str, Any]]]:
    """Each built-in tool's name, description and input schema."""
    run = ExecuteRequest.model_json_schema()
    function = ExecuteFunctionRequest.model_json_schema()
    start = CreateSessionRequest.model_json_schema()
    call = SessionCallRequest.model_json_schema()
    session_id = {"type": "string", "description": _NOTES["session_id"]}
    program = ("language", "code")
    common = ("files", "output_files", "limits", "http", "env", "runtime_revision_id")
    schemas = {
        "run_code": _cut(run, ("language", "code", "stdin", "args", *common), program),
        "run_function": _cut(function, ("language", "code", "input", *common), program),
        "session_start": _cut(
            start, ("language", "files", "http", "env", "limits", "session_limits"), ("language",)
        ),
        "session_run": _cut(
            call,
            ("code", "stdin", "function", "input", "output_files", "limits", "interactive"),
            (),
        ),
        "session_close": {
            "type": "object",
            "properties": {},
            "required": ["session_id"],
            "additionalProperties": False,
        },
    }
    for name in ("session_run", "session_close"):
        schemas[name]["properties"] = {"session_id": session_id, **schemas[name]["properties"]}
        schemas[name]["required"] = ["session_id", *schemas[name]["required"]]
    return [(name, _DESCRIPTIONS[name], _describe(schemas[name], _NOTES)) for name in _DESCRIPTIONS]


@dataclass
class Shown:
    """A result as the client sees it: text, a JSON object, and images (mime type, base64)."""

    text: str
    structured: dict[str, Any]
    images: list[tuple[str, str]] = field(default_factory=list)


def _image_type(path: str) -> str | None:
    dot = path.rfind(".")
    return IMAGE_TYPES.get(path[dot:].lower()) if dot >= 0 else None


def _execution_text(execution: ExecuteResponse) -> tuple[list[str], list[tuple[str, str]]]:
    lines = [f"exit code: {execution.exit_code}"]
    if execution.limit_hit is not None:
        lines.append(f"stopped by a limit: {execution.limit_hit.value}")
    if execution.stdout:
        lines += ["stdout:", execution.stdout.rstrip("\n")]
    if execution.stderr:
        lines += ["stderr:", execution.stderr.rstrip("\n")]
    images: list[tuple[str, str]] = []
    for file in execution.files:
        mime = _image_type(file.path)
        if mime is not None and file.encoding == "base64":
            size = len(base64.b64decode(file.contents))
            images.append((mime, file.contents))
            lines.append(f"file {file.path} ({mime}, {size} bytes): returned as an image")
        elif file.encoding == "utf-8":
            text = file.contents
            cut = "" if len(text) <= _TEXT_FILE_CHARS else " (first 8192 characters)"
            lines += [f"file {file.path}{cut}:", text[:_TEXT_FILE_CHARS]]
        else:
            lines.append(f"file {file.path} (binary, in the structured result as base64)")
    for left in execution.files_left_out:
        lines.append(f"file {left.path} not returned: {left.reason}")
    return lines, images


def script_shown(execution: ExecuteResponse) -> Shown:
    """A script's (or session run's) result."""
    lines, images = _execution_text(execution)
    return Shown("\n".join(lines), execution.model_dump(mode="json"), images)


def function_shown(result: ExecuteFunctionResponse | ExecuteToolResponse) -> Shown:
    """A function's, tool's or session call's result: its output first, then the run."""
    output = json.dumps(result.output, ensure_ascii=False)
    lines, images = _execution_text(result.execution)
    head = [f"output ({result.output_status.value}): {output}"]
    return Shown("\n".join(head + lines), result.model_dump(mode="json"), images)
