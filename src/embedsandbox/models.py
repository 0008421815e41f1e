"""Request and response models in the wire shapes of the Riza code-interpreter API.

Field names, enums and defaults follow the API exactly; our additions are marked "Extension"
and are optional extra fields, so a client of the API that ignores them sees the same shape.
Requests reject unknown fields. Every limit and default is documented on its field.
"""

from __future__ import annotations

import copy
import enum
import posixpath
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "Auth",
    "BasicAuth",
    "BearerAuth",
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
    "LimitHit",
    "Limits",
    "ManifestFile",
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


class Language(enum.StrEnum):
    """A language of the API. Ruby and PHP are valid names with no engine yet."""

    PYTHON = "python"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    RUBY = "ruby"
    PHP = "php"


class FunctionLanguage(enum.StrEnum):
    """A language that `run_function` accepts."""

    PYTHON = "python"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"


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


class Limits(_Request):
    """Per-run limits. A field left out takes the Sandbox's default (shown)."""

    execution_timeout: Annotated[float, Field(gt=0, le=MAX_EXECUTION_TIMEOUT_S)] | None = None
    """Wall-clock seconds the run may take, host calls included. Default 30; at most 3600."""
    memory_size: Annotated[int, Field(ge=MIN_MEMORY_SIZE_MIB, le=MAX_MEMORY_SIZE_MIB)] | None = None
    """The guest's memory in MiB. Default 128; from 64 to 4096."""
    fuel: Annotated[int, Field(ge=1, le=MAX_FUEL)] | None = None
    """Extension: a deterministic budget of WebAssembly instructions. Default: no cap."""
    output_bytes: Annotated[int, Field(ge=1, le=MAX_OUTPUT_BYTES)] | None = None
    """Extension: bytes kept per output stream before the run is ended. Default 1 MiB."""
    disk_bytes: Annotated[int, Field(ge=0, le=MAX_DISK_BYTES)] | None = None
    """Extension: bytes the run's files (the request's and those the guest writes) may hold
    in all; a write past it ends the run (`limit_hit` `disk_size`). Default 64 MiB; at most
    1 GiB."""
    disk_files: Annotated[int, Field(ge=0, le=MAX_DISK_FILES)] | None = None
    """Extension: files and folders the run may have at once, the request's included; one
    more ends the run (`limit_hit` `disk_size`). Default 10,000; at most 100,000."""


class File(_Request):
    """A file laid out under the guest's working directory before the run."""

    path: str
    """A relative POSIX path, such as `data/input.csv`: no leading `/`, no `..` part."""
    contents: str
    """The file's text (UTF-8)."""

    @field_validator("path")
    @classmethod
    def _relative_path(cls, path: str) -> str:
        _no_nul(path, "a file path")
        if not path or path.startswith("/") or "\\" in path:
            msg = f"file path {path!r} must be a relative POSIX path such as 'data/in.csv'"
            raise ValueError(msg)
        parts = [part for part in path.split("/") if part not in ("", ".")]
        if not parts or ".." in parts:
            msg = f"file path {path!r} must name a file inside the working directory (no '..')"
            raise ValueError(msg)
        return posixpath.join(*parts)


class BasicAuth(_Request):
    """HTTP basic credentials, sent as an Authorization header."""

    user_id: str | None = None
    password: str | None = None
    secret_id: str | None = None
    """A stored secret holding the password (tools)."""


class BearerAuth(_Request):
    """A bearer token, sent as `Authorization: Bearer <token>`."""

    token: str | None = None
    secret_id: str | None = None


class HeaderAuth(_Request):
    """A header set on every request to the host."""

    name: str | None = None
    value: str | None = None
    secret_id: str | None = None


class QueryAuth(_Request):
    """A query parameter added to every request to the host."""

    key: str | None = None
    value: str | None = None
    secret_id: str | None = None


class Auth(_Request):
    """Credentials the host adds to requests to one allowed host; the guest never sees them."""

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

    host: str
    auth: Auth | None = None


class HTTP(_Request):
    """The guest's outbound HTTP policy: only the listed hosts. None listed: no network."""

    allow: list[HTTPAllow] = Field(default_factory=list)


class _RunRequest(_Request):
    code: str
    """The program's source."""
    env: dict[str, str] = Field(default_factory=dict)
    """The guest's environment, exactly: nothing of the host's is added."""
    files: Annotated[list[File], Field(max_length=MAX_FILES)] = Field(default_factory=list)
    """Files laid out under the guest's working directory (at most 1000)."""
    http: HTTP | None = None
    """Outbound HTTP policy; none means no network."""
    limits: Limits | None = None
    """Per-run limits; fields left out take the Sandbox's defaults."""
    runtime_revision_id: str | None = None
    """A runtime revision whose packages the guest loads."""

    @field_validator("env")
    @classmethod
    def _env_names(cls, env: dict[str, str]) -> dict[str, str]:
        for name, value in env.items():
            if not name or "=" in name or "\x00" in name:
                msg = f"env name {name!r} must be non-empty, without '=' or NUL"
                raise ValueError(msg)
            _no_nul(value, f"the value of env {name!r}")
        return env

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
    args: list[str] = Field(default_factory=list)
    """Command-line arguments: `sys.argv[1:]` in Python, `process.argv.slice(2)` in JS."""
    stdin: str = ""
    """Standard input, readable whole."""

    @field_validator("args")
    @classmethod
    def _args(cls, args: list[str]) -> list[str]:
        for arg in args:
            _no_nul(arg, "an argument")
        return args


class ExecuteFunctionRequest(_RunRequest):
    """Run a function `execute(input)` (Riza `POST /v1/execute-function`)."""

    language: FunctionLanguage
    """One of python, javascript, typescript."""
    input: Any = None
    """Any JSON value, passed as `input`; absent means None / null."""


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


class ExecuteFunctionResponse(BaseModel):
    """A finished function run (Riza's execute-function response)."""

    output: Any = None
    """The returned value (JSON), or None unless `output_status` is `valid`."""
    output_status: OutputStatus
    execution: ExecuteResponse


# -- tools -------------------------------------------------------------------------------------

_TOOL_NAME = r"^[A-Za-z0-9_-]{1,64}$"
# A JSON Schema is an object or a boolean; which keywords it holds is checked by `_tools`.
JSONSchema = dict[str, Any] | bool


class CreateToolRequest(_Request):
    """Create a tool (Riza `POST /v1/tools`). Its first revision is made with it."""

    name: Annotated[str, Field(pattern=_TOOL_NAME)]
    """1 to 64 letters, digits, `_` or `-`: a name any LLM function-calling API accepts."""
    code: Annotated[str, Field(max_length=MAX_TOOL_CODE_BYTES)]
    """Source that defines `execute(input)`, as for `run_function` (at most 1 MiB)."""
    language: FunctionLanguage
    """One of python, javascript, typescript."""
    description: Annotated[str, Field(max_length=MAX_TOOL_DESCRIPTION_CHARS)] = ""
    """What the tool does, for people and for a model choosing tools (at most 8192 chars)."""
    input_schema: JSONSchema | None = None
    """A JSON Schema (draft 2020-12 unless `$schema` names another draft) that `input` must
    match; checked when the tool is saved, applied before any guest starts. None: any input."""
    runtime_revision_id: str | None = None
    """The runtime revision whose packages the tool's code loads."""


class UpdateToolRequest(_Request):
    """Change a tool (Riza `POST /v1/tools/{id}`): the fields given make a new revision.

    A field left out keeps its value; `input_schema=None` or `runtime_revision_id=None` given
    explicitly removes it.
    """

    name: Annotated[str, Field(pattern=_TOOL_NAME)] | None = None
    code: Annotated[str, Field(max_length=MAX_TOOL_CODE_BYTES)] | None = None
    language: FunctionLanguage | None = None
    description: Annotated[str, Field(max_length=MAX_TOOL_DESCRIPTION_CHARS)] | None = None
    input_schema: JSONSchema | None = None
    runtime_revision_id: str | None = None


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

    name: str
    value: str | None = None
    secret_id: str | None = None
    """A secret whose value the guest gets in this variable; resolved on the host side and
    never stored in the execution's record."""

    @model_validator(mode="after")
    def _one_source(self) -> EnvVar:
        if not self.name or "=" in self.name or "\x00" in self.name:
            msg = f"env name {self.name!r} must be non-empty, without '=' or NUL"
            raise ValueError(msg)
        if (self.value is None) == (self.secret_id is None):
            msg = f"env {self.name!r} needs exactly one of value or secret_id"
            raise ValueError(msg)
        if self.value is not None:
            _no_nul(self.value, f"the value of env {self.name!r}")
        return self


class ExecuteToolRequest(_Request):
    """Run a tool (Riza `POST /v1/tools/{id}/execute`)."""

    input: Any = None
    """Any JSON value; checked against the revision's `input_schema` before a guest starts."""
    env: list[EnvVar] = Field(default_factory=list)
    """The guest's environment, exactly. Names must be distinct."""
    http: HTTP | None = None
    """Outbound HTTP policy; `auth` may name `secret_id`s. None: no network."""
    revision_id: str | None = None
    """Run this revision of the tool (any earlier one stays runnable); None: the current one."""
    limits: Limits | None = None
    """Extension: per-run limits, as for `run_function`."""

    @field_validator("env")
    @classmethod
    def _distinct_env(cls, env: list[EnvVar]) -> list[EnvVar]:
        names = [var.name for var in env]
        for name in names:
            if names.count(name) > 1:
                msg = f"env {name!r} is given twice"
                raise ValueError(msg)
        return env


class ExecuteToolResponse(BaseModel):
    """A finished tool run (Riza's execute-tool response)."""

    output: Any = None
    """The returned value (JSON), or None unless `output_status` is `valid`."""
    output_status: OutputStatus
    execution: ExecuteResponse


# -- executions --------------------------------------------------------------------------------


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


ExecutionDetails = Annotated[
    ScriptExecutionDetails | FunctionExecutionDetails | ToolExecutionDetails,
    Field(discriminator="type"),
]
"""One of the three details shapes, told apart by `type` (script, function, tool)."""


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
    contents: str = Field(max_length=1 << 20)


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
