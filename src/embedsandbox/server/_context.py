"""What routes get from the app: its state, the caller (by the one auth dependency), the runner.

`create_app` puts one `ServerState` on `app.state`; routers reach it through FastAPI
dependencies, never through a closure, so each router is a plain module-level `APIRouter`.

- `authenticate` is the only authentication: the bearer API key names a project, and the
  project picks the `Sandbox` (and so the store) the request sees. `create_app` applies it to
  every protected router; a route takes `Authenticated` (the `Caller`) or `Project` (its
  `Sandbox`), which FastAPI resolves from the same, cached, call.
- `GuestRunner.run` runs a guest on the bounded worker pool (never on the event loop),
  counts it in the metrics, and turns a pool that stayed full into 429.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Final, TypeVar, cast

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from .._keys import KeyStore
from .._sandbox import Sandbox
from ..errors import EmbedSandboxError, LanguageUnavailableError
from ..models import (
    MAX_ID_BYTES,
    MAX_PAGE_BYTES,
    ExecuteFunctionResponse,
    ExecuteResponse,
    ExecuteToolResponse,
)
from ._errors import ApiError, RpcCode
from ._metrics import Metrics
from ._pool import Busy, Pool

__all__ = [
    "STATE_ATTRIBUTE",
    "Authenticated",
    "Caller",
    "GuestRunner",
    "PathId",
    "Project",
    "ServerState",
    "State",
    "authenticate",
    "bounded",
]

STATE_ATTRIBUTE: Final = "embedsandbox"
"""The attribute of `app.state` that holds the `ServerState`."""

_Model = TypeVar("_Model", bound=BaseModel)
_T = TypeVar("_T")
# What a run returns: a script's execution, or a function's or tool's output around one.
_Run = TypeVar("_Run", ExecuteResponse, ExecuteFunctionResponse, ExecuteToolResponse)


@dataclass(frozen=True)
class Caller:
    """An authenticated request's project and its key's fairness slot in the worker pool."""

    sandbox: Sandbox
    """The `Sandbox` of the key's project: its tools, secrets, runtimes and history only."""
    tenant: str
    """The key's SHA-256 digest: the pool's per-key limit counts by it (never the key)."""


class GuestRunner:
    """Runs guests on the worker pool, counts them in the metrics, and answers 429 when full."""

    def __init__(
        self, pool: Pool, metrics: Metrics, *, queue_timeout_s: float, retry_after_s: int
    ) -> None:
        self._pool, self._metrics = pool, metrics
        self._queue_timeout_s, self._retry_after_s = queue_timeout_s, retry_after_s

    async def run(self, caller: Caller, language: str, call: Callable[[], _Run]) -> _Run:
        """`call()` on a worker of the pool, in the caller's fairness slot.

        Raises:
            ApiError: 429 with `Retry-After`: no worker came free within the queue timeout.
            EmbedSandboxError: what `call` raised (counted as rejected or internal).

        """

        def timed() -> _Run:
            start = time.perf_counter()
            try:
                result = call()
            except EmbedSandboxError as exc:
                # A language this server lacks is what the client asked for, not our failure.
                refused = exc.status_code < 500 or isinstance(exc, LanguageUnavailableError)
                outcome = "rejected" if refused else "internal_error"
                self._metrics.execution(language, outcome, time.perf_counter() - start)
                raise
            except Exception:
                self._metrics.execution(language, "internal_error", time.perf_counter() - start)
                raise
            execution = result if isinstance(result, ExecuteResponse) else result.execution
            self._metrics.execution(language, _outcome(execution), time.perf_counter() - start)
            return result

        return await self.work(caller, timed)

    async def work(self, caller: Caller, call: Callable[[], _T]) -> _T:
        """`call()` on a worker of the pool (no execution counted): a session's start, say.

        Raises:
            ApiError: 429 with `Retry-After`: no worker came free within the queue timeout.

        """
        try:
            return await self._pool.run(call, caller.tenant)
        except Busy:
            self._metrics.rejected()
            raise ApiError(
                429,
                RpcCode.RESOURCE_EXHAUSTED,
                f"all {self._pool.workers} workers stayed busy for "
                f"{self._queue_timeout_s:g} s; retry later",
                headers={"Retry-After": str(self._retry_after_s)},
            ) from None


def _outcome(execution: ExecuteResponse) -> str:
    if execution.limit_hit is not None:
        return "limit_hit"
    return "success" if execution.exit_code == 0 else "non_zero_exit"


@dataclass(frozen=True)
class ServerState:
    """Everything the routers share, made once by `create_app` and closed by its lifespan."""

    keys: KeyStore
    """The API keys; each names the project its requests see."""
    project: Callable[[str], Sandbox]
    """The `Sandbox` of a project, opened on first use."""
    runner: GuestRunner
    metrics: Metrics


def _server_state(request: Request) -> ServerState:
    # Put there by `create_app`, the only maker of the app.
    return cast(ServerState, getattr(request.app.state, STATE_ATTRIBUTE))


State = Annotated[ServerState, Depends(_server_state)]
"""A route parameter: the app's `ServerState`."""

_bearer = HTTPBearer(auto_error=False, description="an API key from `embedsandbox keys create`")


def authenticate(
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The one auth dependency: the request's bearer API key, checked, as its `Caller`.

    Raises:
        ApiError: 401 (google.rpc 16): no bearer key, or one not valid or revoked.

    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(
            401,
            RpcCode.UNAUTHENTICATED,
            "missing API key: send 'Authorization: Bearer <key>' "
            "(create a key with `embedsandbox keys create`)",
        )
    project = state.keys.authenticate(credentials.credentials)
    if project is None:
        raise ApiError(401, RpcCode.UNAUTHENTICATED, "the API key is not valid or was revoked")
    # Fairness is per key; its digest names it, never the key itself.
    tenant = hashlib.sha256(credentials.credentials.encode()).hexdigest()
    return Caller(state.project(project), tenant)


Authenticated = Annotated[Caller, Depends(authenticate)]
"""A route parameter: the authenticated `Caller` (for routes that run guests)."""


def _project(caller: Authenticated) -> Sandbox:
    return caller.sandbox


Project = Annotated[Sandbox, Depends(_project)]

PathId = Annotated[str, Path(max_length=MAX_ID_BYTES)]
"""An id in a route's path: a longer one is a 400 naming the parameter, before any lookup
(and never echoed whole in a "does not exist" message)."""
"""A route parameter: the caller's project's `Sandbox`."""


def bounded(items: Sequence[_Model], budget: int = MAX_PAGE_BYTES) -> list[_Model]:
    """The first items whose JSON fits in `budget` bytes (at least one).

    A list route answers with these; the page's cursor then continues after the last kept.
    """
    kept: list[_Model] = []
    size = 0
    for item in items:
        size += len(item.model_dump_json())
        if kept and size > budget:
            break
        kept.append(item)
    return kept
