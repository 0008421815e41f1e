"""The FastAPI app: Riza's REST routes over one `Sandbox` per project.

`create_app()` assembles it; `serve()` runs it on uvicorn. The routes are one router per
resource (`_routes`); every `/v1` router is included behind the one auth dependency
(`_context.authenticate`): a bearer API key (`KeyStore`) whose project picks the `Sandbox`
(and so the store) the request sees, so one project never sees another's tools, secrets or
executions (404). Guests run on a bounded pool of worker threads, never on the event loop
(`_pool`): at most `workers` on a core, while guests that sleep or wait on a host call give
their core back; a request that waits longer than `queue_timeout_s` for a worker gets 429
with `Retry-After`. Errors are `{code, message}` with google.rpc codes, all from one place
(`_errors`); an unexpected error is a 500 whose `id` is logged with its traceback.
"""

import asyncio
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from fastapi import Depends, FastAPI

from .._keys import KeyStore, project_store_path
from .._options import PoolOptions
from .._sandbox import Sandbox
from ._context import STATE_ATTRIBUTE, GuestRunner, ServerState, authenticate
from ._errors import ERROR_RESPONSES, RpcCode, install_error_handlers, sandbox_error
from ._guard import RequestGuard, install_redaction
from ._metrics import Metrics
from ._pool import DEFAULT_MAX_WAITING, Pool
from ._routes import PROTECTED, PUBLIC

__all__ = ["ServerOptions", "create_app", "serve"]

DEFAULT_QUEUE_TIMEOUT_S: Final = 10.0
DEFAULT_MAX_BODY_BYTES: Final = 16 << 20
_H11_MAX_EVENT_BYTES: Final = 256 << 10

# The error path lives in `_errors`; these keep the names it had here (the error-mapping
# tests reach it through this module).
_INTERNAL: Final = RpcCode.INTERNAL
_sandbox_error: Final = sandbox_error


@dataclass(frozen=True)
class ServerOptions:
    """How the server runs.

    Args:
        store: The default project's store: a SQLite file (default: the default store, the
            one `Sandbox()` opens), other projects' stores then being
            `projects/<project>/store.sqlite3` next to it; or a PostgreSQL URL, other projects
            then being schemas `<schema>_<project>` of the same database, and the API keys
            kept there too (servers on one database share tools, history and keys).
        keys: The API keys file of a SQLite store (default `keys.sqlite3` in the data
            directory); unused with a PostgreSQL store.
        runtimes_dir: Where built runtime revisions are kept (default as for `Sandbox`).
            Servers on several machines need one folder mounted at the same path on each.
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

    store: str | Path | None = None
    keys: Path | None = None
    runtimes_dir: Path | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 2)
    queue_timeout_s: float = DEFAULT_QUEUE_TIMEOUT_S
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    cache_dir: Path | None = None
    retry_after_s: int = 1
    processes: int = 0
    max_runs_per_key: int | None = None
    max_waiting: int = DEFAULT_MAX_WAITING


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
                    runtimes_dir=self._options.runtimes_dir,
                    pool=PoolOptions(processes=self._options.processes),
                )
                self._sandboxes[project] = sandbox
            return sandbox

    def close(self) -> None:
        with self._lock:
            sandboxes, self._sandboxes = list(self._sandboxes.values()), {}
        for sandbox in sandboxes:
            sandbox.close()


def create_app(options: ServerOptions | None = None) -> FastAPI:
    """The ASGI app serving the Riza API (see README, "Serving over HTTP").

    Raises:
        ValueError: `workers` is below 1 or `max_waiting` below 0.

    """
    options = options or ServerOptions()
    if options.workers < 1:
        msg = f"workers must be at least 1, got {options.workers}"
        raise ValueError(msg)
    if options.max_waiting < 0:
        msg = f"max_waiting must be at least 0, got {options.max_waiting}"
        raise ValueError(msg)
    keys = KeyStore(options.keys, store=options.store)
    projects = _Projects(options)
    pool = Pool(
        options.workers, options.queue_timeout_s, options.max_runs_per_key, options.max_waiting
    )
    metrics = Metrics(options.workers, lambda: pool.busy, lambda: pool.waiting, lambda: pool.parked)
    runner = GuestRunner(
        pool, metrics, queue_timeout_s=options.queue_timeout_s, retry_after_s=options.retry_after_s
    )

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
    )
    setattr(app.state, STATE_ATTRIBUTE, ServerState(keys, projects.get, runner, metrics))
    app.add_middleware(RequestGuard, limit=options.max_body_bytes)
    install_error_handlers(app)
    install_redaction()
    for router in PUBLIC:
        app.include_router(router)
    for router in PROTECTED:
        # Here, not in each router: no `/v1` route can be served without a valid key.
        app.include_router(router, dependencies=[Depends(authenticate)], responses=ERROR_RESPONSES)
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
