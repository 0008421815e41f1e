"""Errors that embedsandbox raises, for misuse and host-side failures.

What a guest does (a non-zero exit, an uncaught exception, a limit that ended the run) is
never raised: it comes back as data in the result. These are raised::

    EmbedSandboxError                      code                    HTTP  exit
    ├─ ConfigurationError(ValueError)      invalid_configuration   400   2
    │  ├─ RequestValidationError           invalid_request         400   2   .errors
    │  └─ SnapshotError                    invalid_snapshot        400   2
    ├─ NotFoundError(LookupError)          not_found               404   3
    ├─ RuntimeUnavailableError             runtime_unavailable     503   5
    │  └─ LanguageUnavailableError         language_unavailable    501   5
    ├─ SandboxClosedError(RuntimeError)    sandbox_closed          503   5
    ├─ StoreError(OSError)                 store_unavailable       500   74
    ├─ ConflictError                       conflict                409   2
    │  └─ SessionClosedError               session_closed          409   2   .reason
    ├─ InternalError                       internal_error          500   70
    └─ ExecutionFailed                     execution_failed        422   1   .response

`ExecutionFailed` is the one exception to the rule above: raised only when the caller asks
for it, by a result's `raise_for_status()`.

Each class carries a stable `code` slug, the HTTP `status_code` a server answers with, and
the `exit_code` the command line exits with.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ConfigurationError",
    "ConflictError",
    "EmbedSandboxError",
    "ExecutionFailed",
    "InternalError",
    "LanguageUnavailableError",
    "NotFoundError",
    "RequestValidationError",
    "RuntimeUnavailableError",
    "SandboxClosedError",
    "SecretKeyError",
    "SessionClosedError",
    "SnapshotError",
    "StoreError",
]


class EmbedSandboxError(Exception):
    """The base of every error embedsandbox raises."""

    code: ClassVar[str] = "error"
    status_code: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1


class ConfigurationError(EmbedSandboxError, ValueError):
    """A value given to embedsandbox is not allowed (an option, a default limit)."""

    code = "invalid_configuration"
    status_code = 400
    exit_code = 2


class RequestValidationError(ConfigurationError):
    """A request failed validation before any guest started.

    `errors` lists each problem as a dict with `loc` (the field's path), `msg` and `type`,
    in pydantic's shape. Input values are never included, so a secret cannot leak here.
    """

    code = "invalid_request"

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors: list[dict[str, Any]] = errors or []

    def __reduce__(self) -> tuple[Any, ...]:  # whole across processes, `errors` included
        return (type(self), (str(self), self.errors))


class SnapshotError(ConfigurationError):
    """A saved session cannot be resumed (the message says why).

    Its bytes were changed, it was sealed with another host key, or saved by another engine
    build.
    """

    code = "invalid_snapshot"


class NotFoundError(EmbedSandboxError, LookupError):
    """An id names nothing that exists."""

    code = "not_found"
    status_code = 404
    exit_code = 3


class RuntimeUnavailableError(EmbedSandboxError):
    """No guest can run: a build is missing or wrong, or wasmtime's trap handlers were replaced.

    An interpreter build is missing, has the wrong version or fails its sha256 check; or a
    signal handler installed after the first run (`faulthandler.enable()`, `signal.signal`, a
    native crash reporter) took a signal wasmtime needs to catch a guest's trap, and the
    message says how to undo it.
    """

    code = "runtime_unavailable"
    status_code = 503
    exit_code = 5


class LanguageUnavailableError(RuntimeUnavailableError):
    """The language is part of the API but has no engine in this installation."""

    code = "language_unavailable"
    status_code = 501


class SandboxClosedError(EmbedSandboxError, RuntimeError):
    """The Sandbox was closed; create a new one to run code."""

    code = "sandbox_closed"
    status_code = 503
    exit_code = 5


class StoreError(EmbedSandboxError, OSError):
    """The store (the SQLite file of tools, secrets and execution history) cannot be used.

    Raised when the file cannot be opened or created, is not a database or is corrupt, was
    written by a newer embedsandbox, or a write fails (disk full). The message names the file.
    embedsandbox never deletes or recreates a store it cannot read: move the file away or
    pass another `Sandbox(store=...)`.
    """

    code = "store_unavailable"
    status_code = 500
    exit_code = 74


class SecretKeyError(StoreError):
    """The store's secret values cannot be decrypted or their host key cannot be used.

    The key (`EMBEDSANDBOX_SECRET_KEY`, base64 of 32 bytes, else the `secret.key` file beside
    the store, mode 0600) is missing, malformed, readable by others, or not the one the
    values were encrypted with. The message names where the key came from, never the key.
    """

    code = "secret_key_unavailable"


class ConflictError(EmbedSandboxError):
    """The object is not in a state that allows the call.

    A run names a runtime revision whose build has not succeeded (the message names its
    status), or a runtime is deleted while tool revisions pin one of its revisions.
    """

    code = "conflict"
    status_code = 409
    exit_code = 2


class SessionClosedError(ConflictError):
    """The session takes no more calls: it was closed, or a call or a session limit ended it.

    `reason` says which (`closed`, `limit`, `max_calls`, `idle_timeout`, `max_lifetime`,
    `fuel`, `output_bytes`, `sandbox_closed`); the message says what to do.
    """

    code = "session_closed"

    def __init__(self, message: str, reason: str = "closed") -> None:
        super().__init__(message)
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.reason))


class InternalError(EmbedSandboxError):
    """A bug in embedsandbox; please report it."""

    code = "internal_error"
    status_code = 500
    exit_code = 70


class ExecutionFailed(EmbedSandboxError):
    """A run failed, and its caller asked for that to raise (`response.raise_for_status()`).

    Failed: a non-zero exit code, a limit that ended the run, or (for a function or a tool)
    an output status other than `valid`. `response` is the result as it was returned, its
    output already redacted; the message names what failed and the last line of stderr.
    A server never raises it: there a failing guest is a 200 with the result.
    """

    code = "execution_failed"
    status_code = 422
    exit_code = 1

    def __init__(self, message: str, response: Any = None) -> None:
        super().__init__(message)
        self.response = response

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.response))
