"""Request and response models in the wire shapes of the Riza code-interpreter API.

Field names, enums and defaults follow the API exactly; our additions are marked "Extension"
and are optional extra fields, so a client of the API that ignores them sees the same shape.
Requests reject unknown fields. Every limit and default is documented on its field.

One module on purpose, though long: every wire shape in one place, in the order of the API
reference (runs, tools, runtimes, executions, then our sessions).
"""

from __future__ import annotations

import copy
import enum
import math
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    Strict,
    StrictBool,
    field_validator,
    model_validator,
)

from .errors import ExecutionFailed

__all__ = [
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "CreateSessionRequest",
    "CreateToolRequest",
    "DeletedRuntime",
    "EnvVar",
    "ExecuteFunctionRequest",
    "ExecuteFunctionResponse",
    "ExecuteRequest",
    "ExecuteResponse",
    "ExecuteToolRequest",
    "ExecuteToolResponse",
    "Execution",
    "ExecutionDetails",
    "ExecutionList",
    "File",
    "FunctionExecutionDetails",
    "FunctionLanguage",
    "HTTP",
    "HTTPAllow",
    "HeaderAuth",
    "Language",
    "LeftOutFile",
    "LimitHit",
    "Limits",
    "ManifestFile",
    "OutputFile",
    "OutputStatus",
    "QueryAuth",
    "Runtime",
    "RuntimeLanguage",
    "RuntimeList",
    "RuntimePackage",
    "RuntimeRevision",
    "RuntimeRevisionList",
    "RuntimeStatus",
    "ScriptExecutionDetails",
    "SessionCallRequest",
    "SessionCallResponse",
    "SessionExecutionDetails",
    "SessionInfo",
    "SessionLanguage",
    "SessionLimits",
    "Tool",
    "ToolExecutionDetails",
    "ToolList",
    "UpdateToolRequest",
]

MAX_EXECUTION_TIMEOUT_S = 3600
"""The largest `limits.execution_timeout` accepted, in seconds."""
MIN_MEMORY_SIZE_MIB, MAX_MEMORY_SIZE_MIB = 64, 4096
"""The accepted range of `limits.memory_size`, in MiB (4096 is all a wasm32 guest can address)."""
MAX_FUEL = 2**62
"""The largest fuel cap accepted."""
MAX_OUTPUT_BYTES = 256 << 20
"""The largest per-stream output cap accepted, in bytes."""
MAX_FILES = 1000
"""The most entries in `files`."""
DEFAULT_DISK_BYTES = 64 << 20
"""The default `limits.disk_bytes`: what a run's files may hold in all, in bytes (64 MiB)."""
MAX_DISK_BYTES = 1 << 30
"""The largest `limits.disk_bytes` accepted (1 GiB)."""
DEFAULT_DISK_FILES = 10_000
"""The default `limits.disk_files`: how many files and folders a run may have at once."""
MAX_DISK_FILES = 100_000
"""The largest `limits.disk_files` accepted."""
MAX_PAGE_SIZE = 100
"""The most items a list call returns (`limit`); also its default."""
MAX_PAGE_BYTES = 8 << 20
"""A server list page stops early, before `limit` items, once its JSON passes this many
bytes (8 MiB; always at least one item): continue after its last id as usual."""
MAX_CACHED_INSTANCES = 64
"""The largest `min_cached_instances`/`max_cached_instances` a runtime accepts."""
MAX_TOOL_NAME_CHARS = 64
"""The longest tool name: what LLM function-calling APIs accept (`^[A-Za-z0-9_-]{1,64}$`)."""
MAX_TOOL_DESCRIPTION_CHARS = 8192
"""The longest tool description, in characters."""
MAX_TOOL_CODE_BYTES = 1 << 20
"""The largest tool source, in bytes of UTF-8 (1 MiB)."""
MAX_INPUT_SCHEMA_BYTES = 256 << 10
"""The largest `input_schema`, as compact JSON (256 KiB)."""

# Quotas on every request field, checked when a request is made (before any guest starts).
# Sizes are bytes of UTF-8; every string must be valid Unicode (no lone surrogates).
MAX_CODE_BYTES = 1 << 20
"""The largest `code` of a script or function, in bytes of UTF-8 (1 MiB)."""
MAX_STDIN_BYTES = 10 << 20
"""The largest `stdin`, in bytes of UTF-8 (10 MiB)."""
MAX_ARGS = 1000
"""The most entries in `args`."""
MAX_ARG_BYTES = 128 << 10
"""The largest single argument, in bytes of UTF-8 (128 KiB)."""
MAX_ARGS_TOTAL_BYTES = 1 << 20
"""What all `args` may hold together, in bytes of UTF-8 (1 MiB)."""
MAX_ENV = 1000
"""The most entries in `env`."""
MAX_ENV_NAME_BYTES = 1 << 10
"""The longest env name, in bytes of UTF-8 (1 KiB); no `=`, NUL or control characters."""
MAX_ENV_VALUE_BYTES = 128 << 10
"""The largest env value, in bytes of UTF-8 (128 KiB)."""
MAX_ENV_TOTAL_BYTES = 1 << 20
"""What all of `env` (names and values) may hold together, in bytes of UTF-8 (1 MiB)."""
MAX_FILE_PATH_BYTES = 4096
"""The longest file path, in bytes of UTF-8; no NUL or control characters."""
MAX_FILE_NAME_BYTES = 255
"""The longest part of a file path (a file or folder name), in bytes of UTF-8."""
MAX_FILE_BYTES = 10 << 20
"""The largest file's `contents`, in bytes of UTF-8 (10 MiB)."""
MAX_FILES_TOTAL_BYTES = 64 << 20
"""What all of `files`' contents may hold together, in bytes of UTF-8 (64 MiB)."""
MAX_INPUT_BYTES = 10 << 20
"""The largest function or tool `input`, as compact JSON (10 MiB)."""
MAX_JSON_DEPTH = 100
"""The deepest nesting of arrays and objects in `input` or `input_schema`."""
MAX_HTTP_ALLOW = 100
"""The most entries in `http.allow`."""
MAX_HOST_BYTES = 1 << 10
"""The longest `http.allow[].host`, in bytes (1 KiB)."""
MAX_CREDENTIAL_BYTES = 8 << 10
"""The largest credential field of `http.allow[].auth` (user, password, token, header or
query name and value), in bytes of UTF-8 (8 KiB)."""
MAX_MANIFEST_BYTES = 1 << 20
"""The largest runtime manifest (`manifest_file.contents`), in bytes of UTF-8 (1 MiB)."""
MAX_ID_BYTES = 128
"""The longest id a request may name (`runtime_revision_id`, `revision_id`, `secret_id`)."""
MAX_OUTPUT_FILE_PATTERNS = 100
"""The most glob patterns in `output_files`."""
MAX_OUTPUT_PATTERN_BYTES = 1 << 10
"""The longest `output_files` pattern, in bytes of UTF-8 (1 KiB)."""
DEFAULT_OUTPUT_FILES_BYTES = 10 << 20
"""`limits.output_files_bytes`' default: what the returned files may hold in all (10 MiB)."""
MAX_OUTPUT_FILES_BYTES = 256 << 20
"""The highest `limits.output_files_bytes` and `limits.output_file_bytes` (256 MiB)."""
DEFAULT_OUTPUT_FILE_BYTES = 10 << 20
"""`limits.output_file_bytes`' default: the largest file returned (10 MiB)."""
DEFAULT_OUTPUT_FILES_COUNT = 100
"""`limits.output_files_count`' default: the most files returned."""
MAX_OUTPUT_FILES_COUNT = 10_000
"""The highest `limits.output_files_count`."""
MAX_FILES_LEFT_OUT_LISTED = 100
"""The most files `files_left_out` names; `files_left_out_count` counts them all."""


class Language(enum.StrEnum):
    """A language of the API."""

    PYTHON = "python"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    RUBY = "ruby"
    PHP = "php"


class FunctionLanguage(enum.StrEnum):
    """A language that `run_function` (and tools) accept; Ruby and PHP: our extension."""

    PYTHON = "python"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    RUBY = "ruby"
    PHP = "php"


class SessionLanguage(enum.StrEnum):
    """Extension: a language with sessions. Not PHP: each PHP run is one `main()`."""

    PYTHON = "python"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    RUBY = "ruby"


class OutputStatus(enum.StrEnum):
    """How a function's return value fared."""

    VALID = "valid"
    """It returned a JSON-serializable value, or nothing (`output` is then null)."""
    JSON_SERIALIZATION_ERROR = "json_serialization_error"
    """It returned a value that JSON cannot represent; stderr says which type."""
    ERROR = "error"
    """It raised, exited, hit a limit, or no `execute` was defined; stderr says why."""


class LimitHit(enum.StrEnum):
    """Extension: which limit ended a run."""

    EXECUTION_TIMEOUT = "execution_timeout"
    MEMORY_SIZE = "memory_size"
    FUEL = "fuel"
    OUTPUT_SIZE = "output_size"
    DISK_SIZE = "disk_size"
    """The run's files outgrew `limits.disk_bytes` or `limits.disk_files`."""


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _no_nul(value: str, what: str) -> str:
    if "\x00" in value:
        msg = f"{what} must not contain NUL characters"
        raise ValueError(msg)
    return value


# A lone surrogate (from a JSON `\ud800` escape) is not a Unicode scalar value: it cannot be
# encoded as UTF-8, so it would fail later, inside the host or a guest.
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls and DEL: a newline in an env name or a path would split records apart.
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _scalar_values(value: str, what: str) -> None:
    if value.isascii():
        return
    found = _SURROGATE.search(value)
    if found is not None:
        msg = (
            f"{what} is not valid Unicode: a lone surrogate U+{ord(found.group()):04X} at "
            f"index {found.start()} (send text as UTF-8, or pair the \\u escapes)"
        )
        raise ValueError(msg)


def _utf8_size(value: str) -> int:
    """The bytes of `value` in UTF-8; call it after the value passed `_scalar_values`."""
    return len(value) if value.isascii() else len(value.encode("utf-8"))


def _checked_text(value: str, what: str, max_bytes: int, *, controls: bool = True) -> int:
    _scalar_values(value, what)
    if not controls:
        found = _CONTROL.search(value)
        if found is not None:
            msg = (
                f"{what} must not contain NUL, newline or other control characters "
                f"(U+{ord(found.group()):04X} at index {found.start()})"
            )
            raise ValueError(msg)
    # At most 4 bytes a character: a short string needs no encoding to be measured.
    size = len(value) if len(value) * 4 <= max_bytes else _utf8_size(value)
    if size > max_bytes:
        msg = f"{what} must be at most {max_bytes} bytes of UTF-8, got {size}"
        raise ValueError(msg)
    return size


def _text(
    max_bytes: int, what: str = "the text", *, nul: bool = True, controls: bool = True
) -> Callable[[str], str]:
    """An `AfterValidator` check: valid Unicode, at most `max_bytes`; maybe no NUL/controls."""

    def check(value: str) -> str:
        _checked_text(value, what, max_bytes, controls=controls)
        if not nul:
            _no_nul(value, what)
        return value

    return check


def _check_json_value(
    value: Any, what: str, max_bytes: int, max_depth: int = MAX_JSON_DEPTH
) -> Any:
    """Check a parsed JSON value against the request quotas and return it.

    Valid Unicode in every string and key, finite numbers, nesting at most `max_depth`, and
    at most `max_bytes` as compact JSON (strings' escapes not counted). Values of other
    Python types are left to the caller's JSON encoding.

    Raises:
        ValueError: one of these fails; the message names the place (`input.a[3]`), never
            the value.

    """
    if not isinstance(value, dict | list | tuple):
        if _scalar_size(value, what, ()) > max_bytes:
            msg = f"{what} must be at most {max_bytes} bytes as JSON"
            raise ValueError(msg)
        return value
    size = 0
    # Containers only, with their paths, on an explicit stack (a deep value cannot exhaust
    # Python's). Scalars are measured in place and their paths built only for an error
    # message: a million-item input is checked in about 0.1 s, not 1.5 s.
    stack: list[tuple[dict[Any, Any] | list[Any] | tuple[Any, ...], int, tuple[str | int, ...]]]
    stack = [(value, 0, ())]
    while stack:
        item, depth, path = stack.pop()
        if depth >= max_depth:
            msg = f"{_json_path(what, path)} is nested more than {max_depth} levels deep"
            raise ValueError(msg)
        size += 2 + len(item)
        list_like = not isinstance(item, dict)
        if isinstance(item, dict):
            pairs: Iterable[tuple[Any, Any]] = item.items()
            for key in item:
                if type(key) is str and key.isascii():
                    size += len(key) + 3
                elif isinstance(key, str):
                    _scalar_values(key, f"a key in {_json_path(what, path)}")
                    size += _utf8_size(key) + 3
        else:
            pairs = enumerate(item)
        for key, child in pairs:
            kind = type(child)
            if kind is int:
                bits = child.bit_length()
                if bits > _MAX_INT_BITS:
                    _scalar_size(child, what, _child(path, key, list_like))
                size += int(bits * 0.302 + 2)
            elif kind is str and child.isascii():
                size += len(child) + 2
            elif kind is list or kind is dict or isinstance(child, dict | list | tuple):
                stack.append((child, depth + 1, _child(path, key, list_like)))
            else:
                size += _scalar_size(child, what, _child(path, key, list_like))
        if size > max_bytes:
            msg = f"{what} must be at most {max_bytes} bytes as JSON"
            raise ValueError(msg)
    return value


_MAX_INT_DIGITS = 1000
# An int of at most this many bits has at most _MAX_INT_DIGITS digits by the estimate below.
_MAX_INT_BITS = int((_MAX_INT_DIGITS - 2) / 0.302)


def _child(path: tuple[str | int, ...], key: Any, list_like: bool) -> tuple[str | int, ...]:
    return (*path, key if list_like else str(key))


def _scalar_size(item: Any, what: str, path: tuple[str | int, ...]) -> int:
    """The compact JSON size of a scalar (0 for a type left to the caller's encoding)."""
    if isinstance(item, str):
        _scalar_values(item, _json_path(what, path))
        return _utf8_size(item) + 2
    if isinstance(item, bool) or item is None:
        return 5
    if isinstance(item, int):
        digits = item.bit_length() * 0.302 + 2
        if digits > _MAX_INT_DIGITS:
            where = _json_path(what, path)
            msg = f"{where}: an integer may have at most {_MAX_INT_DIGITS} digits"
            raise ValueError(msg)
        return int(digits)
    if isinstance(item, float):
        if not math.isfinite(item):
            msg = f"{_json_path(what, path)}: {item!r} is not a JSON number"
            raise ValueError(msg)
        return 24
    return 0


def _json_path(what: str, path: tuple[str | int, ...]) -> str:
    text = what
    for part in path[:20]:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            shown = part[:40].encode("utf-8", "backslashreplace").decode("ascii", "replace")
            text += f".{shown}" if shown.isidentifier() else f"[{shown!r}]"
    return text + ("..." if len(path) > 20 else "")


def _json_check(what: str, max_bytes: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        return _check_json_value(value, what, max_bytes)

    return check


_Id = Annotated[str, Strict(), AfterValidator(_text(MAX_ID_BYTES, "the id"))]
# No control characters: a CR or LF in a header would let a credential inject headers.
_Credential = Annotated[
    str, Strict(), AfterValidator(_text(MAX_CREDENTIAL_BYTES, "the credential", controls=False))
]


class Limits(_Request):
    """Per-run limits. A field left out takes the Sandbox's default (shown)."""

    execution_timeout: (
        Annotated[float, Strict(), Field(gt=0, le=MAX_EXECUTION_TIMEOUT_S)] | None
    ) = None
    """Wall-clock seconds the run may take, host calls included. Default 30; at most 3600."""
    memory_size: (
        Annotated[int, Strict(), Field(ge=MIN_MEMORY_SIZE_MIB, le=MAX_MEMORY_SIZE_MIB)] | None
    ) = None
    """The guest's memory in MiB. Default 128; from 64 to 4096."""
    fuel: Annotated[int, Strict(), Field(ge=1, le=MAX_FUEL)] | None = None
    """Extension: a deterministic budget of WebAssembly instructions. Default: no cap."""
    output_bytes: Annotated[int, Strict(), Field(ge=1, le=MAX_OUTPUT_BYTES)] | None = None
    """Extension: bytes kept per output stream before the run is ended. Default 1 MiB."""
    disk_bytes: Annotated[int, Strict(), Field(ge=0, le=MAX_DISK_BYTES)] | None = None
    """Extension: bytes the run's files (the request's and those the guest writes) may hold
    in all; a write past it ends the run (`limit_hit` `disk_size`). Default 64 MiB; at most
    1 GiB."""
    disk_files: Annotated[int, Strict(), Field(ge=0, le=MAX_DISK_FILES)] | None = None
    """Extension: files and folders the run may have at once, the request's included; one
    more ends the run (`limit_hit` `disk_size`). Default 10,000; at most 100,000."""
    output_files_bytes: Annotated[int, Strict(), Field(ge=0, le=MAX_OUTPUT_FILES_BYTES)] | None = (
        None
    )
    """Extension: what the files returned for `output_files` may hold in all, in bytes.
    Default 10 MiB; at most 256 MiB. A file past it is named in `files_left_out`."""
    output_file_bytes: Annotated[int, Strict(), Field(ge=0, le=MAX_OUTPUT_FILES_BYTES)] | None = (
        None
    )
    """Extension: the largest file returned for `output_files`, in bytes. Default 10 MiB."""
    output_files_count: Annotated[int, Strict(), Field(ge=0, le=MAX_OUTPUT_FILES_COUNT)] | None = (
        None
    )
    """Extension: the most files returned for `output_files`. Default 100; at most 10,000."""


class File(_Request):
    """A file laid out under the guest's working directory before the run."""

    path: Annotated[str, Strict()]
    """A relative POSIX path, such as `data/input.csv`: no leading `/`, no `..` part, no
    control characters; at most 4096 bytes, each part at most 255 bytes (UTF-8)."""
    contents: Annotated[str, Strict(), AfterValidator(_text(MAX_FILE_BYTES, "the contents"))]
    """The file's text (UTF-8), at most 10 MiB."""

    @field_validator("path")
    @classmethod
    def _relative_path(cls, path: str) -> str:
        # Checked before it is shown in a message: a path that passes is printable.
        _checked_text(path, "the file path", MAX_FILE_PATH_BYTES, controls=False)
        if not path or path.startswith("/") or "\\" in path:
            msg = f"file path {path!r} must be a relative POSIX path such as 'data/in.csv'"
            raise ValueError(msg)
        parts = [part for part in path.split("/") if part not in ("", ".")]
        if not parts or ".." in parts:
            msg = f"file path {path!r} must name a file inside the working directory (no '..')"
            raise ValueError(msg)
        for part in parts:
            if _utf8_size(part) > MAX_FILE_NAME_BYTES:
                msg = (
                    f"a part of the file path is {_utf8_size(part)} bytes; each part may be "
                    f"at most {MAX_FILE_NAME_BYTES} bytes of UTF-8"
                )
                raise ValueError(msg)
        return posixpath.join(*parts)


class BasicAuth(_Request):
    """HTTP basic credentials, sent as an Authorization header."""

    user_id: _Credential | None = None
    password: _Credential | None = None
    secret_id: _Id | None = None
    """A stored secret holding the password (tools)."""


class BearerAuth(_Request):
    """A bearer token, sent as `Authorization: Bearer <token>`."""

    token: _Credential | None = None
    secret_id: _Id | None = None


class HeaderAuth(_Request):
    """A header set on every request to the host."""

    name: _Credential | None = None
    value: _Credential | None = None
    secret_id: _Id | None = None


class QueryAuth(_Request):
    """A query parameter added to every request to the host."""

    key: _Credential | None = None
    value: _Credential | None = None
    secret_id: _Id | None = None


class Auth(_Request):
    """Credentials the host adds to requests to one allowed host; the guest never sees them.

    Each credential field is at most 8 KiB of UTF-8, without control characters.
    """

    basic: BasicAuth | None = None
    bearer: BearerAuth | None = None
    header: HeaderAuth | None = None
    query: QueryAuth | None = None

    def __repr_args__(self) -> Any:
        # Never print credentials, even in a repr or a log line.
        return [
            (name, "***") for name in ("basic", "bearer", "header", "query") if getattr(self, name)
        ]


class HTTPAllow(_Request):
    """One host the guest may reach over HTTP."""

    host: Annotated[
        str, Strict(), AfterValidator(_text(MAX_HOST_BYTES, "the host", controls=False))
    ]
    auth: Auth | None = None


class HTTP(_Request):
    """The guest's outbound HTTP policy: only the listed hosts. None listed: no network."""

    allow: Annotated[list[HTTPAllow], Field(max_length=MAX_HTTP_ALLOW)] = Field(
        default_factory=list
    )
    """At most 100 entries."""


_Code = Annotated[str, Strict(), AfterValidator(_text(MAX_CODE_BYTES, "the code"))]
_EnvValue = Annotated[
    str, Strict(), AfterValidator(_text(MAX_ENV_VALUE_BYTES, "the env value", nul=False))
]


def _check_env_name(name: str) -> None:
    _checked_text(name, "an env name", MAX_ENV_NAME_BYTES, controls=False)
    if not name or "=" in name:
        msg = f"env name {name!r} must be non-empty, without '=', NUL or control characters"
        raise ValueError(msg)


def _output_pattern(pattern: str) -> str:
    _checked_text(pattern, "an output_files pattern", MAX_OUTPUT_PATTERN_BYTES, controls=False)
    parts = pattern.split("/")
    if pattern.startswith("/") or "\\" in pattern or ".." in parts:
        msg = (
            f"output_files pattern {pattern!r} must be a relative glob such as '*.png' or "
            "'out/**' (no leading '/', no '..', no backslash)"
        )
        raise ValueError(msg)
    normal = "/".join(part for part in parts if part not in ("", "."))
    if not normal:
        msg = f"output_files pattern {pattern!r} names no file; e.g. '*.png' or 'out/**'"
        raise ValueError(msg)
    return normal


_OutputPatterns = Annotated[
    list[Annotated[str, Strict(), AfterValidator(_output_pattern)]],
    Field(max_length=MAX_OUTPUT_FILE_PATTERNS),
]


class _RunRequest(_Request):
    code: _Code
    """The program's source, at most 1 MiB of UTF-8."""
    env: Annotated[dict[Annotated[str, Strict()], _EnvValue], Field(max_length=MAX_ENV)] = Field(
        default_factory=dict
    )
    """The guest's environment, exactly: nothing of the host's is added. At most 1000
    entries; a name at most 1 KiB (no `=`, NUL or control characters), a value at most
    128 KiB (no NUL), all of it at most 1 MiB."""
    files: Annotated[list[File], Field(max_length=MAX_FILES)] = Field(default_factory=list)
    """Files laid out under the guest's working directory (at most 1000, 64 MiB in all)."""
    http: HTTP | None = None
    """Outbound HTTP policy; none means no network."""
    limits: Limits | None = None
    """Per-run limits; fields left out take the Sandbox's defaults."""
    runtime_revision_id: _Id | None = None
    """A runtime revision whose packages the guest loads."""
    output_files: _OutputPatterns = Field(default_factory=list)
    """Extension: glob patterns, relative to the working directory, of files to hand back
    after the run (`"*.png"`, `"out/**"`: `*` within a folder, `**` across folders). At most
    100. The files come back in the response's `files`; caps in `limits`."""

    @field_validator("env", mode="before")
    @classmethod
    def _env_names(cls, env: Any) -> Any:
        # Before the values: a name is checked (and may be shown) only once it is printable.
        if isinstance(env, dict):
            for name in env:
                if isinstance(name, str):
                    _check_env_name(name)
        return env

    @field_validator("env")
    @classmethod
    def _env_size(cls, env: dict[str, str]) -> dict[str, str]:
        total = sum(_utf8_size(name) + _utf8_size(value) for name, value in env.items())
        if total > MAX_ENV_TOTAL_BYTES:
            msg = f"env must hold at most {MAX_ENV_TOTAL_BYTES} bytes in all, got {total}"
            raise ValueError(msg)
        return env

    @field_validator("files")
    @classmethod
    def _files_size(cls, files: list[File]) -> list[File]:
        total = sum(_utf8_size(file.contents) for file in files)
        if total > MAX_FILES_TOTAL_BYTES:
            msg = f"files must hold at most {MAX_FILES_TOTAL_BYTES} bytes in all, got {total}"
            raise ValueError(msg)
        return files

    @model_validator(mode="after")
    def _distinct_files(self) -> _RunRequest:
        seen: set[str] = set()
        for file in self.files:
            if file.path in seen:
                msg = f"file path {file.path!r} is given twice"
                raise ValueError(msg)
            seen.add(file.path)
        for file in self.files:
            parent = posixpath.dirname(file.path)
            while parent:
                if parent in seen:
                    msg = f"file path {file.path!r} lies under {parent!r}, which is a file"
                    raise ValueError(msg)
                parent = posixpath.dirname(parent)
        return self


class ExecuteRequest(_RunRequest):
    """Run a script (Riza `POST /v1/execute`)."""

    language: Language
    """One of python, javascript, typescript, ruby, php."""
    args: Annotated[
        list[
            Annotated[str, Strict(), AfterValidator(_text(MAX_ARG_BYTES, "an argument", nul=False))]
        ],
        Field(max_length=MAX_ARGS),
    ] = Field(default_factory=list)
    """Command-line arguments: `sys.argv[1:]` in Python, `process.argv.slice(2)` in JS. At
    most 1000, each at most 128 KiB (no NUL), 1 MiB in all."""
    stdin: Annotated[str, Strict(), AfterValidator(_text(MAX_STDIN_BYTES, "stdin"))] = ""
    """Standard input, readable whole; at most 10 MiB."""

    @field_validator("args")
    @classmethod
    def _args(cls, args: list[str]) -> list[str]:
        total = sum(_utf8_size(arg) for arg in args)
        if total > MAX_ARGS_TOTAL_BYTES:
            msg = f"args must hold at most {MAX_ARGS_TOTAL_BYTES} bytes in all, got {total}"
            raise ValueError(msg)
        return args


_Input = Annotated[Any, AfterValidator(_json_check("input", MAX_INPUT_BYTES))]


class ExecuteFunctionRequest(_RunRequest):
    """Run a function `execute(input)` (Riza `POST /v1/execute-function`)."""

    language: FunctionLanguage
    """One of python, javascript, typescript, ruby, php."""
    input: _Input = None
    """Any JSON value, passed as `input`; absent means None / null. At most 10 MiB as JSON,
    nested at most 100 deep."""


class OutputFile(BaseModel):
    """Extension: a file the run left behind that `output_files` asked for."""

    path: str
    """Relative to the working directory, as a POSIX path."""
    contents: str
    """The file's bytes: its text when `encoding` is `utf-8`, else base64."""
    encoding: Literal["utf-8", "base64"]
    """`utf-8` for a file that is valid UTF-8, else `base64`."""


class LeftOutFile(BaseModel):
    """Extension: a file that matched `output_files` but was not returned, and why."""

    path: str
    reason: str
    """Which cap it was past (`output_file_bytes`, `output_files_bytes`,
    `output_files_count`), or that it is not a regular file."""


class ExecuteResponse(BaseModel):
    """A finished script run (Riza's execute response), also nested in function results."""

    id: str
    """The execution's id."""
    exit_code: int
    """0 on success; the program's own code on exit; 1 for an uncaught error or a limit."""
    stdout: str
    stderr: str
    duration: int
    """Wall-clock milliseconds of the run."""
    started_at: datetime | None = None
    """Extension: when the run started (UTC)."""
    fuel_used: int | None = None
    """Extension: WebAssembly instructions the guest used (fuel).

    Counted in every Python run, and in JavaScript/TypeScript runs that set `limits.fuel`;
    None for JavaScript runs without a fuel cap, which skip the counting (~15-20% faster).
    """
    limit_hit: LimitHit | None = None
    """Extension: the limit that ended the run, if any."""
    files: list[OutputFile] = Field(default_factory=list)
    """Extension: the files `output_files` asked for, in path order, within the caps."""
    files_left_out: list[LeftOutFile] = Field(default_factory=list)
    """Extension: files that matched but were not returned (the first 100), and why."""
    files_left_out_count: int = 0
    """Extension: how many matched files were not returned in all."""

    def raise_for_status(self) -> Self:
        """Raise `ExecutionFailed` if the run exited non-zero or hit a limit; else return self.

        Our extension, after httpx's `Response.raise_for_status`: `run_script(...)` never
        raises for what the guest did, so `sb.run_script(...).raise_for_status().stdout`
        is for callers who want it to.
        """
        failure = _failure(self)
        if failure is not None:
            raise ExecutionFailed(failure, self)
        return self


def _failure(execution: ExecuteResponse) -> str | None:
    if execution.limit_hit is not None:
        what = f"the run hit its {execution.limit_hit.value} limit"
    elif execution.exit_code != 0:
        what = f"the run exited with code {execution.exit_code}"
    else:
        return None
    lines = execution.stderr.strip().splitlines()
    return f"{what}: {lines[-1][:500]}" if lines else what


def _output_failure(status: OutputStatus, execution: ExecuteResponse) -> str | None:
    failure = _failure(execution)
    if failure is None and status != OutputStatus.VALID:
        return f"the function's output status is {status.value}"
    return failure


class ExecuteFunctionResponse(BaseModel):
    """A finished function run (Riza's execute-function response)."""

    output: Any = None
    """The returned value (JSON), or None unless `output_status` is `valid`."""
    output_status: OutputStatus
    execution: ExecuteResponse

    def raise_for_status(self) -> Self:
        """Raise `ExecutionFailed` unless the run succeeded with a `valid` output; else self.

        Succeeded: exit code 0 within its limits. Our extension, as
        `ExecuteResponse.raise_for_status`.
        """
        failure = _output_failure(self.output_status, self.execution)
        if failure is not None:
            raise ExecutionFailed(failure, self)
        return self


# -- tools -------------------------------------------------------------------------------------

_TOOL_NAME = r"^[A-Za-z0-9_-]{1,64}$"
# A JSON Schema is an object or a boolean; which keywords it holds is checked by `_tools`.
JSONSchema = Annotated[
    dict[str, Any] | StrictBool,
    AfterValidator(_json_check("input_schema", MAX_INPUT_SCHEMA_BYTES)),
]


_ToolCode = Annotated[
    str,
    Strict(),
    Field(max_length=MAX_TOOL_CODE_BYTES),
    AfterValidator(_text(MAX_TOOL_CODE_BYTES, "the code")),
]
_Description = Annotated[
    str,
    Strict(),
    Field(max_length=MAX_TOOL_DESCRIPTION_CHARS),
    AfterValidator(_text(4 * MAX_TOOL_DESCRIPTION_CHARS, "the description")),
]


class CreateToolRequest(_Request):
    """Create a tool (Riza `POST /v1/tools`). Its first revision is made with it."""

    name: Annotated[str, Strict(), Field(pattern=_TOOL_NAME)]
    """1 to 64 letters, digits, `_` or `-`: a name any LLM function-calling API accepts."""
    code: _ToolCode
    """Source that defines `execute(input)`, as for `run_function` (at most 1 MiB)."""
    language: FunctionLanguage
    """One of python, javascript, typescript, ruby, php."""
    description: _Description = ""
    """What the tool does, for people and for a model choosing tools (at most 8192 chars)."""
    input_schema: JSONSchema | None = None
    """A JSON Schema (draft 2020-12 unless `$schema` names another draft) that `input` must
    match; checked when the tool is saved, applied before any guest starts. None: any input."""
    runtime_revision_id: _Id | None = None
    """The runtime revision whose packages the tool's code loads."""


class UpdateToolRequest(_Request):
    """Change a tool (Riza `POST /v1/tools/{id}`): the fields given make a new revision.

    A field left out keeps its value; `input_schema=None` or `runtime_revision_id=None` given
    explicitly removes it.
    """

    name: Annotated[str, Strict(), Field(pattern=_TOOL_NAME)] | None = None
    code: _ToolCode | None = None
    language: FunctionLanguage | None = None
    description: _Description | None = None
    input_schema: JSONSchema | None = None
    runtime_revision_id: _Id | None = None


class Tool(BaseModel):
    """A tool as the API shows it: its current revision, or the revision asked for."""

    model_config = ConfigDict(frozen=True)

    id: str
    """The tool's id, `tool_` and 24 hex digits; it never changes."""
    name: str
    description: str = ""
    code: str
    language: FunctionLanguage
    input_schema: JSONSchema | None = None
    """The JSON Schema its input must match; None accepts any input."""
    revision_id: str
    """The revision these fields belong to (`toolrev_...`); each create and update makes one."""
    runtime_revision_id: str | None = None

    def as_json_schema(self) -> dict[str, Any]:
        """The tool in the function-calling format of LLM SDKs: `name`, `description`, `parameters`.

        `parameters` is `input_schema` (an empty object schema when there is none). OpenAI's
        `{"type": "function", "function": tool.as_json_schema()}` takes it as it is; Anthropic's
        tools take the same dict with `parameters` named `input_schema`.
        """
        if isinstance(self.input_schema, dict):
            parameters: dict[str, Any] = copy.deepcopy(self.input_schema)
        elif self.input_schema is False:
            parameters = {"not": {}}
        else:
            parameters = {"type": "object", "properties": {}}
        return {"name": self.name, "description": self.description, "parameters": parameters}


class EnvVar(_Request):
    """One variable of a tool's environment: a literal `value` or a stored secret's."""

    name: Annotated[str, Strict()]
    value: _EnvValue | None = None
    secret_id: _Id | None = None
    """A secret whose value the guest gets in this variable; resolved on the host side and
    never stored in the execution's record."""

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        _check_env_name(name)
        return name

    @model_validator(mode="after")
    def _one_source(self) -> EnvVar:
        if (self.value is None) == (self.secret_id is None):
            msg = f"env {self.name!r} needs exactly one of value or secret_id"
            raise ValueError(msg)
        return self


class ExecuteToolRequest(_Request):
    """Run a tool (Riza `POST /v1/tools/{id}/execute`)."""

    input: _Input = None
    """Any JSON value; checked against the revision's `input_schema` before a guest starts.
    At most 10 MiB as JSON, nested at most 100 deep."""
    env: Annotated[list[EnvVar], Field(max_length=MAX_ENV)] = Field(default_factory=list)
    """The guest's environment, exactly. Names must be distinct; quotas as for `run_script`'s
    `env` (a secret's value counts when it is resolved)."""
    http: HTTP | None = None
    """Outbound HTTP policy; `auth` may name `secret_id`s. None: no network."""
    revision_id: _Id | None = None
    """Run this revision of the tool (any earlier one stays runnable); None: the current one."""
    limits: Limits | None = None
    """Extension: per-run limits, as for `run_function`."""
    output_files: _OutputPatterns = Field(default_factory=list)
    """Extension: files to hand back after the run, as for `run_script`."""

    @field_validator("env")
    @classmethod
    def _distinct_env(cls, env: list[EnvVar]) -> list[EnvVar]:
        seen: set[str] = set()
        total = 0
        for var in env:
            if var.name in seen:
                msg = f"env {var.name!r} is given twice"
                raise ValueError(msg)
            seen.add(var.name)
            total += _utf8_size(var.name) + _utf8_size(var.value or "")
        if total > MAX_ENV_TOTAL_BYTES:
            msg = f"env must hold at most {MAX_ENV_TOTAL_BYTES} bytes in all, got {total}"
            raise ValueError(msg)
        return env


class ExecuteToolResponse(BaseModel):
    """A finished tool run (Riza's execute-tool response)."""

    output: Any = None
    """The returned value (JSON), or None unless `output_status` is `valid`."""
    output_status: OutputStatus
    execution: ExecuteResponse

    def raise_for_status(self) -> Self:
        """Raise `ExecutionFailed` unless the run succeeded with a `valid` output; else self.

        Succeeded: exit code 0 within its limits. Our extension, as
        `ExecuteResponse.raise_for_status`.
        """
        failure = _output_failure(self.output_status, self.execution)
        if failure is not None:
            raise ExecutionFailed(failure, self)
        return self


# -- executions --------------------------------------------------------------------------------


MAX_SESSION_CALLS = 1_000_000
"""The highest `session_limits.max_calls`."""
MAX_SESSION_SECONDS = 7 * 24 * 3600
"""The highest `session_limits.idle_timeout` and `max_lifetime`, in seconds (a week)."""
MAX_FUNCTION_NAME_BYTES = 255


class SessionLimits(_Request):
    """Extension: what a whole session may use; a field left out takes the default shown."""

    memory_size: (
        Annotated[int, Strict(), Field(ge=MIN_MEMORY_SIZE_MIB, le=MAX_MEMORY_SIZE_MIB)] | None
    ) = None
    """The guest's memory in MiB, for the whole session. Default 1024; from 64 to 4096."""
    max_calls: Annotated[int, Strict(), Field(ge=1, le=MAX_SESSION_CALLS)] | None = None
    """Calls the session may take; one more is refused (`session_closed`). Default 1000."""
    idle_timeout: Annotated[float, Strict(), Field(gt=0, le=MAX_SESSION_SECONDS)] | None = None
    """Seconds without a call after which the session is closed. Default 900."""
    max_lifetime: Annotated[float, Strict(), Field(gt=0, le=MAX_SESSION_SECONDS)] | None = None
    """Seconds from its start after which the session is closed. Default 3600."""
    fuel: Annotated[int, Strict(), Field(ge=1, le=MAX_FUEL)] | None = None
    """WebAssembly instructions all calls together may use; the call that passes it ends
    the session (`limit_hit` `fuel`). Default: no cap."""
    output_bytes: Annotated[int, Strict(), Field(ge=1, le=1 << 40)] | None = None
    """Bytes of stdout and stderr all calls together may produce; a call is capped at what is
    left, and the session ends when nothing is. Default 100 MiB."""


def _function_name(name: str) -> str:
    _checked_text(name, "the function name", MAX_FUNCTION_NAME_BYTES, controls=False)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*[?!]?", name):
        msg = f"function {name!r} must be an identifier such as 'execute' or 'step_2'"
        raise ValueError(msg)
    return name


class CreateSessionRequest(_Request):
    """Extension: start a session (`POST /v1/sessions`, `Sandbox.session`)."""

    language: SessionLanguage
    """One of python, javascript, typescript, ruby (the languages with sessions)."""
    args: Annotated[
        list[
            Annotated[str, Strict(), AfterValidator(_text(MAX_ARG_BYTES, "an argument", nul=False))]
        ],
        Field(max_length=MAX_ARGS),
    ] = Field(default_factory=list)
    """The arguments every call sees (`sys.argv[1:]`, `ARGV`, `process.argv.slice(2)`)."""
    env: Annotated[dict[Annotated[str, Strict()], _EnvValue], Field(max_length=MAX_ENV)] = Field(
        default_factory=dict
    )
    """The guest's environment, exactly, for every call; quotas as for `run_script`."""
    files: Annotated[list[File], Field(max_length=MAX_FILES)] = Field(default_factory=list)
    """Files laid out under the working directory before the first call."""
    http: HTTP | None = None
    """Outbound HTTP policy of every call; none means no network."""
    runtime_revision_id: _Id | None = None
    """A runtime revision whose packages the guest loads."""
    limits: Limits | None = None
    """Each call's limits (a call's own `limits` override them field by field): time (default
    60 s a call), fuel, output, output files; and the session's disk (`disk_bytes`,
    `disk_files`). `memory_size` is not taken here: see `session_limits`."""
    session_limits: SessionLimits | None = None
    """What the whole session may use (memory, calls, idle time, lifetime, fuel, output)."""

    @field_validator("env", mode="before")
    @classmethod
    def _env_names(cls, env: Any) -> Any:
        if isinstance(env, dict):
            for name in env:
                if isinstance(name, str):
                    _check_env_name(name)
        return env

    @field_validator("limits")
    @classmethod
    def _no_memory(cls, limits: Limits | None) -> Limits | None:
        if limits is not None and limits.memory_size is not None:
            msg = "a session's memory is session_limits.memory_size, not limits.memory_size"
            raise ValueError(msg)
        return limits


class SessionCallRequest(_Request):
    """Extension: one call of a session (`POST /v1/sessions/{id}/execute`)."""

    code: _Code = ""
    """Code run in the session, after the calls before it (their globals, imports, files)."""
    function: Annotated[str, Strict(), AfterValidator(_function_name)] | None = None
    """Then call this function (defined by this call's code or an earlier one) with
    `input`; the answer is a function's (`output`, `output_status`)."""
    input: _Input = None
    """The function's input (JSON), as for `run_function`."""
    stdin: Annotated[str, Strict(), AfterValidator(_text(MAX_STDIN_BYTES, "stdin"))] = ""
    """This call's standard input."""
    limits: Limits | None = None
    """This call's limits, over the session's `limits`: time, fuel, output, output files."""
    output_files: _OutputPatterns = Field(default_factory=list)
    """Files to hand back after this call, as for `run_script`."""
    interactive: StrictBool = False
    """Print the value of the code's last expression, as an interactive interpreter does."""

    @field_validator("limits")
    @classmethod
    def _call_fields_only(cls, limits: Limits | None) -> Limits | None:
        if limits is None:
            return None
        fixed = [
            name
            for name in ("memory_size", "disk_bytes", "disk_files")
            if getattr(limits, name) is not None
        ]
        if fixed:
            msg = f"{', '.join(fixed)} belong to the session, not to one call"
            raise ValueError(msg)
        return limits


class SessionCallResponse(RootModel[ExecuteFunctionResponse | ExecuteResponse]):
    """Extension: a session call's answer (a function's when the call named one)."""


class SessionInfo(BaseModel):
    """Extension: a session (`GET /v1/sessions/{id}`)."""

    id: str
    language: Language
    created_at: datetime
    calls: int
    """Calls taken so far."""
    closed: bool
    closed_reason: str | None = None
    """Why it closed: `closed` (by its owner), `limit` (a call hit one), `max_calls`,
    `idle_timeout`, `max_lifetime`, `fuel`, `output_bytes`, `sandbox_closed`."""
    fuel_used: int = 0
    """Instructions its calls used in all."""
    output_bytes: int = 0
    """Bytes of stdout and stderr its calls produced in all."""


class ScriptExecutionDetails(BaseModel):
    """What a `run_script` was asked and answered."""

    type: Literal["script"] = "script"
    request: ExecuteRequest
    """The request, with inline `http.allow[].auth` credentials replaced by `***`."""
    response: ExecuteResponse


class FunctionExecutionDetails(BaseModel):
    """What a `run_function` was asked and answered."""

    type: Literal["function"] = "function"
    request: ExecuteFunctionRequest
    """The request, with inline `http.allow[].auth` credentials replaced by `***`."""
    response: ExecuteFunctionResponse


class ToolExecutionDetails(BaseModel):
    """What a `run_tool` was asked and answered."""

    type: Literal["tool"] = "tool"
    tool_id: str
    request: ExecuteToolRequest
    """The request: env entries keep their `secret_id`, never its value; inline credentials
    are replaced by `***`."""
    response: ExecuteToolResponse
    revision_id: str | None = None
    """Extension: the tool revision that ran."""


class SessionExecutionDetails(BaseModel):
    """Extension: what one call of a session was asked and answered."""

    type: Literal["session"] = "session"
    session_id: str
    request: SessionCallRequest
    response: ExecuteResponse | ExecuteFunctionResponse
    """An `ExecuteFunctionResponse` when the call named a `function`."""


ExecutionDetails = Annotated[
    ScriptExecutionDetails
    | FunctionExecutionDetails
    | ToolExecutionDetails
    | SessionExecutionDetails,
    Field(discriminator="type"),
]
"""One of the details shapes, told apart by `type` (script, function, tool; our session)."""


class Execution(BaseModel):
    """A stored record of one run (Riza `GET /v1/executions/{id}`). No secret value is in it."""

    id: str
    """The run's id: the `id` of its `ExecuteResponse`."""
    language: Language
    duration: int
    """Wall-clock milliseconds of the run."""
    exit_code: int
    started_at: datetime
    details: ExecutionDetails | None = None
    session_id: str | None = None
    """Extension: the session the run was a call of, if any."""


class _Page(BaseModel):
    """A page of a list call. Iterate it, or read its list field by the API's name."""

    def _items(self) -> list[Any]:  # pragma: no cover - every page overrides it
        raise NotImplementedError

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]  # the items, not the fields
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __getitem__(self, index: int) -> Any:
        return self._items()[index]

    @property
    def next_starting_after(self) -> str | None:
        """The id to pass as `starting_after` for the next page: the last item's id, or None."""
        items = self._items()
        return str(items[-1].id) if items else None


class ExecutionList(_Page):
    """A page of executions, newest first (Riza `GET /v1/executions`: `{"data": [...]}`)."""

    data: list[Execution]

    def _items(self) -> list[Execution]:
        return self.data

    def __iter__(self) -> Iterator[Execution]:  # type: ignore[override]
        return iter(self.data)

    def __getitem__(self, index: int) -> Execution:
        return self.data[index]


class ToolList(_Page):
    """A page of tools, oldest first (Riza `GET /v1/tools`: `{"tools": [...]}`)."""

    tools: list[Tool]

    def _items(self) -> list[Tool]:
        return self.tools

    def __iter__(self) -> Iterator[Tool]:  # type: ignore[override]
        return iter(self.tools)

    def __getitem__(self, index: int) -> Tool:
        return self.tools[index]


# -- runtimes ---------------------------------------------------------------------------------


class RuntimeLanguage(enum.StrEnum):
    """The languages a custom runtime can be built for."""

    PYTHON = "python"
    JAVASCRIPT = "javascript"


class RuntimeStatus(enum.StrEnum):
    """Where a runtime revision's build is: pending, building, then one final state."""

    PENDING = "pending"
    BUILDING = "building"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Whether the build has ended (succeeded, failed or cancelled)."""
        return self in (RuntimeStatus.SUCCEEDED, RuntimeStatus.FAILED, RuntimeStatus.CANCELLED)


class ManifestFile(_Request):
    """A runtime's package manifest: `requirements.txt` (Python) or `package.json` (JavaScript)."""

    name: Literal["requirements.txt", "package.json"]
    contents: Annotated[
        str,
        Strict(),
        Field(max_length=MAX_MANIFEST_BYTES),
        AfterValidator(_text(MAX_MANIFEST_BYTES, "the manifest", nul=False)),
    ]
    """The manifest's text, at most 1 MiB of UTF-8."""


class RuntimePackage(BaseModel):
    """One package of a runtime revision and what its build made of it."""

    model_config = ConfigDict(frozen=True)

    name: str
    requested: str = ""
    """The spec the manifest asked for (`>=1.2`, `^7.0.0`); empty for a dependency."""
    version: str | None = None
    """The version installed, or the interpreter's own for a built-in package."""
    status: Literal["installed", "not_installed"]
    message: str = ""
    """Why it is not installed, or a note (`built into the interpreter`, `dependency of x`)."""


class RuntimeRevision(BaseModel):
    """One immutable build of a runtime: its manifest, the build's status, packages and log."""

    model_config = ConfigDict(frozen=True)

    id: str
    """`rtrev_` and 24 hex digits."""
    runtime_id: str
    manifest_file: ManifestFile
    status: RuntimeStatus
    additional_python_imports: str | None = None
    created_at: datetime
    updated_at: datetime
    interpreter_version: str
    """The interpreter the build targets (`python 3.15.0`, `quickjs ...`)."""
    packages: list[RuntimePackage] = Field(default_factory=list)
    build_log: str = ""
    message: str = ""
    """Why the build failed or was cancelled; empty otherwise."""


class Runtime(BaseModel):
    """A named runtime; `revision_id`, `status` and the manifest follow its newest revision."""

    model_config = ConfigDict(frozen=True)

    id: str
    """`rt_` and 24 hex digits."""
    name: str
    language: RuntimeLanguage
    engine: Literal["wasi"] = "wasi"
    revision_id: str
    status: RuntimeStatus
    manifest_file: ManifestFile | None = None
    additional_python_imports: str | None = None
    created_at: datetime
    min_cached_instances: int | None = None
    """Extension: ready guests the engine keeps for this runtime's revisions (0 to 64);
    `None` takes the Sandbox's `min_cached_instances` (1)."""
    max_cached_instances: int | None = None
    """Extension: the most ready guests kept under demand (0 to 64; 0 turns pooling off for
    this runtime); `None` takes the Sandbox's `max_cached_instances` (4)."""


class RuntimeList(_Page):
    """A page of runtimes, oldest first (`{"runtimes": [...]}`)."""

    runtimes: list[Runtime]

    def _items(self) -> list[Runtime]:
        return self.runtimes

    def __iter__(self) -> Iterator[Runtime]:  # type: ignore[override]
        return iter(self.runtimes)

    def __getitem__(self, index: int) -> Runtime:
        return self.runtimes[index]


class RuntimeRevisionList(_Page):
    """A runtime's revisions, oldest first (`{"revisions": [...]}`)."""

    revisions: list[RuntimeRevision]

    def _items(self) -> list[RuntimeRevision]:
        return self.revisions

    def __iter__(self) -> Iterator[RuntimeRevision]:  # type: ignore[override]
        return iter(self.revisions)

    def __getitem__(self, index: int) -> RuntimeRevision:
        return self.revisions[index]


class DeletedRuntime(BaseModel):
    """What `runtimes.delete` returns (`{id, deleted}`)."""

    id: str
    deleted: bool = True
