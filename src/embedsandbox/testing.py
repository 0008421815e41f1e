r"""Test doubles for code that calls the Sandbox: no WebAssembly, no network, milliseconds.

`FakeEngine` stands in for an interpreter (`Sandbox(engines={"python": FakeEngine(...)})`)
and `MockUpstream` for the HTTP servers behind the egress gateway
(`EgressOptions(upstream=MockUpstream(...))`). Everything else in a run is the real thing:
request validation, limits, the gateway's checks and credential injection, redaction, the
execution record. They are to embedsandbox what `httpx.MockTransport` is to httpx::

    from embedsandbox import Sandbox
    from embedsandbox.testing import FakeEngine, RawOutcome

    engine = FakeEngine(outcome=RawOutcome(exit_code=0, stdout="42\n", stderr=""))
    with Sandbox(store=None, engines={"python": engine}) as sb:
        r = sb.run_script(language="python", code="print(6 * 7)", limits={"memory_size": 64})
    assert r.stdout == "42\n"
    assert engine.invocations[0].limits.memory_limit_bytes == 64 << 20

A `FakeEngine` handler can act as a guest that makes HTTP requests: `guest_http(invocation,
"GET", url)` sends the message a guest's HTTP shim would send, through the run's gateway.

The engine types (`Engine`, `Invocation`, `RawOutcome`, `RunLimits`, `RuntimePackages`) and the
upstream types (`Upstream`, `UpstreamRequest`, `UpstreamResponse`, `UpstreamError`) are
re-exported here for writing or scripting your own.
"""

from __future__ import annotations

import base64
import dataclasses
import ipaddress
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from ._egress._policy import InvalidURL, parse_url
from ._egress._upstream import (
    Upstream,
    UpstreamError,
    UpstreamRequest,
    UpstreamResponse,
    standard_reason,
)
from ._engines._base import Engine, Invocation, RawOutcome, RunLimits, RuntimePackages
from .errors import ConfigurationError
from .models import LimitHit, OutputStatus

__all__ = [
    "Engine",
    "FakeEngine",
    "Invocation",
    "LimitHit",
    "MockUpstream",
    "OutputStatus",
    "RawOutcome",
    "RunLimits",
    "RuntimePackages",
    "Upstream",
    "UpstreamError",
    "UpstreamRequest",
    "UpstreamResponse",
    "guest_http",
]

EngineHandler = Callable[[Invocation], RawOutcome]
UpstreamHandler = Callable[[UpstreamRequest], UpstreamResponse]


class FakeEngine:
    """An `Engine` that starts no guest: each run's outcome comes from a script.

    Give either `outcome` (returned, as a copy, for every run) or `handler` (called with each
    `Invocation`, from the thread that runs it; it may call `invocation.host_call` as a guest
    would, see `guest_http`). With neither, a script exits 0 with no output and a function
    returns `null` with `output_status` "valid". Thread-safe.

    Args:
        handler: `handler(invocation) -> RawOutcome`. What it raises propagates out of the
            Sandbox's `run_*` call, as an engine's host-side failure would.
        outcome: The outcome of every run.
        compiled: What `compiled_in_cache()` answers. Default True (no compile warning).

    Raises:
        ConfigurationError: both `handler` and `outcome` are given, or `handler` is not
            callable.

    Attributes:
        warmups: How many times `warmup()` was called.
        closed: Whether `close()` was called (the Sandbox closes its engines in `close()`).

    """

    def __init__(
        self,
        handler: EngineHandler | None = None,
        *,
        outcome: RawOutcome | None = None,
        compiled: bool = True,
    ) -> None:
        if handler is not None and outcome is not None:
            msg = "FakeEngine takes a handler or an outcome, not both"
            raise ConfigurationError(msg)
        if handler is not None and not callable(handler):
            msg = f"FakeEngine's handler must be callable, not {type(handler).__name__}"
            raise ConfigurationError(msg)
        if outcome is not None and not isinstance(outcome, RawOutcome):
            msg = f"FakeEngine's outcome must be a RawOutcome, not {type(outcome).__name__}"
            raise ConfigurationError(msg)
        self._handler = handler
        self._outcome = outcome
        self._compiled = compiled
        self._lock = threading.Lock()
        self._invocations: list[Invocation] = []
        self.warmups = 0
        self.closed = False

    @classmethod
    def returning(cls, value: Any, *, stdout: str = "", stderr: str = "") -> FakeEngine:
        """An engine whose functions return `value` (JSON) and print `stdout` and `stderr`."""
        output = json.dumps(value)
        return cls(
            outcome=RawOutcome(
                exit_code=0,
                stdout=stdout,
                stderr=stderr,
                output_json=output,
                output_status=OutputStatus.VALID,
            )
        )

    def __repr__(self) -> str:
        return f"FakeEngine(runs={len(self._invocations)}, closed={self.closed})"

    @property
    def invocations(self) -> list[Invocation]:
        """Every `Invocation` run so far, in the order the runs started (a copy)."""
        with self._lock:
            return list(self._invocations)

    @property
    def last(self) -> Invocation:
        """The most recent `Invocation`.

        Raises:
            LookupError: nothing was run yet.

        """
        with self._lock:
            if not self._invocations:
                msg = "the FakeEngine has run nothing yet"
                raise LookupError(msg)
            return self._invocations[-1]

    def run(self, invocation: Invocation, /) -> RawOutcome:
        """Record `invocation` and return the scripted outcome.

        Raises:
            RuntimeError: the engine was closed (a Sandbox used after `close()`).
            TypeError: the handler returned something other than a `RawOutcome`.

        """
        with self._lock:
            if self.closed:
                msg = "FakeEngine.run() after close(): the Sandbox that owns it was closed"
                raise RuntimeError(msg)
            self._invocations.append(invocation)
        if self._handler is not None:
            outcome = self._handler(invocation)
            if not isinstance(outcome, RawOutcome):
                msg = f"a FakeEngine handler must return a RawOutcome, not {outcome!r}"
                raise TypeError(msg)
            return outcome
        if self._outcome is not None:
            return dataclasses.replace(self._outcome)  # a copy: outcomes are mutable
        if invocation.entry == "function":
            return RawOutcome(0, "", "", output_json="null", output_status=OutputStatus.VALID)
        return RawOutcome(0, "", "")

    def warmup(self) -> None:
        """Count the call; there is nothing to compile."""
        with self._lock:
            self.warmups += 1

    def compiled_in_cache(self) -> bool:
        """The `compiled` given to the constructor (default True)."""
        return self._compiled

    def close(self) -> None:
        """Mark the engine closed; later runs raise. Idempotent."""
        with self._lock:
            self.closed = True


def guest_http(
    invocation: Invocation,
    method: str,
    url: str,
    *,
    headers: Sequence[tuple[str, str]] = (),
    body: bytes | None = None,
    timeout_s: float | None = None,
) -> dict[str, Any]:
    """Make one HTTP request through the run's egress gateway, as a guest's HTTP shim does.

    Call it from a `FakeEngine` handler. It sends the `{"op": "http", ...}` message of
    protocol version 1 through `invocation.host_call` and returns the gateway's reply: on
    success `status`, `reason`, `url`, `headers` (a list of `[name, value]`) and `body`
    (decoded from base64 into bytes); on a refusal or failure `error` and `kind` (`denied`,
    `invalid`, `limit`, `network` or `timeout`). It never raises for what the gateway decides.

    Raises:
        ValueError: the invocation has no host door (one not made by a Sandbox).

    """
    if invocation.host_call is None:
        msg = "this Invocation has no host_call; use one a Sandbox passed to the engine"
        raise ValueError(msg)
    message: dict[str, Any] = {
        "op": "http",
        "method": method,
        "url": url,
        "headers": [[name, value] for name, value in headers],
        "body": None if body is None else base64.b64encode(body).decode("ascii"),
    }
    if timeout_s is not None:
        message["timeout_s"] = timeout_s
    reply: dict[str, Any] = json.loads(invocation.host_call(json.dumps(message).encode("utf-8")))
    if isinstance(reply.get("body"), str):
        reply["body"] = base64.b64decode(reply["body"])
    return reply


class MockUpstream:
    """An `Upstream` that answers from scripted routes and records every request it gets.

    It opens no socket and looks up no name. The gateway still does all its checks in front
    of it (allowlist, address checks on the names this upstream resolves, credential
    injection, redirects, caps, redaction), so a test sees what a real server would receive:
    `requests[-1].header("Authorization")` holds the credential the guest never saw.

    Args:
        routes: Responses by `"METHOD URL"` or `"URL"` (any method), such as
            `{"GET https://api.example.com/v1/me": UpstreamResponse.with_json({...})}`. A
            value may also be `handler(request) -> UpstreamResponse`. A URL without `?`
            matches whatever the query (injected credentials included); with one, only that
            exact query. The first matching key wins, in the mapping's order.
        handler: Called for a request no route matches. Default: a 404 whose body names the
            method and URL without the query.
        dns: Name lookups: host name -> an address or a list of them, such as
            `{"internal.example": "10.0.0.5"}`, to test what the gateway refuses. Names not
            listed resolve to `DEFAULT_ADDRESS`, a public address that nothing is sent to.

    Raises:
        ConfigurationError: a route key is not a URL (with an optional method first), or a
            `dns` value is not an IP address.

    A response without a reason phrase gets the standard one ("OK" for 200). What a route's
    handler raises becomes a `network` error reply to the guest (`UpstreamError` keeps its
    message; other exceptions are named by type only); the run goes on.

    """

    DEFAULT_ADDRESS: ClassVar[str] = "1.2.3.4"
    """What a name resolves to unless `dns` says otherwise: public, so the gateway allows it."""

    def __init__(
        self,
        routes: Mapping[str, UpstreamResponse | UpstreamHandler] | None = None,
        *,
        handler: UpstreamHandler | None = None,
        dns: Mapping[str, str | Sequence[str]] | None = None,
    ) -> None:
        self._routes = [(_route_key(key), answer) for key, answer in (routes or {}).items()]
        self._handler = handler
        self._dns: dict[str, tuple[str, ...]] = {}
        for name, answer in (dns or {}).items():
            answers = (answer,) if isinstance(answer, str) else tuple(answer)
            for address in answers:
                try:
                    ipaddress.ip_address(address)
                except ValueError:
                    msg = f"MockUpstream dns[{name!r}]: {address!r} is not an IP address"
                    raise ConfigurationError(msg) from None
            self._dns[name.lower().rstrip(".")] = answers
        self._lock = threading.Lock()
        self._requests: list[UpstreamRequest] = []

    def __repr__(self) -> str:
        return f"MockUpstream(routes={len(self._routes)}, requests={len(self._requests)})"

    @property
    def requests(self) -> list[UpstreamRequest]:
        """Every request that reached this upstream, in order (a copy); refused ones never do."""
        with self._lock:
            return list(self._requests)

    def resolve(self, host: str, port: int, timeout_s: float, /) -> list[str]:
        """The addresses of `host`: from `dns`, else `DEFAULT_ADDRESS`. The gateway checks them."""
        return list(self._dns.get(host.lower(), (self.DEFAULT_ADDRESS,)))

    def send(self, request: UpstreamRequest, /) -> UpstreamResponse:
        """Record `request` and answer it from the first matching route, else the handler."""
        with self._lock:
            self._requests.append(request)
        path, _, query = request.target.partition("?")
        host = request.host.lower()
        answer: UpstreamResponse | UpstreamHandler | None = None
        for (method, scheme, route_host, port, route_path, route_query), value in self._routes:
            if (method is None or method == request.method) and (
                scheme,
                route_host,
                port,
                route_path,
            ) == (request.scheme, host, request.port, path):
                if route_query is None or route_query == query:
                    answer = value
                    break
        if answer is None:
            answer = self._handler
        if answer is None:
            shown = f"{request.scheme}://{request.authority}{path}"
            text = f"MockUpstream: no route for {request.method} {shown}"
            response = UpstreamResponse(404, [("Content-Type", "text/plain")], text.encode())
        elif isinstance(answer, UpstreamResponse):
            response = answer
        else:
            response = answer(request)
        if isinstance(response, UpstreamResponse) and not response.reason:
            response = dataclasses.replace(response, reason=standard_reason(response.status))
        return response


_RouteKey = tuple[str | None, str, str, int, str, str | None]


def _route_key(key: str) -> _RouteKey:
    method, sep, rest = key.strip().partition(" ")
    text = rest.strip() if sep else method
    verb = method.upper() if sep else None
    try:
        url = parse_url(text)
    except InvalidURL as exc:
        msg = (
            f"MockUpstream route {key!r} is not 'METHOD URL' or 'URL' "
            f"(such as 'GET https://api.example.com/v1/me'): {exc}"
        )
        raise ConfigurationError(msg) from None
    host = url.host if isinstance(url.host, str) else url.host.compressed
    return (verb, url.scheme, host, url.port, url.path, url.query)
