"""Run guests on a Ray cluster: a pool of actors, each holding a `Sandbox` (extra `ray`).

    import ray
    from embedsandbox.ray import SandboxPool

    ray.init()                                   # or let the pool do it (`ray.init()`)
    with SandboxPool(store="/shared/store.sqlite3") as pool:
        pool.run_script(language="python", code="print(6 * 7)").stdout      # 42 and a newline
        for result in pool.map({"language": "javascript", "code": f"console.log({i})"}
                               for i in range(1000)):
            ...                                  # in order; chunks of 8 runs, 2 per actor

Each actor opens its own `Sandbox(store=...)` (engines, warm pools, the on-disk interpreter
cache) once and keeps it; Ray's scheduler places the actors over the cluster's nodes
(`SPREAD`). Requests travel to the actors as model dumps: a secret only as its
`secret_id`, which the actor resolves from the store it shares with the caller, so secret
values are never in a task's arguments. An actor that dies (its process killed, its node
lost) is replaced, and each of its runs in flight is sent once more, to a live actor; a run
whose second attempt also loses its actor raises `ActorFailedError`. See docs/ray.md.

`serve_deployment()` is the HTTP server (`embedsandbox.server`) as a Ray Serve application
(extra `ray-serve`).

Install with `pip install 'embedsandbox[ray]'`.

About 630 lines: most of it is the docstrings of the public methods and the batch loop;
the actor, the slots, the jobs and the Serve deployment live in `_ray/`.
"""

from __future__ import annotations

import asyncio
import enum
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Final, Literal, Unpack

import pydantic

from ._egress import EgressOptions
from ._engines._core._signals import keep_trap_handlers
from ._keywords import ExecuteFunctionKeywords, ExecuteKeywords, ExecuteToolKeywords
from ._options import PoolOptions
from ._ray._actor import Kind, SandboxActor
from ._ray._jobs import (
    REQUESTS,
    Chunk,
    Job,
    checked,
    dump,
    first_line,
    is_int,
    make_job,
    tool_id_of,
    unpack,
)
from ._ray._serve import DEFAULT_AUTOSCALING, serve_deployment
from ._ray._slots import Slot, Slots
from ._sandbox import _coerce
from .errors import ConfigurationError, EmbedSandboxError, RequestValidationError
from .models import (
    ExecuteFunctionRequest,
    ExecuteFunctionResponse,
    ExecuteRequest,
    ExecuteResponse,
    ExecuteToolRequest,
    ExecuteToolResponse,
    Limits,
)

__all__ = [
    "ActorFailedError",
    "CHUNK_TARGET_S",
    "DEFAULT_AUTOSCALING",
    "DEFAULT_MAX_ACTORS",
    "DEFAULT_MAX_IN_FLIGHT",
    "DEFAULT_STORE",
    "FIRST_CHUNK_SIZE",
    "MAX_ACTORS",
    "MAX_CHUNK_SIZE",
    "SandboxPool",
    "init_ray",
    "serve_deployment",
    "shutdown_ray",
]

DEFAULT_MAX_ACTORS: Final = 32
"""The most actors a pool made without `actors=` starts (one per available CPU up to this)."""
DEFAULT_MAX_IN_FLIGHT: Final = 2
"""Runs sent to one actor before its earlier ones finished: one running, one queued behind
it, so an actor never waits for the round trip between two runs."""
CHUNK_TARGET_S: Final = 0.05
"""What `map` aims a chunk's runs to take on its actor when it sizes chunks itself: long
enough that Ray's own cost per call (about a millisecond) is a few percent of it, short
enough that the actors finish a batch within about this much of each other."""
FIRST_CHUNK_SIZE: Final = 4
"""The runs in `map`'s first chunks, before it has measured any."""
MAX_CHUNK_SIZE: Final = 256
"""The most runs in one chunk."""
MAX_ACTORS: Final = 1024
"""The most actors `actors=` may ask for."""
_HOME_ENV: Final = "EMBEDSANDBOX_HOME"


class ActorFailedError(EmbedSandboxError, RuntimeError):
    """A run lost its actor twice (the actor's process died, or its node), so it was given up.

    The first loss is not raised: the actor is replaced and the run sent again. A run may
    therefore have started twice (its outbound HTTP too) before this is raised.
    """

    code = "actor_failed"
    status_code = 503
    exit_code = 5


class _Default(enum.Enum):
    STORE = "default"

    def __repr__(self) -> str:
        return "DEFAULT_STORE"


DEFAULT_STORE: Final = _Default.STORE
"""`SandboxPool(store=...)`'s default: each actor's `Sandbox()` default store."""


def _import_ray() -> Any:  # Ray is untyped to mypy here (`follow_imports = "skip"`)
    try:
        import ray
    except ImportError:
        msg = (
            "embedsandbox.ray needs Ray, which is not installed: "
            "pip install 'embedsandbox[ray]' (Ray 2.x)"
        )
        raise ImportError(msg) from None
    return ray


class SandboxPool:
    """A pool of Ray actors, each holding a `Sandbox`, with the Sandbox's run methods.

    `run_script`, `run_function` and `run_tool` (and their `_async` twins) send one run to
    the least loaded actor and return its result, as the Sandbox's methods would; `map`
    runs a batch with a bounded number in flight and yields the results in order.
    Thread-safe. Use it as a context manager, or call `close()` (which kills the actors).

    Args:
        actors: How many actors. Default: one per CPU available in the cluster when the pool
            starts (`ray.available_resources()`, divided by `num_cpus`), at least 1 and at
            most `DEFAULT_MAX_ACTORS` (32).
        store: The store every actor's Sandbox opens (`Sandbox(store=...)`): where tools,
            secrets and the execution history are. Give a path every node can open (a
            shared file on one machine) or a store URL; passed to the actors as it is.
            Default: each actor's own default store (`$EMBEDSANDBOX_HOME/store.sqlite3`).
            `None`: no history, and no tools or secrets (each actor's would be its own).
        max_in_flight: Calls sent to one actor at once (default 2: one running, one
            queued behind it). `map` keeps at most `actors * max_in_flight` chunks in
            flight (see `map`).
        num_cpus: The CPUs Ray reserves for each actor (default 1: a guest run takes one
            core).
        limits, cache_dir, pool, python_imports, record_files, egress: Each actor's
            `Sandbox(...)` settings (see `Sandbox`). `cache_dir`, like the default one,
            must be a folder on each node.
        warmup: Languages each actor compiles or loads from its disk cache before the pool
            is ready (`Sandbox.warmup`), e.g. `["python", "javascript"]`. Default none:
            each actor does it on its first run of a language. With warmup, the first actor
            starts alone, so on a fresh machine the interpreter is compiled once and the
            others load it from the cache.
        runtime_env: Ray's runtime environment for the actors. `EMBEDSANDBOX_HOME` is passed
            to them in `env_vars` when it is set here, so actors on this machine share the
            interpreter cache (give it here for other nodes, or set it on them).
        actor_options: More of Ray's actor options (`resources`, `memory`,
            `scheduling_strategy`, `max_concurrency`, ...); they win over the pool's own
            (`num_cpus`, `scheduling_strategy="SPREAD"`, `runtime_env`).
        address: What `ray.init(address=...)` connects to when Ray is not initialised in
            this process yet (default: as `ray.init()`: `RAY_ADDRESS`, else a local Ray).

    Raises:
        ImportError: Ray is not installed (`pip install 'embedsandbox[ray]'`).
        ConfigurationError: an option is out of range.
        StoreError: an actor cannot open the store (its message, raised here).

    """

    def __init__(
        self,
        *,
        actors: int | None = None,
        store: str | os.PathLike[str] | None | Literal[_Default.STORE] = DEFAULT_STORE,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        num_cpus: float = 1,
        limits: Limits | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        pool: PoolOptions | None = None,
        python_imports: Sequence[str] = (),
        record_files: bool = False,
        egress: EgressOptions | None = None,
        warmup: Sequence[str] = (),
        runtime_env: Mapping[str, Any] | None = None,
        actor_options: Mapping[str, Any] | None = None,
        address: str | None = None,
    ) -> None:
        ray = _import_ray()
        if actors is not None and (not is_int(actors) or not 1 <= actors <= MAX_ACTORS):
            msg = f"actors must be an integer from 1 to {MAX_ACTORS}, got {actors!r}"
            raise ConfigurationError(msg)
        if not is_int(max_in_flight) or not 1 <= max_in_flight <= 64:
            msg = f"max_in_flight must be an integer from 1 to 64, got {max_in_flight!r}"
            raise ConfigurationError(msg)
        if isinstance(num_cpus, bool) or not isinstance(num_cpus, int | float) or num_cpus < 0:
            msg = f"num_cpus must be a number of at least 0, got {num_cpus!r}"
            raise ConfigurationError(msg)
        if isinstance(warmup, str):
            msg = f"warmup must be a list of languages, such as ['python'], got {warmup!r}"
            raise ConfigurationError(msg)
        if not ray.is_initialized():
            init_ray(address=address)
        sandbox_options: dict[str, Any] = {
            "limits": limits,
            "cache_dir": None if cache_dir is None else os.fspath(cache_dir),
            "pool": pool,
            "python_imports": tuple(python_imports),
            "record_files": record_files,
            "egress": egress,
        }
        if store is not DEFAULT_STORE:
            sandbox_options["store"] = None if store is None else os.fspath(store)
        self._store: str | None | Literal[_Default.STORE] = sandbox_options.get(
            "store", DEFAULT_STORE
        )
        count = actors if actors is not None else _default_actors(ray, num_cpus)
        env = dict(runtime_env or {})
        env_vars = dict(env.get("env_vars") or {})
        home = os.environ.get(_HOME_ENV)
        if home and _HOME_ENV not in env_vars:
            env_vars[_HOME_ENV] = home
        if env_vars:
            env["env_vars"] = env_vars
        options: dict[str, Any] = {"num_cpus": num_cpus, "scheduling_strategy": "SPREAD"}
        if env:
            options["runtime_env"] = env
        options.update(actor_options or {})
        remote_class = ray.remote(SandboxActor).options(**options)
        languages = tuple(warmup)

        def make() -> Any:
            return remote_class.remote(sandbox_options, languages)

        self._ray = ray
        self._max_in_flight = max_in_flight
        handles: list[Any] = []
        try:
            if languages and count > 1:
                handles.append(make())  # alone first: a cold cache is compiled once
                self._check_ready(handles)
            handles.extend(make() for _ in range(count - len(handles)))
            self._nodes = self._check_ready(handles)
        except BaseException:
            for handle in handles:
                ray.kill(handle)
            raise
        self._slots = Slots(handles, max_in_flight, make)

    def _check_ready(self, handles: list[Any]) -> list[str]:
        nodes = []
        for ok, value in self._ray.get([handle.ready.remote() for handle in handles]):
            if not ok:
                raise value
            nodes.append(value["node_id"])
        return nodes

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Kill the actors (runs in flight on them fail). Idempotent."""
        for handle in self._slots.close():
            self._ray.kill(handle)

    @property
    def actors(self) -> int:
        """How many actors the pool keeps."""
        return len(self._slots.handles)

    @property
    def handles(self) -> tuple[Any, ...]:
        """The actors' current Ray handles (for monitoring; `ray.kill` one to see it replaced)."""
        return self._slots.handles

    @property
    def nodes(self) -> tuple[str, ...]:
        """The Ray node id each of the first actors started on, in actor order."""
        return tuple(self._nodes)

    @property
    def replaced(self) -> int:
        """How many actors died and were replaced since the pool started."""
        return self._slots.replaced

    @property
    def store(self) -> str | None | Literal[_Default.STORE]:
        """The store the actors open, `None`, or `DEFAULT_STORE` (each actor's default)."""
        return self._store

    # -- one run ---------------------------------------------------------------------------

    def run_script(
        self, request: ExecuteRequest | None = None, /, **fields: Unpack[ExecuteKeywords]
    ) -> ExecuteResponse:
        """`Sandbox.run_script` on one of the actors (the same arguments, result and errors)."""
        job = Job("script", dump(_coerce(ExecuteRequest, request, fields)), None)
        return checked(ExecuteResponse, self._run(job))

    def run_function(
        self,
        request: ExecuteFunctionRequest | None = None,
        /,
        **fields: Unpack[ExecuteFunctionKeywords],
    ) -> ExecuteFunctionResponse:
        """`Sandbox.run_function` on one of the actors."""
        req = _coerce(ExecuteFunctionRequest, request, fields)
        return checked(ExecuteFunctionResponse, self._run(Job("function", dump(req), None)))

    def run_tool(
        self,
        tool_id: str,
        request: ExecuteToolRequest | None = None,
        /,
        **fields: Unpack[ExecuteToolKeywords],
    ) -> ExecuteToolResponse:
        """`Sandbox.run_tool` on one of the actors: the tool and its secrets from the store.

        Env entries and `http` credentials that name a `secret_id` travel as the id; the
        actor reads the value from its store.
        """
        req = _coerce(ExecuteToolRequest, request, fields)
        job = Job("tool", dump(req), tool_id_of(tool_id))
        return checked(ExecuteToolResponse, self._run(job))

    async def run_script_async(
        self, request: ExecuteRequest | None = None, /, **fields: Unpack[ExecuteKeywords]
    ) -> ExecuteResponse:
        """`run_script` awaiting the actor's reply, without blocking the event loop."""
        job = Job("script", dump(_coerce(ExecuteRequest, request, fields)), None)
        return checked(ExecuteResponse, await self._run_async(job))

    async def run_function_async(
        self,
        request: ExecuteFunctionRequest | None = None,
        /,
        **fields: Unpack[ExecuteFunctionKeywords],
    ) -> ExecuteFunctionResponse:
        """`run_function` awaiting the actor's reply."""
        req = _coerce(ExecuteFunctionRequest, request, fields)
        job = Job("function", dump(req), None)
        return checked(ExecuteFunctionResponse, await self._run_async(job))

    async def run_tool_async(
        self,
        tool_id: str,
        request: ExecuteToolRequest | None = None,
        /,
        **fields: Unpack[ExecuteToolKeywords],
    ) -> ExecuteToolResponse:
        """`run_tool` awaiting the actor's reply."""
        req = _coerce(ExecuteToolRequest, request, fields)
        job = Job("tool", dump(req), tool_id_of(tool_id))
        return checked(ExecuteToolResponse, await self._run_async(job))

    def _run(self, job: Job) -> pydantic.BaseModel:
        while True:
            self._send(job, self._slots.acquire())
            try:
                reply = self._ray.get(job.ref)
            except self._ray.exceptions.RayActorError as exc:
                self._lost(job, exc)
                continue
            finally:
                self._finish(job)
            return unpack(job.kind, reply)

    async def _run_async(self, job: Job) -> pydantic.BaseModel:
        while True:
            slot = self._slots.try_acquire()
            if slot is None:  # every actor is full: wait for room off the event loop
                slot = await asyncio.to_thread(self._slots.acquire)
            self._send(job, slot)
            try:
                reply = await job.ref
            except self._ray.exceptions.RayActorError as exc:
                self._lost(job, exc)
                continue
            finally:
                self._finish(job)
            return unpack(job.kind, reply)

    def _send(self, job: Job, slot: Slot) -> None:
        # The one place a run's arguments are handed to Ray: the request's dump (secrets as
        # ids only), its kind and the tool id.
        job.slot = slot
        job.attempts += 1
        job.ref = slot.handle.run.remote(job.kind, job.request, job.tool_id)

    def _send_chunk(self, chunk: Chunk, slot: Slot) -> None:
        # As `_send`, for a chunk of `map`: the dumps of its jobs (secrets as ids only).
        chunk.slot = slot
        chunk.attempts += 1
        jobs = [(job.kind, job.request, job.tool_id) for job in chunk.jobs]
        chunk.ref = slot.handle.run_many.remote(jobs)

    def _finish(self, unit: Job | Chunk) -> None:
        if unit.slot is not None:
            self._slots.release(unit.slot)
            unit.slot = None

    def _lost(self, unit: Job | Chunk, exc: BaseException) -> None:
        """The actor of `unit` died: replace it; raise unless it may be sent again."""
        assert unit.slot is not None  # noqa: S101  # set when it was sent
        old = self._slots.replace(unit.slot)
        if old is not None:
            self._ray.kill(old)  # it may be unreachable rather than dead; make sure
        if unit.attempts >= 2:
            msg = (
                f"{unit.describe()} lost its Ray actor twice (it was sent again once, to a "
                f"replacement actor): {type(exc).__name__}: {first_line(exc)}"
            )
            raise ActorFailedError(msg) from None

    # -- batches ---------------------------------------------------------------------------

    def map(
        self,
        requests: Iterable[
            ExecuteRequest | ExecuteFunctionRequest | ExecuteToolRequest | Mapping[str, Any]
        ],
        *,
        kind: Literal["script", "function", "tool"] = "script",
        tool_id: str | None = None,
        return_exceptions: bool = False,
        chunk_size: int | None = None,
    ) -> Iterator[Any]:
        """Run many requests on the actors; yield their results in the requests' order.

        Each item is a request model (an `ExecuteRequest` runs as `run_script`, an
        `ExecuteFunctionRequest` as `run_function`, an `ExecuteToolRequest` as
        `run_tool(tool_id, ...)`) or a dict of fields, validated as `kind` says
        (`"script"` by default). Models of several kinds may be mixed.

        `requests` may be lazy (a generator): it is read only as far as there is room.
        Items go to the actors in chunks of consecutive runs, one Ray call each, so that
        Ray's own cost per call is paid once per chunk. By default the pool sizes them:
        4 runs at first, then as many as take about `CHUNK_TARGET_S` (50 ms) on an actor
        by the runs measured so far in this batch, from 1 (runs of 50 ms and more go
        alone) to 256. `chunk_size=n` fixes it (1: each run alone). At most
        `max_in_flight` chunks are sent to an actor at once, and at most as many runs
        again are read ahead, held finished behind a slower earlier one.

        An item that fails validation, or whose run raises (a tool that does not exist, a
        secret id that names nothing), raises its error when its turn to be yielded comes,
        after every result before it; the batch then ends. With `return_exceptions=True`
        the error is yielded in its place instead and the batch goes on. A chunk whose
        actor dies is sent once more, in its place; a second loss is `ActorFailedError`.

        Raises:
            RequestValidationError: `kind` is not one of script, function, tool,
                `chunk_size` is not from 1 to 256, or `tool_id` is missing for tool
                requests.

        """
        if kind not in REQUESTS:
            msg = f"kind must be one of script, function, tool; got {kind!r}"
            raise RequestValidationError(msg)
        if chunk_size is not None and (
            not is_int(chunk_size) or not 1 <= chunk_size <= MAX_CHUNK_SIZE
        ):
            msg = f"chunk_size must be an integer from 1 to {MAX_CHUNK_SIZE}, got {chunk_size!r}"
            raise RequestValidationError(msg)
        if tool_id is not None:
            tool_id = tool_id_of(tool_id)
        return self._map(iter(requests), kind, tool_id, return_exceptions, chunk_size)

    def _map(
        self,
        items: Iterator[Any],
        kind: Kind,
        tool_id: str | None,
        return_exceptions: bool,
        chunk_size: int | None,
    ) -> Iterator[Any]:
        ray = self._ray
        size = chunk_size or FIRST_CHUNK_SIZE
        spent, measured = 0.0, 0  # actor seconds and runs so far, for the chunks' size
        pending: deque[Job] = deque()  # every job not yet yielded, in order
        running: dict[Any, Chunk] = {}  # by its ObjectRef
        again: deque[Chunk] = deque()  # lost their actor once; sent again when there is room
        exhausted = False
        try:
            while True:
                while again:
                    slot = self._slots.try_acquire()
                    if slot is None and not running:
                        slot = self._slots.acquire()  # other callers hold every place
                    if slot is None:
                        break
                    chunk = again.popleft()
                    self._send_chunk(chunk, slot)
                    running[chunk.ref] = chunk
                window = 2 * self._max_in_flight * max(1, self.actors) * size
                while not again and not exhausted and len(pending) < window:
                    slot = self._slots.try_acquire()
                    if slot is None:
                        if running:
                            break
                        slot = self._slots.acquire()
                    chunk = Chunk([])
                    while len(chunk.jobs) < size and len(pending) < window:
                        try:
                            item = next(items)
                        except StopIteration:
                            exhausted = True
                            break
                        job = make_job(item, kind, tool_id)
                        pending.append(job)
                        if not job.done:  # one that failed validation is not sent
                            chunk.jobs.append(job)
                    if not chunk.jobs:
                        self._slots.release(slot)
                        continue
                    self._send_chunk(chunk, slot)
                    running[chunk.ref] = chunk
                while pending and pending[0].done:
                    job = pending.popleft()
                    if job.error is None:
                        yield job.result
                    elif return_exceptions:
                        yield job.error
                    else:
                        raise job.error
                if not pending and exhausted:
                    return
                if not running:
                    continue  # room again: send what waits
                ready, _ = ray.wait(list(running), num_returns=1)
                for ref in ready:
                    runs, seconds = self._settle(running.pop(ref), again)
                    spent, measured = spent + seconds, measured + runs
                if chunk_size is None and measured:
                    per_run = max(spent / measured, 1e-6)
                    size = max(1, min(MAX_CHUNK_SIZE, round(CHUNK_TARGET_S / per_run)))
        finally:
            for chunk in running.values():  # the batch was left early: free the places
                self._finish(chunk)

    def _settle(self, chunk: Chunk, again: deque[Chunk]) -> tuple[int, float]:
        """A chunk's call ended: its jobs' results, or the chunk queued to be sent again.

        Returns how many runs the actor reported and the seconds they took there.
        """
        seconds = 0.0
        try:
            replies, seconds = self._ray.get(chunk.ref)
        except self._ray.exceptions.RayActorError as exc:
            try:
                self._lost(chunk, exc)
            except ActorFailedError as failed:
                for job in chunk.jobs:
                    job.done, job.error = True, failed
            else:
                again.append(chunk)
            finally:
                self._finish(chunk)
            return 0, 0.0
        except Exception as exc:  # Ray's RayTaskError: a bug of ours
            replies = [(False, exc)] * len(chunk.jobs)
        self._finish(chunk)
        for job, reply in zip(chunk.jobs, replies, strict=True):
            job.done = True
            try:
                job.result = unpack(job.kind, reply)
            except Exception as exc:  # held until its turn comes
                job.error = exc
        return (len(chunk.jobs), seconds) if seconds else (0, 0.0)


def init_ray(**options: Any) -> None:
    """`ray.init(**options)`, leaving this process's Sandboxes able to run guests.

    `ray.init` installs a crash reporter (absl's failure signal handler) and turns Python's
    `faulthandler` on, in this process. Once a Sandbox here has run a guest, either takes
    over wasmtime's SIGSEGV handler, and the Sandbox then refuses every further run
    (`RuntimeUnavailableError`) rather than let a guest's trap end the process. This puts
    wasmtime's handlers back and turns `faulthandler` off again if it was off. `SandboxPool`
    starts Ray this way when Ray is not initialised yet; call it instead of `ray.init` in a
    process that runs guests itself too (or call `ray.init` before its first run).

    Raises:
        ImportError: Ray is not installed (`pip install 'embedsandbox[ray]'`).

    """
    import faulthandler

    ray = _import_ray()
    enabled = faulthandler.is_enabled()
    with keep_trap_handlers():
        ray.init(**options)
        if not enabled and faulthandler.is_enabled():
            faulthandler.disable()


def shutdown_ray() -> None:
    """`ray.shutdown()`, leaving this process's Sandboxes able to run guests (as `init_ray`).

    Ray's shutdown also resets the trap signals' handlers, which takes them from wasmtime
    here once a guest has run.
    """
    ray = _import_ray()
    with keep_trap_handlers():
        ray.shutdown()


def _default_actors(ray: Any, num_cpus: float) -> int:
    cpus = float(ray.available_resources().get("CPU", 1))
    return max(1, min(DEFAULT_MAX_ACTORS, int(cpus // num_cpus) if num_cpus else int(cpus)))
