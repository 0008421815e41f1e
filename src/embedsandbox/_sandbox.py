"""`Sandbox`: the facade. Validates requests, resolves limits, picks the engine, times the run.

Long (about 1000 lines) on purpose: it is the one public class, and most of its length is the
docstrings of its methods; what it delegates lives beside it (`_results`: outcomes to
responses, `_sessions`: sessions and their snapshots, `_options`, `_paths`).

Owns one engine per language family (created on first use, or given as `engines=`, and shared
by every run: each run still gets a fresh guest) and a small thread pool for the async methods.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import logging
import os
import secrets as _random
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal, TypeVar, Unpack

import pydantic

from ._egress import EgressOptions, Gateway
from ._engines._base import Engine, Invocation, RawOutcome, RunLimits, RuntimePackages
from ._engines._pool import PoolSize
from ._keywords import (
    ExecuteFunctionKeywords,
    ExecuteKeywords,
    ExecuteToolKeywords,
    SessionKeywords,
)
from ._options import PoolOptions
from ._paths import cache_dir
from ._results import function_response, respond, run_limits
from ._runtimes import Runtimes, default_runtimes_dir
from ._secrets import SecretStore
from ._sessions import (
    DEFAULT_CALL_TIMEOUT_S,
    DEFAULT_SESSION_LIMITS,
    MAX_SESSIONS,
    Plumbing,
    Session,
    Sessions,
    seal,
    unseal,
)
from ._store import (
    MEMORY,
    ExecutionLog,
    Executions,
    SqliteSecretBackend,
    ToolRepository,
    default_store_path,
    function_record,
    open_database,
    parse_store,
    script_record,
    session_record,
    tool_record,
)
from ._tools import Tools, validate_input
from ._validation import validation_error
from .errors import (
    ConfigurationError,
    ConflictError,
    LanguageUnavailableError,
    NotFoundError,
    RequestValidationError,
    SandboxClosedError,
)
from .models import (
    DEFAULT_DISK_BYTES,
    DEFAULT_DISK_FILES,
    DEFAULT_OUTPUT_FILE_BYTES,
    DEFAULT_OUTPUT_FILES_BYTES,
    DEFAULT_OUTPUT_FILES_COUNT,
    CreateSessionRequest,
    ExecuteFunctionRequest,
    ExecuteFunctionResponse,
    ExecuteRequest,
    ExecuteResponse,
    ExecuteToolRequest,
    ExecuteToolResponse,
    Language,
    Limits,
    RuntimeLanguage,
    RuntimeStatus,
    SessionLimits,
)

__all__ = ["DEFAULT_STORE", "PoolOptions", "Sandbox", "default_cache_dir", "default_store_path"]

logger = logging.getLogger("embedsandbox")

DEFAULT_LIMITS = Limits(
    execution_timeout=30,
    memory_size=128,
    fuel=None,
    output_bytes=1 << 20,
    disk_bytes=DEFAULT_DISK_BYTES,
    disk_files=DEFAULT_DISK_FILES,
    output_files_bytes=DEFAULT_OUTPUT_FILES_BYTES,
    output_file_bytes=DEFAULT_OUTPUT_FILE_BYTES,
    output_files_count=DEFAULT_OUTPUT_FILES_COUNT,
)
"""The limits a run gets when neither the request nor the Sandbox names them."""

_R = TypeVar("_R", bound=pydantic.BaseModel)

# The Python guest's read-only standard library is mounted here, over the working directory.
_PYTHON_RESERVED = "usr/local/lib/"
# A Ruby guest's stdlib (packed into the interpreter with wasi-vfs) is served here.
_RUBY_RESERVED = "usr/local/lib/ruby/"
# ... and a runtime revision's packages here (`_engines._python.PACKAGES_GUEST_PATH`).
_PYTHON_PACKAGES_RESERVED = "opt/embedsandbox/"


class _Default(enum.Enum):
    STORE = "default"

    def __repr__(self) -> str:
        return "DEFAULT_STORE"


DEFAULT_STORE: Final = _Default.STORE
"""`Sandbox(store=...)`'s default: the file `default_store_path()` names."""


def _deprecated(name: str, instead: str, stacklevel: int) -> None:
    msg = f"Sandbox({name}=...) is deprecated; use Sandbox({instead})"
    warnings.warn(msg, DeprecationWarning, stacklevel=stacklevel + 1)


def _pool_options(
    pool: PoolOptions | None,
    min_cached_instances: int | None,
    max_cached_instances: int | None,
    processes: int | None,
) -> PoolOptions:
    """`pool`, or the PoolOptions the deprecated loose keywords spell (never both)."""
    loose = {
        "min_cached_instances": min_cached_instances,
        "max_cached_instances": max_cached_instances,
        "processes": processes,
    }
    given = {name: value for name, value in loose.items() if value is not None}
    if not given:
        return pool if pool is not None else PoolOptions()
    if pool is not None:
        names = ", ".join(given)
        msg = f"give the pool settings once: pool=PoolOptions(...) or {names}, not both"
        raise ConfigurationError(msg)
    for name in given:
        _deprecated(name, f"pool=PoolOptions({name}=...)", stacklevel=3)
    return PoolOptions(**given)


def default_cache_dir() -> Path:
    """Where compiled interpreters are cached: `$EMBEDSANDBOX_HOME/cache`, else the user cache."""
    return cache_dir()


class Sandbox:
    """Runs untrusted code in fresh WebAssembly guests inside this process.

    Each `run_*` call starts a fresh guest: nothing of one run is visible to the next. What
    the guest does (its exit code, an uncaught error, a limit that ended it) comes back in
    the result; only misuse and host-side failures raise. Thread-safe: several threads may
    run guests at once. Use it as a context manager, or call `close()`.

    Args:
        limits: Default limits for runs whose request leaves a field out. Unset fields keep
            the built-in defaults: execution_timeout 30 s, memory_size 128 MiB, no fuel cap,
            output_bytes 1 MiB per stream.
        cache_dir: Where compiled interpreters are kept (the first Python compile takes about a
            minute on 2 cores). Default: `$EMBEDSANDBOX_HOME/cache`, else the user's cache folder.
        max_workers: Threads for the async methods. Default: the number of CPUs.
        egress: The egress gateway's settings: the non-public ranges guests may reach
            (`allow_private_networks`, e.g. `["127.0.0.1/32"]`; default none), its caps
            (redirects, requests per run, body sizes, request timeout), CA bundle, wildcard
            credentials; see `EgressOptions`.
        store: Where tools, their revisions, secrets and the execution history are kept: a
            SQLite file path or `sqlite:///<path>` (created mode 0600 if missing; it holds
            secret values), `":memory:"` for a store that ends with this Sandbox, or a
            PostgreSQL URL `postgresql://user:password@host:port/db[?schema=name]` (the
            `postgres` extra; tables in that schema, default `embedsandbox`), which many
            Sandboxes and servers on many machines share. Default: the file
            `$EMBEDSANDBOX_HOME/store.sqlite3`, else `store.sqlite3` in the user data folder.
            `None`: no execution history, and tools, secrets and runtimes in memory only.
        runtimes_dir: Where built runtime revisions (pip and npm packages) are kept,
            content-addressed and shared by identical builds. Default:
            `$EMBEDSANDBOX_HOME/runtimes`, else `runtimes` in the user data folder.
        pool: Warm pools (guests made ahead of demand, one run each) and worker processes;
            see `PoolOptions`. Default: one ready guest per language in use, growing to 4
            while runs find the pool empty, in this process.
        engines: Engines to use instead of the ones the Sandbox would create, by language
            family: `"python"`, and `"javascript"` (which runs JavaScript and TypeScript).
            Each is an object with the `Engine` protocol's `run`, `warmup`,
            `compiled_in_cache` and `close` (`embedsandbox.testing.FakeEngine`, for tests
            that need no WebAssembly). Every other step of a run is the same: request
            validation, limits, the egress gateway, redaction, the execution record. The
            Sandbox owns what it is given, as an httpx Client owns its transport: `close()`
            closes these engines too, so give each Sandbox its own.
        python_imports: Modules every Python guest starts with imported, besides the common
            stdlib ones it always has (typing, collections, dataclasses, re, json, math,
            statistics, fractions, datetime, decimal, random, ...), e.g.
            `["numpy", "pandas", "matplotlib.pyplot"]`. They are imported once per machine
            into a guest state (a few seconds for pandas, cached on disk, with a message),
            which every guest then starts from copy-on-write: `import pandas` in a run
            costs milliseconds instead of seconds, and a run still sees nothing of another.
            A module that fails to import is left out (the run that imports it sees the
            error). Per runtime revision: its `additional_python_imports`.
        max_sessions: The most sessions (`session()`) open at once. Default 64.
        record_files: Keep the files a run returns (`output_files`) in its execution record
            too. Default False: the history records which files were left out, but not the
            returned files' contents, which can be large.
        allow_private_networks, min_cached_instances, max_cached_instances, processes:
            Deprecated spellings of `egress=EgressOptions(allow_private_networks=...)` and
            `pool=PoolOptions(...)`; they still work and warn (`DeprecationWarning`).

    Raises:
        StoreError: the store file cannot be opened or created, is corrupt or is not an
            embedsandbox store, or the PostgreSQL server cannot be reached or refuses the
            login; the message names it (never a password). It is never deleted or recreated.
        ConfigurationError: `store` is not a path or an accepted URL, an option is out of
            range, or `engines` names an unknown language family or holds an object that is
            not an engine.

    """

    def __init__(
        self,
        *,
        limits: Limits | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        max_workers: int | None = None,
        egress: EgressOptions | None = None,
        store: str | os.PathLike[str] | None | Literal[_Default.STORE] = DEFAULT_STORE,
        runtimes_dir: str | os.PathLike[str] | None = None,
        pool: PoolOptions | None = None,
        engines: Mapping[str, Engine] | None = None,
        python_imports: Sequence[str] = (),
        record_files: bool = False,
        max_sessions: int = MAX_SESSIONS,
        allow_private_networks: bool | Sequence[str] | None = None,
        min_cached_instances: int | None = None,
        max_cached_instances: int | None = None,
        processes: int | None = None,
    ) -> None:
        supplied = _check_engines(engines)
        self._python_imports = _check_imports(python_imports)
        self._record_files = bool(record_files)
        if not isinstance(max_sessions, int) or not 0 <= max_sessions <= 10_000:
            msg = f"max_sessions must be an integer from 0 to 10000, got {max_sessions!r}"
            raise ConfigurationError(msg)
        self._sessions = Sessions(max_sessions)
        base = DEFAULT_LIMITS.model_dump()
        if limits is not None:
            base.update(limits.model_dump(exclude_none=True))
        self._limits = Limits(**base)
        self._cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        if max_workers is not None and max_workers < 1:
            msg = f"max_workers must be at least 1, got {max_workers!r}"
            raise ConfigurationError(msg)
        self._max_workers = max_workers or os.cpu_count() or 2
        pool = _pool_options(pool, min_cached_instances, max_cached_instances, processes)
        self._pool_size = PoolSize(pool.min_cached, pool.max_cached_instances)
        self._processes = pool.processes
        egress = egress if egress is not None else EgressOptions()
        if allow_private_networks is not None:
            instead = "egress=EgressOptions(allow_private_networks=...)"
            _deprecated("allow_private_networks", instead, stacklevel=2)
            egress = egress.with_private_networks(allow_private_networks)
        self._egress = egress
        if store is DEFAULT_STORE:
            store = default_store_path()
        # store=None still keeps tools and secrets, in memory; it records no execution.
        self._db = open_database(MEMORY if store is None else parse_store(store))
        self._store_path: str | None = None if store is None else self._db.path
        self._log = ExecutionLog(self._db) if store is not None else None
        backend = SqliteSecretBackend(self._db)
        self._host_key = backend.key  # seals secrets, and saved sessions (`Session.save`)
        self._secrets = SecretStore(backend)
        self._tool_rows = ToolRepository(self._db)
        self._tools = Tools(self._tool_rows, self._check_runtime_revision)
        self._runtimes = Runtimes(
            self._db,
            Path(runtimes_dir) if runtimes_dir is not None else default_runtimes_dir(),
            self._interpreter_info,
            self._verify_imports,
        )
        self._executions = Executions(self._log)
        self._engines: dict[str, Engine] = supplied
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the sessions and engines (`engines=` ones too), stop the worker threads.

        Idempotent.
        """
        self._sessions.close()
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        self._runtimes.close()
        with self._lock:
            engines = list(self._engines.values())
            self._engines.clear()
        for engine in engines:
            engine.close()  # stops the warm pools' threads and frees their guests
        if executor is not None:
            executor.shutdown(wait=True)
        self._db.close()

    @property
    def limits(self) -> Limits:
        """The default limits of this Sandbox's runs."""
        return self._limits

    @property
    def secrets(self) -> SecretStore:
        """Secrets by id: `create(name=..., value=...)`, `list()`, `get(id)`, `delete(id)`.

        Values never come back.

        They live in the Sandbox's store (with `store=None`, in memory) and are never written
        into an execution record.

        An `http.allow[].auth` may name a secret with `secret_id` instead of a literal; the
        gateway injects the value into the outgoing request on the host side.
        """
        return self._secrets

    @property
    def tools(self) -> Tools:
        """Tools by id (`create`, `update`, `get`, `list`, `revisions`); run one with `run_tool`.

        Every create and update makes an immutable revision; old revisions stay runnable.
        """
        return self._tools

    @property
    def runtimes(self) -> Runtimes:
        """Custom runtimes by id (`create`, `get`, `list`, `delete`, `revisions`).

        A runtime pins packages (`requirements.txt` or `package.json`) per revision; each
        revision is built in the background (`revisions.wait` blocks until it ends). Pass a
        succeeded revision's id as `runtime_revision_id` to run code that imports them.
        """
        return self._runtimes

    @property
    def executions(self) -> Executions:
        """The execution history, newest first: `get(id)` and `list(...)`.

        `list(limit, starting_after, only_non_zero_exit_codes)` returns a page. Nothing is
        recorded with `store=None`.
        """
        return self._executions

    @property
    def store_path(self) -> str | None:
        """Where the store is: a path, `":memory:"`, a URL (password `***`), or None.

        None: no history is kept (`store=None`). A PostgreSQL URL is shown with any password
        replaced by `***`.
        """
        return self._store_path

    @property
    def egress(self) -> EgressOptions:
        """The egress gateway's settings."""
        return self._egress

    @property
    def cache_dir(self) -> Path:
        """Where compiled interpreters are cached."""
        return self._cache_dir

    # -- engines ---------------------------------------------------------------------------

    def _engine(self, language: str) -> Engine:
        if self._closed:
            msg = "cannot run, the sandbox has been closed; create a new Sandbox"
            raise SandboxClosedError(msg)
        family = "javascript" if language in ("javascript", "typescript") else language
        engine = self._engines.get(family)
        if engine is not None:
            return engine
        with self._lock:
            engine = self._engines.get(family)
            if engine is None:
                engine = self._make_engine(family)
                self._engines[family] = engine
                if not engine.compiled_in_cache():
                    # Tell library users why their first run takes long (Python: ~1 min).
                    logger.warning(
                        "embedsandbox: the %s interpreter is compiled on first use; later runs "
                        "load it from the cache in %s (`embedsandbox warmup` does this ahead)",
                        family,
                        self._cache_dir,
                    )
        return engine

    def _make_engine(self, family: str) -> Engine:
        if self._processes and family in ("python", "javascript"):
            from ._engines._processes import ProcessEngine

            return ProcessEngine(
                family,
                self._cache_dir / family,
                self._pool_size,
                self._processes,
                self._python_imports,
            )
        if family == "python":
            from ._engines._python import PythonEngine

            return PythonEngine(
                self._cache_dir / "python", pool=self._pool_size, imports=self._python_imports
            )
        if family == "javascript":
            from ._engines._javascript import JavaScriptEngine

            return JavaScriptEngine(self._cache_dir / "javascript", pool=self._pool_size)
        if family == "ruby":
            from ._engines._ruby import RubyEngine

            return RubyEngine(self._cache_dir / "ruby")
        if family == "php":
            from ._engines._php import PhpEngine

            return PhpEngine(self._cache_dir / "php")
        msg = (
            f"language {family!r} is part of the API but not available in this installation; "
            f"available: python, javascript, typescript, ruby, php"
        )
        raise LanguageUnavailableError(msg)

    def needs_compile(self, language: str | Language) -> bool:
        """Whether the next run of `language` must first compile its interpreter.

        Python's first compile takes 1 to 2 minutes on an idle 2-core machine, up to 4 under
        load (then it is cached on disk); a caller can tell its user before it starts.
        """
        return not self._engine(Language(language).value).compiled_in_cache()

    def warmup(self, languages: list[str] | None = None) -> None:
        """Compile (or load from the disk cache) the interpreters and fill the warm pools.

        By default Python, JavaScript, Ruby (whose build is fetched from the npm registry on
        first use) and PHP (shipped in the package).
        """
        for language in languages or ["python", "javascript", "ruby", "php"]:
            self._engine(Language(language).value).warmup()

    # -- runs ------------------------------------------------------------------------------

    def run_script(
        self, request: ExecuteRequest | None = None, /, **fields: Unpack[ExecuteKeywords]
    ) -> ExecuteResponse:
        """Run `code` as a script in a fresh guest and return how it ended.

        Takes an `ExecuteRequest`, or its fields as keywords (`language`, `code`, `args`,
        `env`, `files`, `stdin`, `http`, `limits`, `runtime_revision_id`).

        Raises:
            RequestValidationError: the request is invalid; no guest was started.
            LanguageUnavailableError: the language has no engine in this installation.
            RuntimeUnavailableError: the interpreter build is missing or fails its check.

        """
        req = _coerce(ExecuteRequest, request, fields)
        invocation = self._invocation(req, entry="script", stdin=req.stdin, args=req.args)
        response = self._execute(invocation, req.language.value)[0]
        self._record(lambda: script_record(req, response, keep_files=self._record_files))
        return response

    def run_function(
        self,
        request: ExecuteFunctionRequest | None = None,
        /,
        **fields: Unpack[ExecuteFunctionKeywords],
    ) -> ExecuteFunctionResponse:
        """Run `code`'s `execute(input)` in a fresh guest and return its JSON output.

        The code defines `def execute(input)` (Python; may be `async def`) or
        `function execute(input)` (JavaScript, TypeScript; may be exported or async). What
        it prints is in `execution.stdout` / `stderr`, never in `output`.

        Raises:
            RequestValidationError: the request is invalid, or `input` is not JSON.
            RuntimeUnavailableError: the interpreter build is missing or fails its check.

        """
        req = _coerce(ExecuteFunctionRequest, request, fields)
        response = self._function(req, _input_json(req.input))
        self._record(lambda: function_record(req, response, keep_files=self._record_files))
        return response

    def run_tool(
        self,
        tool_id: str,
        request: ExecuteToolRequest | None = None,
        /,
        **fields: Unpack[ExecuteToolKeywords],
    ) -> ExecuteToolResponse:
        """Run a tool's `execute(input)` in a fresh guest, like `run_function`.

        Takes an `ExecuteToolRequest`, or its fields as keywords: `input`, `env` (a list of
        `{"name", "value"}` or `{"name", "secret_id"}`), `http` (`auth` may name
        `secret_id`s), `revision_id` (run that revision; default the current one) and
        `limits`. The input is checked against the revision's `input_schema` before any
        guest starts. Env secrets are resolved on the host side into the guest's env and are
        redacted from the result and the stored execution.

        Raises:
            RequestValidationError: the request is invalid, or `input` violates the tool's
                `input_schema` (`errors` lists each violation with its `json_path`).
            NotFoundError: no such tool or revision, or a `secret_id` names no secret.

        """
        req = _coerce(ExecuteToolRequest, request, fields)
        if not isinstance(tool_id, str):
            msg = f"tool {tool_id!r} does not exist"
            raise NotFoundError(msg)
        tool = self._tool_rows.get(tool_id, req.revision_id)
        input_json = _input_json(req.input)
        validate_input(req.input, tool.input_schema, revision_id=tool.revision_id)
        env: dict[str, str] = {}
        secret_values: list[str] = []
        for index, var in enumerate(req.env):
            if var.secret_id is None:
                env[var.name] = var.value or ""
                continue
            try:
                value = self._secrets.reveal(var.secret_id)
            except NotFoundError:
                msg = (
                    f"secret {var.secret_id!r} named by env.{index}.secret_id does not exist; "
                    "create it first or fix the id"
                )
                raise NotFoundError(msg) from None
            env[var.name] = value
            secret_values.append(value)
        try:
            function_request = ExecuteFunctionRequest(
                language=tool.language,
                code=tool.code,
                input=req.input,
                env=env,
                http=req.http,
                limits=req.limits,
                runtime_revision_id=tool.runtime_revision_id,
                output_files=req.output_files,
            )
        except pydantic.ValidationError as exc:  # a secret value with NUL, say; never shown
            name = "ExecuteToolRequest"
            raise validation_error(name, exc) from None
        result = self._function(function_request, input_json, tuple(secret_values))
        response = ExecuteToolResponse(
            output=result.output, output_status=result.output_status, execution=result.execution
        )
        # The stored request is the tool request (secret ids), never `function_request`.
        self._record(
            lambda: tool_record(
                tool.id,
                tool.revision_id,
                tool.language.value,
                req,
                response,
                keep_files=self._record_files,
            )
        )
        return response

    def _function(
        self,
        req: ExecuteFunctionRequest,
        input_json: str,
        secret_values: tuple[str, ...] = (),
    ) -> ExecuteFunctionResponse:
        invocation = self._invocation(req, entry="function", input_json=input_json)
        if secret_values:
            invocation = dataclasses.replace(
                invocation, redaction_values=invocation.redaction_values + secret_values
            )
        execution, raw = self._execute(invocation, req.language.value)
        return function_response(raw, execution, invocation.redaction_values)

    def _record(self, build: Callable[[], Any]) -> None:
        # One INSERT in its own short transaction, after the run (not timed in `duration`).
        if self._log is not None:
            self._log.add(build())

    def _check_runtime_revision(self, runtime_revision_id: str) -> None:
        # Tools may pin a revision that is still building; it must exist.
        self._runtimes.packages_of(runtime_revision_id)

    def _runtime_packages(self, runtime_revision_id: str, language: str) -> RuntimePackages:
        revision, artifact = self._runtimes.packages_of(runtime_revision_id)
        if revision.status is not RuntimeStatus.SUCCEEDED or artifact is None:
            why = f": {revision.message}" if revision.message else ""
            msg = (
                f"runtime revision {runtime_revision_id!r} has status "
                f"{revision.status.value!r}{why}; only a succeeded revision can be used"
            )
            if not revision.status.finished:
                msg += " (wait for its build with runtimes.revisions.wait)"
            raise ConflictError(msg)
        runtime = self._runtimes.get(revision.runtime_id)
        runtime_language = runtime.language
        family = "python" if language == "python" else "javascript"
        if language in ("ruby", "php"):  # runtimes build Python or JavaScript packages only
            family = language
        if runtime_language.value != family:
            msg = (
                f"runtime revision {runtime_revision_id!r} is a {runtime_language.value} "
                f"runtime; it cannot run {language} code"
            )
            loc = ["runtime_revision_id"]
            raise RequestValidationError(msg, [{"loc": loc, "msg": msg}])
        if family == "python":
            from ._runtimes._build import parse_imports

            return RuntimePackages(
                python_path=str(Path(artifact) / "site"),
                imports=parse_imports(revision.additional_python_imports),
                min_cached_instances=runtime.min_cached_instances,
                max_cached_instances=runtime.max_cached_instances,
            )
        return RuntimePackages(
            node_modules=artifact,
            min_cached_instances=runtime.min_cached_instances,
            max_cached_instances=runtime.max_cached_instances,
        )

    def _interpreter_info(self, language: RuntimeLanguage) -> tuple[str, dict[str, str]]:
        if language is RuntimeLanguage.PYTHON:
            from ._engines._python import interpreter_info

            return interpreter_info()
        from importlib.metadata import version

        return version("quickjs-rs"), {}

    def _verify_imports(self, site: Path, imports: tuple[str, ...]) -> tuple[bool, str]:
        code = "".join(f"import {name}\n" for name in imports) + "print('imported: ok')\n"
        raw = self._engine("python").run(
            Invocation(
                language="python",
                code=code,
                entry="script",
                # A one-off check: no warm pool for it.
                packages=RuntimePackages(
                    python_path=str(site), min_cached_instances=0, max_cached_instances=0
                ),
                limits=RunLimits(60.0, 512 << 20, None, 1 << 20),
            )
        )
        return raw.exit_code == 0, (raw.stdout + raw.stderr).rstrip()

    def session(
        self,
        request: CreateSessionRequest | None = None,
        /,
        **fields: Unpack[SessionKeywords],
    ) -> Session:
        """Start a session: one guest kept for many calls, its state persisting between them.

        Takes a `CreateSessionRequest` or its fields as keywords: `language`, `args`, `env`,
        `files`, `http`, `runtime_revision_id`, `limits` (each call's: time, default 60 s;
        fuel; output; output files; and the session's disk) and `session_limits` (the whole
        session's: memory 1024 MiB, 1000 calls, idle 900 s, lifetime 3600 s, fuel, 100 MiB of
        output). See `Session` for its calls.

        Raises:
            RequestValidationError: the request is invalid.
            ConflictError: `max_sessions` sessions are open already.
            LanguageUnavailableError: the language's engine keeps no sessions.
            NotFoundError: a `secret_id` or the runtime revision does not exist.

        """
        req = _coerce(CreateSessionRequest, request, fields)
        whole = DEFAULT_SESSION_LIMITS.model_copy(
            update=req.session_limits.model_dump(exclude_none=True) if req.session_limits else {}
        )
        per_call = self._limits.model_dump()
        per_call["execution_timeout"] = DEFAULT_CALL_TIMEOUT_S
        if req.limits is not None:
            per_call.update(req.limits.model_dump(exclude_none=True))
        per_call["memory_size"] = whole.memory_size
        return self._open_session(req, per_call, whole)

    def resume(self, snapshot: bytes) -> Session:
        """Continue a session from `Session.save()`'s bytes (in this or another process).

        It keeps its id, limits, calls so far and lifetime; its idle time starts again.

        Raises:
            SnapshotError: the bytes were changed, sealed with another host key, or saved by
                another engine build (the message says which).
            ConflictError: that session is open in this Sandbox, or `max_sessions` are.

        """
        header, guest = unseal(self._host_key, snapshot)
        if self._sessions.get(header["id"]) is not None:
            session = self._sessions.get(header["id"])
            if session is not None and not session.closed:
                msg = f"session {header['id']!r} is open in this Sandbox; close it first"
                raise ConflictError(msg)
        req = CreateSessionRequest.model_validate(header["request"])
        whole = SessionLimits.model_validate(header["session_limits"])
        return self._open_session(req, dict(header["call_limits"]), whole, header, guest)

    def _open_session(
        self,
        req: CreateSessionRequest,
        per_call: dict[str, Any],
        whole: SessionLimits,
        restored: dict[str, Any] | None = None,
        guest: bytes | None = None,
    ) -> Session:
        self._sessions.reserve()
        language = req.language.value
        engine = self._engine(language)
        make = getattr(engine, "session", None)
        if not callable(make):
            msg = f"sessions are not available for {language}: its engine keeps no guest"
            if self._processes:
                msg += (
                    "; sessions run in the Sandbox's own process, and this one runs its "
                    "guests in worker processes (pool=PoolOptions(processes=...)): use a "
                    "Sandbox without them for sessions"
                )
            raise LanguageUnavailableError(msg)
        try:
            # The run request's own checks (env, args and files in all, duplicate paths)
            # hold for a session's start: one set of quotas, not a copy.
            run_req = ExecuteRequest(
                language=req.language,
                code="",
                args=req.args,
                env=req.env,
                files=req.files,
                http=req.http,
                limits=Limits(**per_call),
                runtime_revision_id=req.runtime_revision_id,
            )
        except pydantic.ValidationError as exc:
            name = "CreateSessionRequest"
            raise validation_error(name, exc) from None
        invocation = self._invocation(run_req, entry="script", args=req.args)
        engine_session = make(invocation) if guest is None else make(invocation, saved=guest)

        def gateway(deadline: float) -> tuple[Any, tuple[str, ...]]:
            found = Gateway(req.http, self._secrets, self._egress, deadline=deadline)
            return found.handle_json, found.redaction_values

        keep = self._record_files
        plumbing = Plumbing(
            run_limits=run_limits,
            gateway=gateway,
            respond=respond,
            record=self._record,
            record_call=lambda *a: session_record(*a, keep_files=keep),
            function_response=function_response,
            run_async=self._in_thread,
            new_id=_new_id,
            seal=self._seal,
            header={
                "request": req.model_copy(update={"files": []}).model_dump(mode="json"),
            },
        )
        session = Session(
            session_id=restored["id"] if restored is not None else _new_session_id(),
            language=Language(language),
            engine_session=engine_session,
            call_limits=per_call,
            session_limits=whole,
            plumbing=plumbing,
            on_close=self._sessions.forget,
            restored=restored,
        )
        self._sessions.add(session)
        return session

    def _seal(self, header: dict[str, Any], guest: bytes) -> bytes:
        return seal(self._host_key, header, guest)

    def get_session(self, session_id: str) -> Session:
        """The session with this id, open or recently closed, in this Sandbox's process.

        A closed one's calls raise `SessionClosedError` (with its reason).

        Raises:
            NotFoundError: this Sandbox has no session with this id (or it closed long ago).

        """
        found = self._sessions.get(session_id) if isinstance(session_id, str) else None
        if found is None:
            msg = f"session {session_id!r} does not exist"
            raise NotFoundError(msg)
        return found

    async def run_script_async(
        self, request: ExecuteRequest | None = None, /, **fields: Unpack[ExecuteKeywords]
    ) -> ExecuteResponse:
        """`run_script` on a worker thread, without blocking the event loop."""
        return await self._in_thread(lambda: self.run_script(request, **fields))

    async def run_function_async(
        self,
        request: ExecuteFunctionRequest | None = None,
        /,
        **fields: Unpack[ExecuteFunctionKeywords],
    ) -> ExecuteFunctionResponse:
        """`run_function` on a worker thread, without blocking the event loop."""
        return await self._in_thread(lambda: self.run_function(request, **fields))

    async def run_tool_async(
        self,
        tool_id: str,
        request: ExecuteToolRequest | None = None,
        /,
        **fields: Unpack[ExecuteToolKeywords],
    ) -> ExecuteToolResponse:
        """`run_tool` on a worker thread, without blocking the event loop."""
        return await self._in_thread(lambda: self.run_tool(tool_id, request, **fields))

    async def _in_thread(self, call: Callable[[], _R]) -> _R:
        with self._lock:
            if self._closed:
                msg = "cannot run, the sandbox has been closed; create a new Sandbox"
                raise SandboxClosedError(msg)
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    self._max_workers, thread_name_prefix="embedsandbox"
                )
            executor = self._executor
        import asyncio  # here, not at import: it loads ssl (~20 ms) for nothing else

        return await asyncio.get_running_loop().run_in_executor(executor, call)

    # -- internals -------------------------------------------------------------------------

    def _invocation(
        self,
        req: ExecuteRequest | ExecuteFunctionRequest,
        *,
        entry: str,
        stdin: str = "",
        args: list[str] | None = None,
        input_json: str = "null",
    ) -> Invocation:
        packages: RuntimePackages | None = None
        if req.runtime_revision_id is not None:
            packages = self._runtime_packages(req.runtime_revision_id, req.language.value)
        merged = self._limits.model_dump()
        if req.limits is not None:
            merged.update(req.limits.model_dump(exclude_none=True))
        limits = run_limits(merged)
        language = req.language.value
        reserved = [(_RUBY_RESERVED, "its interpreter's library")] if language == "ruby" else []
        if language == "python":
            reserved.append((_PYTHON_RESERVED, "its interpreter's library"))
            if packages is not None:
                reserved.append((_PYTHON_PACKAGES_RESERVED, "its runtime's packages"))
        for index, file in enumerate(req.files):
            for prefix, what in reserved:
                if (file.path + "/").startswith(prefix):
                    msg = (
                        f"file path {file.path!r} lies in {prefix!r}, where a {language.title()} "
                        f"guest sees {what}; choose another folder"
                    )
                    loc = ["files", index, "path"]
                    raise RequestValidationError(msg, [{"loc": loc, "msg": msg}])
        # Validates the policy (unknown secret ids, bad hosts) before any guest starts.
        gateway = Gateway(
            req.http, self._secrets, self._egress, deadline=time.monotonic() + limits.deadline_s
        )
        return Invocation(
            language=language,  # type: ignore[arg-type]  # narrowed just above
            code=req.code,
            entry="function" if entry == "function" else "script",
            args=tuple(args or ()),
            env=dict(req.env),
            stdin=stdin.encode("utf-8"),
            files={file.path: file.contents for file in req.files},
            input_json=input_json,
            limits=limits,
            host_call=gateway.handle_json,
            redaction_values=gateway.redaction_values,
            packages=packages,
            output_files=tuple(req.output_files),
        )

    def _execute(self, invocation: Invocation, language: str) -> tuple[ExecuteResponse, RawOutcome]:
        engine = self._engine(language)
        # Before the run: after it, the pool's filler thread is making the next guest, and a
        # system call here (os.urandom) would hand it the GIL for a while.
        execution_id = _new_id()
        started_at = datetime.now(UTC)
        start = time.perf_counter()
        raw = engine.run(invocation)
        duration_ms = round((time.perf_counter() - start) * 1000)
        redaction = invocation.redaction_values
        response = respond(raw, invocation.limits, redaction, execution_id, started_at, duration_ms)
        return response, raw


ENGINE_FAMILIES: Final = ("javascript", "php", "python", "ruby")
"""The keys `Sandbox(engines=...)` accepts: "javascript" also runs TypeScript."""
_ENGINE_METHODS: Final = ("run", "warmup", "compiled_in_cache", "close")


def _check_engines(engines: Mapping[str, Engine] | None) -> dict[str, Engine]:
    """`Sandbox(engines=...)` checked: known families, objects with the Engine methods."""
    if engines is None:
        return {}
    if not isinstance(engines, Mapping):
        msg = (
            f"engines must be a mapping from language family to engine, such as "
            f"{{'python': engine}}, not {type(engines).__name__}"
        )
        raise ConfigurationError(msg)
    checked: dict[str, Engine] = {}
    for family, engine in engines.items():
        if family not in ENGINE_FAMILIES:
            hint = " (TypeScript runs on the 'javascript' engine)" if family == "typescript" else ""
            msg = (
                f"engines has an unknown language family {family!r}{hint}; "
                f"expected one of {list(ENGINE_FAMILIES)}"
            )
            raise ConfigurationError(msg)
        missing = [name for name in _ENGINE_METHODS if not callable(getattr(engine, name, None))]
        if missing:
            msg = (
                f"engines[{family!r}] is a {type(engine).__name__}, which has no "
                f"{', '.join(missing)} method; an engine implements the Engine protocol "
                f"({', '.join(_ENGINE_METHODS)}), see embedsandbox.testing.FakeEngine"
            )
            raise ConfigurationError(msg)
        # a `Language` member equals its wire string; keep the plain string as the key
        checked[next(name for name in ENGINE_FAMILIES if name == family)] = engine
    return checked


def _new_session_id() -> str:
    return f"ses_{int(time.time() * 1000):012x}{_random.token_hex(8)}"


def _new_id() -> str:
    # Time-ordered (ms) then random, so ids sort by creation like the API's cursors expect.
    return f"exec_{int(time.time() * 1000):012x}{_random.token_hex(8)}"


def _coerce(model: type[_R], request: _R | None, fields: Mapping[str, Any]) -> _R:
    if request is not None:
        if fields:
            msg = "pass either a request model or its fields as keywords, not both"
            raise RequestValidationError(msg)
        if not isinstance(request, model):
            msg = f"expected a {model.__name__}, got {type(request).__name__}"
            raise RequestValidationError(msg)
        return request
    try:
        return model.model_validate(fields)
    except pydantic.ValidationError as exc:
        raise _validation_error(model.__name__, exc) from None


def _validation_error(name: str, exc: pydantic.ValidationError) -> RequestValidationError:
    return validation_error(name, exc)


def _input_json(value: Any) -> str:
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        msg = f"input must be a JSON value: {exc}"
        raise RequestValidationError(msg, [{"loc": ["input"], "msg": str(exc)}]) from None


def _check_imports(names: Sequence[str]) -> tuple[str, ...]:
    from ._runtimes._build import MODULE_NAME  # additional_python_imports' own rule

    if isinstance(names, str) or not all(isinstance(name, str) for name in names):
        msg = f"python_imports must be a list of module names, got {names!r}"
        raise ConfigurationError(msg)
    for name in names:
        if not MODULE_NAME.fullmatch(name):
            msg = f"python_imports: {name!r} is not a module name (such as 'numpy' or 'a.b')"
            raise ConfigurationError(msg)
    return tuple(dict.fromkeys(names))
