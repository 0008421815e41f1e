"""Sessions: one guest kept for many calls, so that globals, imports and files persist.

`Sandbox.session(...)` starts one (`Session`); each `run(code)` or `call(function, input)` is
a call in the same guest, under its own limits (time, fuel, output: the session's `limits`,
then the call's), and the whole session under `SessionLimits` (memory, calls, idle time,
lifetime, fuel and output in all). A call that hits a limit ends the session: what a guest
held after a trap is not trusted, so the result says so and every later call raises
`SessionClosedError`. Every call is recorded in the execution history with its session id.

The Sandbox keeps at most `max_sessions` open; a background thread closes the ones past
their idle timeout or lifetime (within `SWEEP_S`), so an abandoned session's memory is
returned without anyone calling it again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import pydantic

from ._engines._base import EngineSession, HostCall, RawOutcome, RunLimits, SessionCall
from ._validation import validation_error
from .errors import ConflictError, SessionClosedError, SnapshotError
from .models import (
    ExecuteFunctionResponse,
    ExecuteResponse,
    Execution,
    Language,
    Limits,
    SessionCallRequest,
    SessionInfo,
    SessionLimits,
)

__all__ = [
    "DEFAULT_CALL_TIMEOUT_S",
    "SNAPSHOT_MAGIC",
    "seal",
    "unseal",
    "Plumbing",
    "DEFAULT_SESSION_LIMITS",
    "MAX_SESSIONS",
    "Session",
    "Sessions",
]

DEFAULT_CALL_TIMEOUT_S: Final = 60.0
"""A session call's `execution_timeout` unless the session or the call sets one."""
DEFAULT_SESSION_LIMITS: Final = SessionLimits(
    memory_size=1024,
    max_calls=1000,
    idle_timeout=900.0,
    max_lifetime=3600.0,
    fuel=None,
    output_bytes=100 << 20,
)
"""What a session may use when its `session_limits` leave a field out."""
MAX_SESSIONS: Final = 64
"""`Sandbox(max_sessions=...)`'s default: the most sessions open at once."""
SWEEP_S: Final = 5.0
_KEPT_CLOSED: Final = 1000


@dataclass(frozen=True)
class Plumbing:
    """What a Session needs of its Sandbox, as plain callables (no import of `_sandbox`)."""

    run_limits: Callable[[dict[str, Any]], RunLimits]
    gateway: Callable[[float], tuple[HostCall, tuple[str, ...]]]
    respond: Callable[..., ExecuteResponse]
    record: Callable[[Callable[[], Execution]], None]
    record_call: Callable[..., Execution]
    function_response: Callable[
        [RawOutcome, ExecuteResponse, tuple[str, ...]], ExecuteFunctionResponse
    ]
    run_async: Callable[[Callable[[], Any]], Any]
    new_id: Callable[[], str]
    seal: Callable[[dict[str, Any], bytes], bytes]
    """Seal a saved session: its header and its guest's bytes, compressed and encrypted."""
    header: dict[str, Any]
    """What a resume needs besides counters: the request (files left out), engine id."""


class Session:
    """A guest kept for a series of calls: state persists between them. Thread-safe.

    Made by `Sandbox.session(...)`; use it as a context manager, or call `close()`. Calls run
    one at a time, in the order they are made.
    """

    def __init__(
        self,
        *,
        session_id: str,
        language: Language,
        engine_session: EngineSession,
        call_limits: dict[str, Any],
        session_limits: SessionLimits,
        plumbing: Plumbing,
        on_close: Callable[[Session], None],
        restored: dict[str, Any] | None = None,
    ) -> None:
        self._id = session_id
        self._language = language
        self._guest = engine_session
        self._call_limits = call_limits
        self._limits = session_limits
        self._plumbing = plumbing
        self._on_close = on_close
        self._lock = threading.Lock()  # one call at a time
        self._state = threading.Lock()  # the fields below
        self._created = datetime.now(UTC)
        self._started = time.monotonic()
        self._last = self._started
        self._calls = 0
        self._fuel_used = 0
        self._output = 0
        self._closed_reason: str | None = None
        if restored is not None:  # a resumed session goes on counting where it stopped
            self._created = datetime.fromisoformat(restored["created_at"])
            self._started -= float(restored["age_s"])
            self._calls = int(restored["calls"])
            self._fuel_used = int(restored["fuel_used"])
            self._output = int(restored["output_bytes"])

    # -- what it is ----------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The session's id (`ses_...`)."""
        return self._id

    @property
    def language(self) -> Language:
        return self._language

    @property
    def closed(self) -> bool:
        """Whether it takes no more calls."""
        return self._closed_reason is not None

    def info(self) -> SessionInfo:
        """Its id, language, calls so far, whether (and why) it closed, fuel and output used."""
        with self._state:
            return SessionInfo(
                id=self._id,
                language=self._language,
                created_at=self._created,
                calls=self._calls,
                closed=self._closed_reason is not None,
                closed_reason=self._closed_reason,
                fuel_used=self._fuel_used,
                output_bytes=self._output,
            )

    # -- calls -----------------------------------------------------------------------------

    def run(
        self,
        code: str,
        *,
        stdin: str = "",
        limits: Limits | dict[str, Any] | None = None,
        output_files: list[str] | tuple[str, ...] = (),
        interactive: bool = False,
    ) -> ExecuteResponse:
        """Run `code` after the calls before it (their globals, imports and files are there).

        `interactive`: print the value of its last expression, as a REPL does.

        Raises:
            SessionClosedError: the session is closed (`reason` says why).
            RequestValidationError: a field is invalid (a limit of the session's, say).

        """
        request = _request(
            code=code,
            stdin=stdin,
            limits=limits,
            output_files=list(output_files),
            interactive=interactive,
        )
        return self.run_request(request)

    def call(
        self,
        function: str,
        input: Any = None,
        *,
        code: str = "",
        limits: Limits | dict[str, Any] | None = None,
        output_files: list[str] | tuple[str, ...] = (),
    ) -> ExecuteFunctionResponse:
        """Call `function` (defined by an earlier call, or by `code` run first) with `input`.

        Returns `output` and `output_status` as `run_function` does.

        Raises:
            SessionClosedError: the session is closed (`reason` says why).
            RequestValidationError: a field is invalid (`input` that is not JSON, say).

        """
        request = _request(
            code=code,
            function=function,
            input=input,
            limits=limits,
            output_files=list(output_files),
        )
        return self.call_request(request)

    def run_request(self, request: SessionCallRequest) -> ExecuteResponse:
        """`run` from its request model (which names no `function`)."""
        result = self.execute(request)
        if not isinstance(result, ExecuteResponse):  # pragma: no cover - the caller checked
            msg = "run_request takes a request without a function; use call_request"
            raise TypeError(msg)
        return result

    def call_request(self, request: SessionCallRequest) -> ExecuteFunctionResponse:
        """`call` from its request model (which names a `function`)."""
        result = self.execute(request)
        if not isinstance(result, ExecuteFunctionResponse):  # pragma: no cover
            msg = "call_request takes a request with a function; use run_request"
            raise TypeError(msg)
        return result

    async def run_async(self, code: str, **fields: Any) -> ExecuteResponse:
        """`run` on a worker thread of the Sandbox, without blocking the event loop."""
        result: ExecuteResponse = await self._plumbing.run_async(lambda: self.run(code, **fields))
        return result

    async def call_async(
        self,
        function: str,
        input: Any = None,
        **fields: Any,
    ) -> ExecuteFunctionResponse:
        """`call` on a worker thread of the Sandbox, without blocking the event loop."""
        result: ExecuteFunctionResponse = await self._plumbing.run_async(
            lambda: self.call(function, input, **fields)
        )
        return result

    def execute(self, request: SessionCallRequest) -> ExecuteResponse | ExecuteFunctionResponse:
        """One call from its request model (the server's path); see `run` and `call`."""
        with self._lock:
            self._check_open()
            limits = self._run_limits(request)
            host_call, redaction = self._plumbing.gateway(time.monotonic() + limits.deadline_s)
            call = SessionCall(
                code=request.code,
                limits=limits,
                function=request.function,
                input_json=json.dumps(request.input, allow_nan=False),
                stdin=request.stdin.encode("utf-8"),
                host_call=host_call,
                output_files=tuple(request.output_files),
                interactive=request.interactive,
            )
            execution_id = self._plumbing.new_id()
            started_at = datetime.now(UTC)
            start = time.perf_counter()
            try:
                raw = self._guest.run(call)
            except BaseException:
                self._close("limit")
                raise
            duration_ms = round((time.perf_counter() - start) * 1000)
            ended = self._account(raw)
            execution = self._plumbing.respond(
                raw, limits, redaction, execution_id, started_at, duration_ms
            )
            if ended is not None:
                execution.stderr += (
                    f"embedsandbox: the session is closed ({ended}); start a new one\n"
                )
            response: ExecuteResponse | ExecuteFunctionResponse = execution
            if request.function is not None:
                response = self._plumbing.function_response(raw, execution, redaction)
            record = self._plumbing.record_call
            self._plumbing.record(lambda: record(self._id, self._language.value, request, response))
            return response

    def _run_limits(self, request: SessionCallRequest) -> RunLimits:
        merged = dict(self._call_limits)
        if request.limits is not None:
            merged.update(request.limits.model_dump(exclude_none=True))
        with self._state:
            fuel_cap = self._limits.fuel
            if fuel_cap is not None:
                left = max(1, fuel_cap - self._fuel_used)
                merged["fuel"] = min(merged["fuel"] or left, left)
            left_out = max(1, int(self._limits.output_bytes or 0) - self._output)
            merged["output_bytes"] = min(int(merged["output_bytes"]), left_out)
        return self._plumbing.run_limits(merged)

    def _account(self, raw: RawOutcome) -> str | None:
        """Count the call against the session; the reason it closed, if it did."""
        with self._state:
            self._calls += 1
            self._last = time.monotonic()
            self._fuel_used += raw.fuel_used or 0
            self._output += len(raw.stdout.encode("utf-8", "replace"))
            self._output += len(raw.stderr.encode("utf-8", "replace"))
            # A session limit first: the call that spent it ends by it (fuel, output_size).
            if self._limits.fuel is not None and self._fuel_used >= self._limits.fuel:
                reason = "fuel"
            elif self._output >= int(self._limits.output_bytes or 0):
                reason = "output_bytes"
            elif raw.limit_hit is not None or self._guest.dead:
                reason = "limit"
            else:
                return None
        self._close(reason)
        return reason

    def _check_open(self) -> None:
        now = time.monotonic()
        with self._state:
            reason = self._closed_reason
            if reason is None:
                if now - self._last > float(self._limits.idle_timeout or 0):
                    reason = "idle_timeout"
                elif now - self._started > float(self._limits.max_lifetime or 0):
                    reason = "max_lifetime"
                elif self._calls >= int(self._limits.max_calls or 0):
                    reason = "max_calls"
        if reason is None:
            return
        self._close(reason)
        raise SessionClosedError(_closed_message(self._id, reason), reason)

    def expired(self, now: float) -> str | None:
        """The reason this open session is past its idle timeout or lifetime at `now`."""
        with self._state:
            if self._closed_reason is not None or self._lock.locked():
                return None
            if now - self._last > float(self._limits.idle_timeout or 0):
                return "idle_timeout"
            if now - self._started > float(self._limits.max_lifetime or 0):
                return "max_lifetime"
        return None

    def save(self) -> bytes:
        """The session between calls, as bytes that `Sandbox.resume` continues.

        Here, or in another process or machine with the same engine build and host key.

        Everything the guest holds (its memory, files, globals) is in it: the bytes are
        compressed and encrypted with the host key (AES-256-GCM, the key that seals the
        store's secrets: `EMBEDSANDBOX_SECRET_KEY`, else `secret.key` beside the store; a
        Sandbox with `store=None` has a key of its own, so only it can resume its saves).
        The session stays open.

        Raises:
            SessionClosedError: the session is closed.
            LanguageUnavailableError: its language's sessions cannot be saved yet.

        """
        from .errors import LanguageUnavailableError

        with self._lock:
            self._check_open()
            save = getattr(self._guest, "save", None)
            if not callable(save):
                msg = f"saving a {self._language.value} session is not available yet"
                raise LanguageUnavailableError(msg)
            guest: bytes = save()
            with self._state:
                header = {
                    **self._plumbing.header,
                    "id": self._id,
                    "created_at": self._created.isoformat(),
                    "age_s": time.monotonic() - self._started,
                    "calls": self._calls,
                    "fuel_used": self._fuel_used,
                    "output_bytes": self._output,
                    "call_limits": self._call_limits,
                    "session_limits": self._limits.model_dump(mode="json"),
                }
            return self._plumbing.seal(header, guest)

    # -- the end -------------------------------------------------------------------------------

    def close(self) -> None:
        """Free the guest; later calls raise `SessionClosedError`. Idempotent."""
        self._close("closed")

    def _close(self, reason: str) -> None:
        with self._state:
            if self._closed_reason is not None:
                return
            self._closed_reason = reason
        self._guest.close()
        self._on_close(self)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = f"closed ({self._closed_reason})" if self.closed else "open"
        return f"<Session {self._id} {self._language.value} {state}, {self._calls} calls>"


def _request(**fields: Any) -> SessionCallRequest:
    try:
        return SessionCallRequest(**fields)
    except pydantic.ValidationError as exc:
        name = "SessionCallRequest"
        raise validation_error(name, exc) from None


def _closed_message(session_id: str, reason: str) -> str:
    why = {
        "closed": "it was closed",
        "limit": "a call hit a limit (a guest's state after that is not trusted)",
        "max_calls": "it has taken session_limits.max_calls calls",
        "idle_timeout": "it had no call for session_limits.idle_timeout seconds",
        "max_lifetime": "it is older than session_limits.max_lifetime seconds",
        "fuel": "its calls used session_limits.fuel",
        "output_bytes": "its calls wrote session_limits.output_bytes",
        "sandbox_closed": "its Sandbox was closed",
    }.get(reason, reason)
    return f"session {session_id!r} is closed: {why}; start a new session"


class Sessions:
    """A Sandbox's open sessions: the cap on how many, and the sweeper of expired ones."""

    def __init__(self, max_sessions: int) -> None:
        self.max_sessions = max_sessions
        self._open: dict[str, Session] = {}
        # Recently closed sessions, so that a call to one says why it closed (409) rather
        # than that it never existed (404); the oldest are forgotten past `_KEPT_CLOSED`.
        self._closed: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def reserve(self) -> None:
        """Check there is room for one more (raises `ConflictError` when there is not)."""
        self.sweep()
        with self._lock:
            if len(self._open) >= self.max_sessions:
                msg = (
                    f"this Sandbox has {len(self._open)} sessions open, its max_sessions; "
                    "close one (session.close()) or raise Sandbox(max_sessions=...)"
                )
                raise ConflictError(msg)

    def add(self, session: Session) -> None:
        with self._lock:
            self._open[session.id] = session
            if self._sweeper is None:
                self._sweeper = threading.Thread(
                    target=self._sweep_loop, name="embedsandbox-sessions", daemon=True
                )
                self._sweeper.start()

    def get(self, session_id: str) -> Session | None:
        """The session with this id, open or recently closed."""
        with self._lock:
            return self._open.get(session_id) or self._closed.get(session_id)

    def forget(self, session: Session) -> None:
        """`session` closed: it no longer counts toward `max_sessions`."""
        with self._lock:
            self._open.pop(session.id, None)
            self._closed[session.id] = session
            while len(self._closed) > _KEPT_CLOSED:
                del self._closed[next(iter(self._closed))]

    def sweep(self) -> None:
        """Close the sessions past their idle timeout or lifetime."""
        now = time.monotonic()
        with self._lock:
            sessions = list(self._open.values())
        for session in sessions:
            reason = session.expired(now)
            if reason is not None:
                session._close(reason)

    def _sweep_loop(self) -> None:
        while not self._stop.wait(SWEEP_S):
            self.sweep()

    def close(self) -> None:
        """Close every open session (the Sandbox is closing)."""
        self._stop.set()
        with self._lock:
            sessions = list(self._open.values())
        for session in sessions:
            session._close("sandbox_closed")


SNAPSHOT_MAGIC: Final = b"ESBS1"
"""The first bytes of a saved session (`Session.save`)."""
_SNAPSHOT_AAD: Final = b"embedsandbox saved session v1"


class Key(Protocol):
    """The host key's part sessions use (`_store._crypto.HostKey`)."""

    where: str

    def seal_bytes(self, data: bytes, purpose: bytes) -> bytes: ...

    def open_bytes(self, sealed: bytes, purpose: bytes) -> bytes | None: ...


def seal(key: Key, header: dict[str, Any], guest: bytes) -> bytes:
    """A saved session: its header (JSON) and its guest's bytes, encrypted and authenticated.

    Not compressed: zlib's fastest level takes 0.5 s for a pandas session's 50 MB of written
    pages, and the bytes are the guest's own (an attacker's, maybe) anyway.
    """
    payload = json.dumps(header).encode("utf-8")
    plain = len(payload).to_bytes(8, "little") + payload + guest
    return SNAPSHOT_MAGIC + key.seal_bytes(plain, _SNAPSHOT_AAD)


def unseal(key: Key, snapshot: bytes) -> tuple[dict[str, Any], bytes]:
    """`seal`'s header and guest bytes again.

    Raises:
        SnapshotError: not a saved session, changed, or sealed with another key.

    """
    if not isinstance(snapshot, bytes | bytearray) or not snapshot.startswith(SNAPSHOT_MAGIC):
        msg = "this is not a saved session (Session.save()'s bytes)"
        raise SnapshotError(msg)
    plain = key.open_bytes(bytes(snapshot[len(SNAPSHOT_MAGIC) :]), _SNAPSHOT_AAD)
    if plain is None:
        msg = (
            "the saved session cannot be opened: its bytes were changed, or it was sealed "
            f"with another host key than this Sandbox's ({key.where})"
        )
        raise SnapshotError(msg)
    size = int.from_bytes(plain[:8], "little")
    return json.loads(plain[8 : 8 + size]), plain[8 + size :]
