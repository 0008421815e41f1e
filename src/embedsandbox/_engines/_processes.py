"""Worker processes: the same engines, in N child processes, for throughput across cores.

Fresh guests do not scale across threads of one process: making and freeing a wasm instance
maps, faults in and unmaps memory, and those serialize within one address space. With
`Sandbox(processes=N)` each language's runs go to N spawned worker processes instead, each
with its own engine and warm pool. Only the `Invocation` crosses (without its host call); the
guest's host-door requests (outbound HTTP) come back to this process, where the egress gateway
runs, so credentials never enter a worker. A worker that dies is replaced.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import queue
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..errors import EmbedSandboxError, InternalError, RuntimeUnavailableError
from ._base import Engine, Invocation, RawOutcome
from ._pool import PoolSize

__all__ = ["ProcessEngine"]

logger = logging.getLogger("embedsandbox")

_NO_HOST = b'{"error": "no network access: this run has no http allow list"}'


def _local_engine(
    family: str, cache_dir: Path, pool: PoolSize, python_imports: tuple[str, ...] = ()
) -> Engine:
    if family == "python":
        from ._python import PythonEngine

        return PythonEngine(cache_dir, pool=pool, imports=python_imports)
    from ._javascript import JavaScriptEngine

    return JavaScriptEngine(cache_dir, pool=pool)


def _worker_main(
    conn: Connection,
    family: str,
    cache_dir: str,
    low: int,
    high: int,
    python_imports: tuple[str, ...] = (),
) -> None:
    """A worker process: run invocations from `conn` until it sends None."""
    import logging as _logging

    _logging.getLogger("embedsandbox").setLevel(_logging.ERROR)  # the parent reports
    engine = _local_engine(family, Path(cache_dir), PoolSize(low, high), python_imports)
    conn.send(("ready", None))
    while True:
        message = conn.recv()
        if message is None:
            break
        kind, payload = message
        try:
            if kind == "warmup":
                engine.warmup()
                conn.send(("done", None))
                continue
            fields, has_host = payload

            def ask_parent(request: bytes) -> bytes:
                conn.send(("host", request))
                reply: bytes = conn.recv()
                return reply

            invocation = Invocation(**fields, host_call=ask_parent if has_host else None)
            conn.send(("done", engine.run(invocation)))
        except EmbedSandboxError as exc:
            exc.__traceback__ = None
            conn.send(("error", exc))  # pickled whole: its class, message and attributes
        except Exception as exc:  # a bug of ours: reported as one, and the worker goes on
            conn.send(("error", InternalError(f"a worker process failed: {exc!r}")))
    engine.close()


class _Worker:
    def __init__(
        self, family: str, cache_dir: Path, pool: PoolSize, python_imports: tuple[str, ...]
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main,
            args=(child, family, str(cache_dir), pool.min_cached, pool.max_cached, python_imports),
            name=f"embedsandbox-{family}-worker",
            daemon=True,
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> None:
        if not self.ready:
            kind, _ = self.conn.recv()
            if kind != "ready":
                msg = "a worker process failed to start"
                raise RuntimeUnavailableError(msg)
            self.ready = True

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class ProcessEngine:
    """An `Engine` whose runs happen in worker processes. Thread-safe."""

    def __init__(
        self,
        family: str,
        cache_dir: Path,
        pool: PoolSize,
        processes: int,
        python_imports: tuple[str, ...] = (),
    ) -> None:
        self._family = family
        self._python_imports = python_imports
        self._cache_dir = cache_dir
        self._pool = pool
        self._processes = processes
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._local: Engine | None = None  # for compiled_in_cache only: never runs a guest

    def _start(self) -> None:
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
            for _ in range(self._processes):
                self._spawn_locked()

    def _spawn_locked(self) -> None:
        worker = _Worker(self._family, self._cache_dir, self._pool, self._python_imports)
        self._workers.append(worker)
        self._idle.put(worker)

    def compiled_in_cache(self) -> bool:
        """Whether the compiled interpreter is in the disk cache the workers load."""
        if self._local is None:
            self._local = _local_engine(self._family, self._cache_dir, PoolSize(0, 0))
        return self._local.compiled_in_cache()

    def warmup(self) -> None:
        """Start the workers; each compiles or loads the interpreter and fills its pool.

        A first compile happens in one worker while the others wait for its cache file.
        """
        self._start()
        # One at a time: the first compiles (if needed) and the rest load its cache file.
        for _ in range(self._processes):
            worker = self._idle.get()
            self._call(worker, ("warmup", None), None)

    def run(self, invocation: Invocation, /) -> RawOutcome:
        """Run one invocation in a worker's fresh guest."""
        if self._closed:
            msg = "this engine is closed"
            raise RuntimeUnavailableError(msg)
        self._start()
        # Neither the host call nor the credential values it injects cross: this process
        # performs the guest's requests and redacts what comes back.
        fields = {
            f.name: getattr(invocation, f.name)
            for f in dataclasses.fields(invocation)
            if f.name not in ("host_call", "redaction_values")
        }
        fields["env"] = dict(invocation.env)
        fields["files"] = dict(invocation.files)
        worker = self._idle.get()
        outcome: RawOutcome = self._call(
            worker, ("run", (fields, invocation.host_call is not None)), invocation
        )
        return outcome

    def _call(self, worker: _Worker, message: Any, invocation: Invocation | None) -> Any:
        healthy = False
        try:
            worker.wait_ready()
            worker.conn.send(message)
            while True:
                kind, payload = worker.conn.recv()
                if kind == "host":
                    host = invocation.host_call if invocation is not None else None
                    try:
                        reply = host(payload) if host is not None else _NO_HOST
                    except Exception:
                        reply = b'{"error": "internal error in the host"}'
                    worker.conn.send(reply)
                    continue
                healthy = True
                if kind == "done":
                    return payload
                if isinstance(payload, EmbedSandboxError):
                    raise payload
                msg = f"a worker process answered {payload!r}"
                raise InternalError(msg)
        except (EOFError, OSError, BrokenPipeError):
            msg = f"a {self._family} worker process ended unexpectedly (pid {worker.process.pid})"
            raise RuntimeUnavailableError(msg) from None
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        # Also for Ctrl-C while waiting: that worker may be mid-run; a new one takes its place.
        worker.process.kill()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
            if not self._closed:
                self._spawn_locked()

    def close(self) -> None:
        """Stop the worker processes. Idempotent."""
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()
        if self._local is not None:
            self._local.close()
