"""The FastAPI app: Riza's REST routes over one `Sandbox` per project.

`create_app()` builds it; `serve()` runs it on uvicorn. Every `/v1` route needs a bearer API
key (`KeyStore`); the key's project picks the `Sandbox` (and so the store) the request sees,
so one project never sees another's tools, secrets or executions (404). Guests run on a
bounded pool of worker threads, never on the event loop (`_pool`): at most `workers` on a
core, while guests that sleep or wait on a host call give their core back; a request that
waits longer than `queue_timeout_s` for a worker gets 429 with `Retry-After`. Errors are
`{code, message}` with google.rpc codes; an unexpected error is a 500 whose `id` is logged
with its traceback.
"""

import asyncio
import hashlib
import logging
import os
import secrets as _random
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Final, Literal, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError as FastAPIValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, ConfigDict, Strict, StrictInt
from starlette.exceptions import HTTPException as StarletteHTTPException

from .._keys import KeyStore, project_store_path
from .._options import PoolOptions
from .._sandbox import Sandbox
from .._secrets import MAX_SECRET_NAME_CHARS, MAX_SECRET_VALUE_BYTES, Secret, SecretList
from ..errors import (
    EmbedSandboxError,
    LanguageUnavailableError,
)
from ..models import (
    MAX_MANIFEST_BYTES,
    MAX_PAGE_BYTES,
    MAX_PAGE_SIZE,
    CreateToolRequest,
    ExecuteFunctionRequest,
    ExecuteFunctionResponse,
    ExecuteRequest,
    ExecuteResponse,
    ExecuteToolRequest,
    ExecuteToolResponse,
    Execution,
    ExecutionList,
    RuntimeList,
    Tool,
    ToolList,
    UpdateToolRequest,
)
from ..models import _text as text_check
from ._guard import BodyError, RequestGuard, error_response, install_redaction, parse_json
from ._metrics import Metrics
from ._pool import DEFAULT_MAX_WAITING, Busy, Pool

__all__ = ["ServerOptions", "create_app", "serve"]

logger = logging.getLogger("embedsandbox.server")

DEFAULT_QUEUE_TIMEOUT_S: Final = 10.0
DEFAULT_MAX_BODY_BYTES: Final = 16 << 20
_H11_MAX_EVENT_BYTES: Final = 256 << 10

# google.rpc.Code numbers
_INVALID_ARGUMENT, _NOT_FOUND, _RESOURCE_EXHAUSTED, _FAILED_PRECONDITION = 3, 5, 8, 9
_UNIMPLEMENTED, _INTERNAL, _UNAVAILABLE, _UNAUTHENTICATED = 12, 13, 14, 16

_T = TypeVar("_T")


@dataclass(frozen=True)
class ServerOptions:
    """How the server runs.

    Args:
        store: The default project's store file (default: the default store, the one
            `Sandbox()` opens); other projects' stores are `projects/<project>/store.sqlite3`
            next to it.
        keys: The API keys file (default `keys.sqlite3` in the data directory).
        workers: Guests that may run on a core at once (default: the number of CPUs). A
            guest blocked in a sleep, a JavaScript timer or a host call (HTTP through the
            egress gateway) gives its worker back while it waits (see `max_waiting`).
        queue_timeout_s: How long a request waits for a free worker before it gets 429.
        max_body_bytes: The largest request body accepted (413 above it); default 16 MiB.
        cache_dir: Where compiled interpreters are cached (default as for `Sandbox`).
        retry_after_s: The `Retry-After` a 429 carries, in whole seconds.
        processes: Worker processes per language and project that run the guests
            (`Sandbox(processes=...)`); 0, the default, runs them in the server's process.
        max_runs_per_key: Guests one API key may run on a core at once (default: half the
            workers, at least 1); its further runs wait for one of its own slots (429 after
            `queue_timeout_s`), so one key's burst cannot starve another's requests. A
            key's waiting guests do not count here, only against `max_waiting`.
        max_waiting: Guests that may wait without a worker at once, over all keys (default
            256); past it a waiting guest keeps its worker, so further requests queue and
            get 429 as before. 0 makes every guest hold its worker until it ends. With
            `processes`, guests wait inside their worker process and keep their worker.

    """

    store: Path | None = None
    keys: Path | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 2)
    queue_timeout_s: float = DEFAULT_QUEUE_TIMEOUT_S
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    cache_dir: Path | None = None
    retry_after_s: int = 1
    processes: int = 0
    max_runs_per_key: int | None = None
    max_waiting: int = DEFAULT_MAX_WAITING


class ApiError(Exception):
    """An error the server answers with `{code, message}` and `status`."""

    def __init__(
        self, status: int, code: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers


class ErrorBody(BaseModel):
    """Every error response: a google.rpc code and a message (500s add the logged `id`)."""

    code: int
    message: str
    id: str | None = None


def _text(max_bytes: int, what: str) -> Any:
    return Annotated[str, Strict(), AfterValidator(text_check(max_bytes, what))]


class CreateSecretRequest(BaseModel):
    """Create a secret (`POST /v1/secrets`); the value is never returned."""

    model_config = ConfigDict(extra="forbid")
    name: _text(4 * MAX_SECRET_NAME_CHARS, "the secret name")  # type: ignore[valid-type]
    value: _text(MAX_SECRET_VALUE_BYTES, "the secret value")  # type: ignore[valid-type]


_MAX_NAME_BYTES = 1 << 10
_Imports = Annotated[str, Strict(), AfterValidator(text_check(64 << 10, "the imports"))]


class ManifestFileBody(BaseModel):
    """A runtime's manifest: `requirements.txt` (Python) or `package.json` (JavaScript)."""

    model_config = ConfigDict(extra="forbid")
    name: Literal["requirements.txt", "package.json"]
    contents: _text(MAX_MANIFEST_BYTES, "the manifest")  # type: ignore[valid-type]


class CreateRuntimeRequest(BaseModel):
    """Create a runtime (`POST /v1/runtimes`)."""

    model_config = ConfigDict(extra="forbid")
    name: _text(_MAX_NAME_BYTES, "the runtime name")  # type: ignore[valid-type]
    language: Literal["python", "javascript"]
    manifest_file: ManifestFileBody
    additional_python_imports: _Imports | None = None
    engine: Literal["wasi", "microvm", "v8"] | None = None
    # Strict: `true` or `"2"` is not a count. The range is checked by `Runtimes.create`.
    min_cached_instances: StrictInt | None = None
    max_cached_instances: StrictInt | None = None


class CreateRevisionRequest(BaseModel):
    """Make a runtime revision (`POST /v1/runtimes/{id}/revisions`)."""

    model_config = ConfigDict(extra="forbid")
    manifest_file: ManifestFileBody
    additional_python_imports: _Imports | None = None


class Health(BaseModel):
    """`GET /healthz`."""

    status: str


def _error(status: int, code: int, message: str, **extra: Any) -> JSONResponse:
    headers = extra.pop("headers", None)
    return error_response(status, code, message, headers, **extra)


def _internal(exc: BaseException, kind: str = "internal_error") -> JSONResponse:
    error_id = f"err_{_random.token_hex(8)}"
    logger.error("%s %s", kind, error_id, exc_info=exc)
    what = "internal error" if kind == "internal_error" else f"internal error ({kind})"
    return _error(
        500,
        _INTERNAL,
        f"{what} {error_id}; the server log has its details",
        id=error_id,
    )


# The gRPC-style code of Riza's error body for each HTTP status our errors carry.
_RIZA_CODES = {
    400: _INVALID_ARGUMENT,
    404: _NOT_FOUND,
    409: _FAILED_PRECONDITION,
    422: _INVALID_ARGUMENT,
    501: _UNIMPLEMENTED,
    503: _UNAVAILABLE,
}


def _sandbox_error(exc: EmbedSandboxError) -> JSONResponse:
    """An error of ours, answered from its class's own `status_code` (and `code`)."""
    status = exc.status_code
    if status >= 500 and status not in _RIZA_CODES:
        # Ours to fix, or the host's (the store's disk): the client gets the error's kind and
        # an id for the log, never the message (paths, SQL).
        return _internal(exc, exc.code)
    return _error(status, _RIZA_CODES.get(status, _INVALID_ARGUMENT), str(exc))


def _field_message(errors: Any) -> str:
    problems = []
    for detail in errors:
        # A dict key in `loc` is the client's text: shorten it (and `_error` escapes it).
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


class _StrictJSONRequest(Request):
    """A request whose body is parsed by `parse_json`, off the event loop when large."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                if len(body) > 64 << 10:
                    self._json = await asyncio.to_thread(parse_json, body)
                else:
                    self._json = parse_json(body)
            except BodyError as exc:
                raise HTTPException(400, str(exc)) from None
        return self._json


class _StrictJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Any:
            return await handler(_StrictJSONRequest(request.scope, request.receive))

        return strict


def _bounded(items: list[Any], budget: int = MAX_PAGE_BYTES) -> list[Any]:
    """The first items whose JSON fits in `budget` bytes (at least one).

    The page's cursor then continues after the last item kept.
    """
    kept: list[Any] = []
    size = 0
    for item in items:
        size += len(item.model_dump_json()) if hasattr(item, "model_dump_json") else 0
        if kept and size > budget:
            break
        kept.append(item)
    return kept


class _Projects:
    """One Sandbox per project, opened on first use."""

    def __init__(self, options: ServerOptions) -> None:
        self._options = options
        self._lock = threading.Lock()
        self._sandboxes: dict[str, Sandbox] = {}

    def get(self, project: str) -> Sandbox:
        with self._lock:
            sandbox = self._sandboxes.get(project)
            if sandbox is None:
                sandbox = Sandbox(
                    store=project_store_path(project, self._options.store),
                    cache_dir=self._options.cache_dir,
                    pool=PoolOptions(processes=self._options.processes),
                )
                self._sandboxes[project] = sandbox
            return sandbox

    def close(self) -> None:
        with self._lock:
            sandboxes, self._sandboxes = list(self._sandboxes.values()), {}
        for sandbox in sandboxes:
            sandbox.close()


def _outcome(execution: ExecuteResponse) -> str:
    if execution.limit_hit is not None:
        return "limit_hit"
    return "success" if execution.exit_code == 0 else "non_zero_exit"


def create_app(options: ServerOptions | None = None) -> FastAPI:
    """The ASGI app serving the Riza API (see README, "Serving over HTTP")."""
    options = options or ServerOptions()
    if options.workers < 1:
        msg = f"workers must be at least 1, got {options.workers}"
        raise ValueError(msg)
    if options.max_waiting < 0:
        msg = f"max_waiting must be at least 0, got {options.max_waiting}"
        raise ValueError(msg)
    keys = KeyStore(options.keys)
    projects = _Projects(options)
    pool = Pool(
        options.workers, options.queue_timeout_s, options.max_runs_per_key, options.max_waiting
    )
    metrics = Metrics(options.workers, lambda: pool.busy, lambda: pool.waiting, lambda: pool.parked)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await asyncio.to_thread(pool.close)
        projects.close()
        keys.close()

    app = FastAPI(
        title="embedsandbox",
        summary="The Riza code-interpreter API, served by embedsandbox.",
        version="0.1.0",
        lifespan=lifespan,
        responses={
            400: {"model": ErrorBody},
            401: {"model": ErrorBody},
            404: {"model": ErrorBody},
            500: {"model": ErrorBody},
        },
    )
    app.router.route_class = _StrictJSONRoute
    app.add_middleware(RequestGuard, limit=options.max_body_bytes)
    install_redaction()
    bearer = HTTPBearer(auto_error=False, description="an API key from `embedsandbox keys create`")

    def authenticate(
        http: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Sandbox:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(
                401,
                _UNAUTHENTICATED,
                "missing API key: send 'Authorization: Bearer <key>' "
                "(create a key with `embedsandbox keys create`)",
            )
        project = keys.authenticate(credentials.credentials)
        if project is None:
            raise ApiError(401, _UNAUTHENTICATED, "the API key is not valid or was revoked")
        # Fairness is per key; its digest names it, never the key itself.
        http.state.tenant = hashlib.sha256(credentials.credentials.encode()).hexdigest()
        return projects.get(project)

    Project = Annotated[Sandbox, Depends(authenticate)]

    async def execute(language: str, call: Callable[[], _T], http: Request) -> _T:
        def timed() -> _T:
            start = time.perf_counter()
            try:
                result = call()
            except EmbedSandboxError as exc:
                refused = exc.status_code < 500 or isinstance(exc, LanguageUnavailableError)
                outcome = "rejected" if refused else "internal_error"
                metrics.execution(language, outcome, time.perf_counter() - start)
                raise
            except Exception:
                metrics.execution(language, "internal_error", time.perf_counter() - start)
                raise
            execution = result if isinstance(result, ExecuteResponse) else result.execution  # type: ignore[attr-defined]
            metrics.execution(language, _outcome(execution), time.perf_counter() - start)
            return result

        try:
            return await pool.run(timed, getattr(http.state, "tenant", ""))
        except Busy:
            metrics.rejected()
            raise ApiError(
                429,
                _RESOURCE_EXHAUSTED,
                f"all {options.workers} workers stayed busy for {options.queue_timeout_s:g} s; "
                "retry later",
                headers={"Retry-After": str(options.retry_after_s)},
            ) from None

    # -- errors ------------------------------------------------------------------------------

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, headers=exc.headers)

    @app.exception_handler(EmbedSandboxError)
    async def sandbox_error(_: Request, exc: EmbedSandboxError) -> JSONResponse:
        return _sandbox_error(exc)

    @app.exception_handler(FastAPIValidationError)
    async def validation_error(_: Request, exc: FastAPIValidationError) -> JSONResponse:
        return _error(400, _INVALID_ARGUMENT, _field_message(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: _NOT_FOUND, 405: _UNIMPLEMENTED}.get(exc.status_code, _INVALID_ARGUMENT)
        message = "no such route" if exc.status_code == 404 else str(exc.detail)
        return _error(exc.status_code, code, message, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return _internal(exc)

    # -- operations --------------------------------------------------------------------------

    @app.get("/healthz", tags=["operations"])
    def healthz() -> Health:
        """Whether the server is up."""
        return Health(status="ok")

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    def prometheus() -> PlainTextResponse:
        """Prometheus metrics: executions by language and outcome, durations, the pool."""
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    # -- runs --------------------------------------------------------------------------------

    @app.post("/v1/execute", tags=["command"])
    async def execute_script(
        request: ExecuteRequest, sb: Project, http: Request
    ) -> ExecuteResponse:
        """Run a script in a fresh guest."""
        return await execute(request.language.value, lambda: sb.run_script(request), http)

    @app.post("/v1/execute-function", tags=["command"])
    async def execute_function(
        request: ExecuteFunctionRequest, sb: Project, http: Request
    ) -> ExecuteFunctionResponse:
        """Run a function `execute(input)` in a fresh guest."""
        return await execute(request.language.value, lambda: sb.run_function(request), http)

    # -- tools -------------------------------------------------------------------------------

    @app.post("/v1/tools", tags=["tools"])
    def create_tool(request: CreateToolRequest, sb: Project) -> Tool:
        """Create a tool and its first revision."""
        return sb.tools.create(**request.model_dump())

    @app.post("/v1/tools/{tool_id}", tags=["tools"])
    def update_tool(tool_id: str, request: UpdateToolRequest, sb: Project) -> Tool:
        """Change a tool: the fields given make a new revision."""
        return sb.tools.update(tool_id, **request.model_dump(exclude_unset=True))

    @app.get("/v1/tools", tags=["tools"])
    def list_tools(
        sb: Project, limit: int = MAX_PAGE_SIZE, starting_after: str | None = None
    ) -> ToolList:
        """A page of tools, oldest first."""
        page = sb.tools.list(limit, starting_after)
        return ToolList(tools=_bounded(page.tools))

    @app.get("/v1/tools/{tool_id}", tags=["tools"])
    def get_tool(tool_id: str, sb: Project) -> Tool:
        """A tool at its current revision."""
        return sb.tools.get(tool_id)

    @app.post("/v1/tools/{tool_id}/execute", tags=["tools"])
    async def execute_tool(
        tool_id: str, request: ExecuteToolRequest, sb: Project, http: Request
    ) -> ExecuteToolResponse:
        """Run a tool's `execute(input)` in a fresh guest."""
        tool = await asyncio.to_thread(sb.tools.get, tool_id, request.revision_id)
        return await execute(tool.language.value, lambda: sb.run_tool(tool_id, request), http)

    # -- secrets -----------------------------------------------------------------------------

    @app.post("/v1/secrets", tags=["secrets"])
    def create_secret(request: CreateSecretRequest, sb: Project) -> Secret:
        """Store a secret; its value is never returned."""
        return sb.secrets.create(name=request.name, value=request.value)

    @app.get("/v1/secrets", tags=["secrets"])
    def list_secrets(
        sb: Project, limit: int = MAX_PAGE_SIZE, starting_after: str | None = None
    ) -> SecretList:
        """A page of secrets (ids and names), oldest first."""
        page = sb.secrets.list(limit, starting_after)
        return SecretList(secrets=_bounded(page.secrets))

    # -- executions --------------------------------------------------------------------------

    @app.get("/v1/executions", tags=["executions"])
    def list_executions(
        sb: Project,
        limit: int = MAX_PAGE_SIZE,
        starting_after: str | None = None,
        only_non_zero_exit_codes: bool = False,
    ) -> ExecutionList:
        """A page of executions, newest first."""
        page = sb.executions.list(limit, starting_after, only_non_zero_exit_codes)
        return ExecutionList(data=_bounded(page.data))

    @app.get("/v1/executions/{execution_id}", tags=["executions"])
    def get_execution(execution_id: str, sb: Project) -> Execution:
        """One execution with its request and response."""
        return sb.executions.get(execution_id)

    # -- runtimes --------------------------------------------------------------------------

    def runtimes_of(sb: Sandbox) -> Any:
        return sb.runtimes

    def dump(value: Any) -> dict[str, Any]:
        return dict(value.model_dump(mode="json"))

    runtime_responses: dict[int | str, dict[str, Any]] = {409: {"model": ErrorBody}}

    @app.post("/v1/runtimes", tags=["runtimes"], responses=runtime_responses)
    def create_runtime(request: CreateRuntimeRequest, sb: Project) -> dict[str, Any]:
        """Create a runtime; its first revision builds in the background."""
        if request.engine not in (None, "wasi"):
            raise ApiError(400, _INVALID_ARGUMENT, "engine: only 'wasi' is available")
        return dump(
            runtimes_of(sb).create(
                name=request.name,
                language=request.language,
                manifest_file=request.manifest_file.model_dump(),
                additional_python_imports=request.additional_python_imports,
                min_cached_instances=request.min_cached_instances,
                max_cached_instances=request.max_cached_instances,
            )
        )

    @app.get("/v1/runtimes", tags=["runtimes"], responses=runtime_responses)
    def list_runtimes(
        sb: Project, limit: int = MAX_PAGE_SIZE, starting_after: str | None = None
    ) -> dict[str, Any]:
        """A page of runtimes, oldest first: `{"runtimes": [...]}`."""
        page = runtimes_of(sb).list(limit, starting_after)
        return dump(RuntimeList(runtimes=_bounded(page.runtimes)))

    @app.get("/v1/runtimes/{runtime_id}", tags=["runtimes"], responses=runtime_responses)
    def get_runtime(runtime_id: str, sb: Project) -> dict[str, Any]:
        """A runtime with its newest revision's id and status."""
        return dump(runtimes_of(sb).get(runtime_id))

    @app.delete("/v1/runtimes/{runtime_id}", tags=["runtimes"], responses=runtime_responses)
    def delete_runtime(runtime_id: str, sb: Project) -> dict[str, Any]:
        """Delete a runtime and its revisions: `{id, deleted}`."""
        return dump(runtimes_of(sb).delete(runtime_id))

    @app.post("/v1/runtimes/{runtime_id}/revisions", tags=["runtimes"], responses=runtime_responses)
    def create_revision(
        runtime_id: str, request: CreateRevisionRequest, sb: Project
    ) -> dict[str, Any]:
        """Make a new revision of a runtime; it builds in the background."""
        return dump(
            runtimes_of(sb).revisions.create(
                runtime_id,
                manifest_file=request.manifest_file.model_dump(),
                additional_python_imports=request.additional_python_imports,
            )
        )

    @app.get("/v1/runtimes/{runtime_id}/revisions", tags=["runtimes"], responses=runtime_responses)
    def list_revisions(runtime_id: str, sb: Project) -> dict[str, Any]:
        """Every revision of a runtime, oldest first: `{"revisions": [...]}`."""
        return dump(runtimes_of(sb).revisions.list(runtime_id))

    @app.get(
        "/v1/runtimes/{runtime_id}/revisions/{revision_id}",
        tags=["runtimes"],
        responses=runtime_responses,
    )
    def get_revision(runtime_id: str, revision_id: str, sb: Project) -> dict[str, Any]:
        """One revision with its status, packages and build log."""
        return dump(runtimes_of(sb).revisions.get(runtime_id, revision_id))

    return app


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    options: ServerOptions | None = None,
    *,
    log_level: str = "info",
) -> None:
    """Serve the app on uvicorn until interrupted."""
    import uvicorn

    app = create_app(options)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        lifespan="on",
        http="h11",
        # Headers past this are refused by h11 with a 400; below it, by `RequestGuard` (431).
        h11_max_incomplete_event_size=_H11_MAX_EVENT_BYTES,
    )
    install_redaction()  # after uvicorn configured its loggers: its handlers get the filter
    server = uvicorn.Server(config)
    server.run()
