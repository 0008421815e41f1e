"""The one narrow interface between the Sandbox and an interpreter build.

The Sandbox turns a validated request into an `Invocation` and hands it to the
`Engine` for its language; the engine runs it in a fresh WebAssembly guest and returns a
`RawOutcome`. Engines never raise for what the guest does (exit codes, traps, limits):
that is data in the outcome. They raise only for host-side failures (a missing or
tampered interpreter build), as `embedsandbox.errors` types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ..models import LimitHit, OutputStatus

__all__ = [
    "Engine",
    "EngineSession",
    "Entry",
    "HostCall",
    "Invocation",
    "LimitHit",
    "OutputStatus",
    "RawOutcome",
    "RunLimits",
    "RuntimePackages",
    "SessionCall",
]

Entry = Literal["script", "function"]


@dataclass(frozen=True, slots=True)
class RunLimits:
    """Limits in host units, converted once from the wire's `Limits`."""

    deadline_s: float
    memory_limit_bytes: int
    fuel: int | None
    max_output_bytes: int
    # What the run's files may hold (bytes) and how many files and folders it may have.
    disk_bytes: int = 64 << 20
    disk_files: int = 10_000
    # What `output_files` may hand back: bytes in all, bytes per file, files.
    output_files_bytes: int = 10 << 20
    output_file_bytes: int = 10 << 20
    output_files_count: int = 100


@dataclass(frozen=True, slots=True)
class RuntimePackages:
    """A built runtime revision's packages, as the guest loads them (read-only)."""

    # Python: a host folder of pure-Python packages, put on the guest's sys.path.
    python_path: str | None = None
    # JavaScript: a host folder holding `node_modules/`, served to require() and import.
    node_modules: str | None = None
    # Python: modules imported before the user's code (`additional_python_imports`).
    imports: tuple[str, ...] = ()
    # The runtime's own warm-pool sizes; None takes the Sandbox's.
    min_cached_instances: int | None = field(default=None, compare=False)
    max_cached_instances: int | None = field(default=None, compare=False)

    @property
    def pool_key(self) -> tuple[str | None, str | None, tuple[str, ...]]:
        """What makes two revisions' guests interchangeable before a run."""
        return (self.python_path, self.node_modules, self.imports)


# A host door: the guest sends one request (bytes) and waits for the reply (bytes).
# The egress gateway plugs in here; engines just route calls of op != "result" to it.
HostCall = Callable[[bytes], bytes]


@dataclass(frozen=True, slots=True)
class Invocation:
    """One execution, fully resolved: everything the guest will see and nothing more."""

    language: Literal["python", "javascript", "typescript", "ruby", "php"]
    code: str
    entry: Entry
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    stdin: bytes = b""
    # Relative POSIX paths (already validated) -> contents, laid out under the guest's cwd.
    files: Mapping[str, str] = field(default_factory=dict)
    # For entry == "function": the input as JSON text ("null" when absent).
    input_json: str = "null"
    limits: RunLimits = field(default_factory=lambda: RunLimits(30.0, 128 << 20, None, 1 << 20))
    host_call: HostCall | None = None
    # Credential values the host injects for this run (never shown to the guest); the
    # Sandbox redacts them from what it returns and stores.
    redaction_values: tuple[str, ...] = ()
    # A runtime revision's packages (`runtime_revision_id`); None for the plain interpreter.
    packages: RuntimePackages | None = None
    # Glob patterns (validated, relative to the working directory) of files to hand back.
    output_files: tuple[str, ...] = ()


@dataclass(slots=True)
class RawOutcome:
    """What an engine reports about one finished guest."""

    exit_code: int
    stdout: str
    stderr: str
    fuel_used: int | None = None
    limit_hit: LimitHit | None = None
    # Functions only: the returned value as JSON text (None unless status is VALID).
    output_json: str | None = None
    output_status: OutputStatus | None = None
    # `output_files`: what is handed back (path, bytes), in path order, and what was not
    # (path, reason: the first `MAX_LEFT_OUT` of `left_out_count`).
    files: list[tuple[str, bytes]] = field(default_factory=list)
    files_left_out: list[tuple[str, str]] = field(default_factory=list)
    files_left_out_count: int = 0


@dataclass(frozen=True, slots=True)
class SessionCall:
    """One call of a session: code run in the session's guest, then maybe a function of it.

    `function`: the name of a function (defined by this call's code or an earlier one) to
    call with `input_json`; its result is reported as a function's. `limits`: this call's
    time, fuel and output (the memory and disk are the session's).
    """

    code: str
    limits: RunLimits
    function: str | None = None
    input_json: str = "null"
    stdin: bytes = b""
    host_call: HostCall | None = None
    output_files: tuple[str, ...] = ()
    interactive: bool = False  # print a last expression's value, as a REPL does


class EngineSession(Protocol):
    """One guest kept for a session's calls, in order. Not thread-safe: one call at a time."""

    def run(self, call: SessionCall, /) -> RawOutcome:
        """Run one call; a call that hits a limit or traps leaves the session `dead`."""
        ...

    @property
    def dead(self) -> bool:
        """Whether the guest can take no more calls (a limit or trap ended one)."""
        ...

    def close(self) -> None:
        """Free the guest. Idempotent."""
        ...


class Engine(Protocol):
    """Runs an `Invocation` in a fresh guest. Implementations must be thread-safe.

    An engine that keeps guests for sessions also has `session(invocation) -> EngineSession`:
    the invocation gives the session's language, env, args, files, memory and disk limits and
    packages (its code is not run).
    """

    def run(self, invocation: Invocation, /) -> RawOutcome: ...

    def warmup(self) -> None:
        """Compile (or load from the disk cache) everything a first run needs."""
        ...

    def compiled_in_cache(self) -> bool:
        """Whether the compiled modules are already in the disk cache (no compile needed)."""
        ...

    def close(self) -> None:
        """Stop background work (warm pools) and free the guests it holds. Idempotent."""
        ...
