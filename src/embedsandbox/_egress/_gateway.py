"""The egress gateway: every HTTP request a guest makes goes through `Gateway.handle()`.

Guests have no sockets. Their HTTP shims send one JSON message per request through a host
function; the engine hands the decoded message to the `Gateway` of that execution, which

    checks the message (a guest's Host must be the URL's; forwarding and Proxy-* headers are
    refused) -> matches the host against http.allow -> resolves the name -> refuses
    metadata addresses always, and private, loopback and other non-public addresses outside
    the ranges the Sandbox's owner opened -> adds the entry's credentials ->
    connects to the address it checked -> follows redirects, checking every hop again ->
    reads the response up to the size cap -> replies with status, headers and body,

and never raises for anything the guest sent: a refusal or a failure is a reply
`{"error": message, "kind": ...}`. Protocol version 1 is documented on `Gateway.handle`.
Each checked hop is sent by the options' `Upstream` (`_upstream.py`): urllib3, which reads no
proxy variables, unless the Sandbox's owner gave another (`embedsandbox.testing.MockUpstream`).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import ipaddress
import json
import math
import os
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from .._secrets import SecretStore, redact, redact_bytes
from ..errors import ConfigurationError
from ..models import HTTP
from ._addresses import (
    ALL_NETWORKS,
    METADATA_HOST_NAMES,
    IPAddress,
    IPNetwork,
    ResolutionTimeout,
    is_metadata,
    opted_in,
    refusal,
    resolve,
)
from ._policy import (
    DEFAULT_PORTS,
    GATEWAY_HEADERS,
    HEADER_TOKEN,
    HOP_BY_HOP,
    URL,
    AllowRule,
    Credentials,
    EgressPolicy,
    InvalidURL,
    format_host,
    join_url,
    parse_url,
    remove_query_key,
)
from ._upstream import (
    REDIRECT_STATUSES,
    Upstream,
    UpstreamError,
    UpstreamRequest,
    UpstreamResponse,
    Urllib3Upstream,
)

if TYPE_CHECKING:
    import ssl

__all__ = ["EgressOptions", "Gateway", "resolve_policy"]

MiB: Final = 1 << 20
# Room in one guest message for all but the body: method, URL, headers (the gateway's own
# caps on those are smaller).
_MESSAGE_OVERHEAD: Final = 1 * MiB
PROTOCOL_VERSION: Final = 1
"""The version of the guest <-> host message format that `Gateway.handle` speaks."""

MAX_HEADERS: Final = 256
"""The most headers a guest request may carry."""
MAX_HEADER_BYTES: Final = 64 << 10
"""The largest total size of a guest request's header names and values, in bytes."""
MIN_ECHO_REDACT_CHARS: Final = 8
"""Credential values at least this long are redacted from what an upstream sends back (body,
headers, redirect URLs). Shorter ones are not: hiding every `2` or `true` would mangle
responses, and a value that short is no secret worth the name."""

_FORBIDDEN_METHODS: Final = frozenset({"CONNECT", "TRACE", "TRACK"})
_NORMALIZED_METHODS: Final = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"})
_BODY_HEADERS: Final = frozenset(
    {"content-type", "content-encoding", "content-language", "content-location"}
)
_CROSS_ORIGIN_DROPPED: Final = frozenset({"authorization", "cookie", "proxy-authorization"})
ROUTING_HEADERS: Final = frozenset(
    {
        "forwarded",
        "x-real-ip",
        "x-client-ip",
        "true-client-ip",
        "x-host",
        "x-original-url",
        "x-rewrite-url",
        "x-http-host-override",
    }
)
"""Headers that tell an upstream (or a proxy in front of it) where a request came from or is
going, refused from a guest; so are `X-Forwarded-*` and `Proxy-*`."""
ROUTING_PREFIXES: Final = ("x-forwarded-", "proxy-")

PrivateNetworks = bool | Sequence[str | IPNetwork]

Kind = Literal["denied", "invalid", "limit", "network", "timeout"]


@dataclass(frozen=True)
class EgressOptions:
    """Host-side settings of the egress gateway, the same for every execution of a Sandbox.

    Raises:
        ConfigurationError: a cap is negative or zero where it must be positive.

    """

    allow_private_networks: PrivateNetworks = False
    """The non-public ranges guests may reach (for an allowed host): a list of CIDRs such as
    `["127.0.0.1/32", "10.1.0.0/16", "fd00:1::/64"]`, True for every loopback, private
    (RFC 1918, fc00::/7), link-local, shared and other non-public range, or False (the default)
    for none. This is the Sandbox owner's choice alone: an allow entry naming a private IP
    (`127.0.0.3`, `[::1]`) reaches it only inside these ranges. Cloud metadata addresses
    (169.254.169.254, fd00:ec2::254, ...) and names (metadata.google.internal) are refused
    always, even inside an opened range. An IPv4-mapped IPv6 address is judged by the IPv4
    address it carries. A list is stored as a tuple of `ipaddress` networks."""
    allow_wildcard_credentials: bool = False
    """Let an http.allow entry with `auth` be a wildcard (`*.example.com`). Default False: such
    a request is refused before any guest starts, since the credential would go to every
    subdomain, whoever runs it."""
    max_redirects: int = 5
    """Redirects the gateway follows for one request; one more is a `limit` error. 0: none."""
    max_requests_per_execution: int = 100
    """Messages one execution may send; each later one gets a `limit` error."""
    max_request_body_bytes: int = 10 * MiB
    """The largest request body a guest may send, in bytes. Default 10 MiB."""
    max_response_body_bytes: int = 10 * MiB
    """The largest response body passed back, in bytes; a larger one is cut off and the
    request fails with a `limit` error. Default 10 MiB."""
    request_timeout_s: float = 30.0
    """Seconds one request may take, redirects included. Each request is also bounded by the
    message's `timeout_s` and by the time the execution has left. Default 30."""
    ca_bundle: str | os.PathLike[str] | None = None
    """A PEM file of CA certificates to trust instead of the system's. Default: the system's."""
    ssl_context: ssl.SSLContext | None = None
    """An SSL context to use instead (tests). The gateway forces CERT_REQUIRED on it and
    turns its `check_hostname` off, because it checks the name itself (urllib3
    `assert_hostname`) against the host of the URL."""
    upstream: Upstream | None = None
    """What sends each request hop once the gateway has allowed it: an object with
    `send(UpstreamRequest) -> UpstreamResponse` (see `embedsandbox.testing`). Default None:
    urllib3, connecting only to the addresses the gateway checked, with `ca_bundle` and
    `ssl_context` above (which another upstream does not use). Every check of the gateway
    (the allowlist, address checks, credentials, redirects, caps, redaction) runs in front of
    any upstream. For tests: `embedsandbox.testing.MockUpstream` answers from scripted routes
    and records what reached it, and never opens a socket."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "allow_private_networks", _networks(self.allow_private_networks))
        if not isinstance(self.allow_wildcard_credentials, bool):
            msg = "EgressOptions.allow_wildcard_credentials must be True or False"
            raise ConfigurationError(msg)
        for name in ("max_redirects",):
            if getattr(self, name) < 0:
                msg = f"EgressOptions.{name} must be 0 or more, not {getattr(self, name)!r}"
                raise ConfigurationError(msg)
        for name in (
            "max_requests_per_execution",
            "max_request_body_bytes",
            "max_response_body_bytes",
            "request_timeout_s",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not value > 0 or not math.isfinite(value):
                msg = f"EgressOptions.{name} must be a positive number, not {value!r}"
                raise ConfigurationError(msg)
        if self.ca_bundle is not None and not os.path.isfile(self.ca_bundle):
            msg = f"EgressOptions.ca_bundle {os.fspath(self.ca_bundle)!r} is not a file"
            raise ConfigurationError(msg)
        if self.upstream is not None and not callable(getattr(self.upstream, "send", None)):
            msg = (
                f"EgressOptions.upstream must have a send(request) method (the Upstream "
                f"protocol), not {_short(self.upstream)}; leave it None for urllib3"
            )
            raise ConfigurationError(msg)

    @property
    def private_networks(self) -> tuple[IPNetwork, ...]:
        """The non-public ranges opened: every range for True, none for False."""
        value = self.allow_private_networks
        if value is True:
            return ALL_NETWORKS
        if value is False:
            return ()
        return tuple(value)  # type: ignore[arg-type]  # networks, after __post_init__

    def with_private_networks(self, extra: PrivateNetworks) -> EgressOptions:
        """These options with `extra` ranges opened too (True: all of them)."""
        extra = _networks(extra)
        current = self.allow_private_networks
        if extra is False or current is True:
            return self
        if extra is True or current is False:
            return dataclasses.replace(self, allow_private_networks=extra)
        merged = tuple(dict.fromkeys((*current, *extra)))
        return dataclasses.replace(self, allow_private_networks=merged)


def _networks(value: object) -> bool | tuple[IPNetwork, ...]:
    """`allow_private_networks` checked: a bool, or a tuple of networks (never empty)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | frozenset | set):
        msg = (
            "EgressOptions.allow_private_networks must be True, False or a list of CIDRs "
            f"such as ['127.0.0.1/32'], not {_short(value)}"
        )
        raise ConfigurationError(msg)
    networks: list[IPNetwork] = []
    for item in value:
        if isinstance(item, ipaddress.IPv4Network | ipaddress.IPv6Network):
            networks.append(item)
            continue
        if not isinstance(item, str):
            msg = f"EgressOptions.allow_private_networks: {_short(item)} is not a CIDR string"
            raise ConfigurationError(msg)
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=True))
        except ValueError as exc:
            msg = (
                f"EgressOptions.allow_private_networks: {item!r} is not a network such as "
                f"'127.0.0.1/32' or 'fd00::/8' ({exc})"
            )
            raise ConfigurationError(msg) from None
    return tuple(dict.fromkeys(networks)) or False


def resolve_policy(
    http: HTTP | None, secrets: SecretStore | None, options: EgressOptions | None = None
) -> EgressPolicy:
    """Check an execution's `http` policy and reveal its secrets; call before any guest starts.

    Raises:
        RequestValidationError: a host cannot be parsed, an auth is incomplete, ambiguous or
            holds a value a request cannot carry, or sits on a wildcard entry while
            `options.allow_wildcard_credentials` is off.
        NotFoundError: an auth names a `secret_id` that does not exist.

    """
    wildcard = options is not None and options.allow_wildcard_credentials
    return EgressPolicy.resolve(http, secrets, wildcard_credentials=wildcard)


class _Refused(Exception):
    """A request ends with an error reply. The message is safe to show to the guest."""

    def __init__(self, kind: Kind, message: str, *, recorded: bool = False) -> None:
        super().__init__(message)
        self.kind: Kind = kind
        self.message = message
        self.recorded = recorded
        """Whether `Gateway.log` already has an entry for this failure."""


class _Denied(_Refused):
    def __init__(self, message: str, *, recorded: bool = False) -> None:
        super().__init__("denied", message, recorded=recorded)


class _Invalid(_Refused):
    def __init__(self, message: str, *, recorded: bool = False) -> None:
        super().__init__("invalid", message, recorded=recorded)


class _Limit(_Refused):
    def __init__(self, message: str, *, recorded: bool = False) -> None:
        super().__init__("limit", message, recorded=recorded)


class _Network(_Refused):
    def __init__(self, message: str, *, recorded: bool = False) -> None:
        super().__init__("network", message, recorded=recorded)


class _Timeout(_Refused):
    def __init__(self, message: str, *, recorded: bool = False) -> None:
        super().__init__("timeout", message, recorded=recorded)


@dataclass
class _Request:
    method: str
    url: URL
    headers: list[tuple[str, str]]
    body: bytes | None
    timeout_s: float | None


class Gateway:
    """The egress gateway of one execution.

    Args:
        http: The execution's policy; None or no entries means no network at all.
        secrets: Where `secret_id`s in the policy are looked up.
        options: Host-side settings; default `EgressOptions()`.
        deadline: The `time.monotonic()` value at which the execution ends; no request runs
            past it. None: only `request_timeout_s` bounds requests.

    Raises:
        RequestValidationError, NotFoundError: as `resolve_policy`, before any guest starts.

    Attributes:
        log: One entry per request hop, in order, for the execution's record: `method`, `host`
            (as in a URL, `[v6]` in brackets, None if the message had no valid URL), `port`, and
            `status` (int) or `error` (the reply's kind). Never a URL, header or credential.

    """

    def __init__(
        self,
        http: HTTP | None,
        secrets: SecretStore | None = None,
        options: EgressOptions | None = None,
        deadline: float | None = None,
    ) -> None:
        self._options = options if options is not None else EgressOptions()
        self._policy = resolve_policy(http, secrets, self._options)
        self._deadline = deadline
        self._lock = threading.Lock()
        self._count = 0
        self._upstream: Upstream = (
            Urllib3Upstream(
                ca_bundle=self._options.ca_bundle, ssl_context=self._options.ssl_context
            )
            if self._options.upstream is None
            else self._options.upstream
        )
        # An upstream may answer name lookups itself (MockUpstream); its answers are checked
        # exactly as DNS answers are.
        self._lookup: Callable[[str, int, float], Sequence[str | IPAddress]] | None = getattr(
            self._options.upstream, "resolve", None
        )
        self.log: list[dict[str, Any]] = []
        # Redacted from anything the upstream sends back and from every error message.
        self._echo_values = [
            value for value in self._policy.secret_values if len(value) >= MIN_ECHO_REDACT_CHARS
        ]

    @classmethod
    def check(
        cls, http: HTTP | None, secrets: SecretStore | None, options: EgressOptions | None = None
    ) -> None:
        """Validate a policy without building a gateway (same errors as `resolve_policy`)."""
        resolve_policy(http, secrets, options)

    @property
    def requests_made(self) -> int:
        """Messages handled so far, refused ones included."""
        return self._count

    @property
    def redaction_values(self) -> tuple[str, ...]:
        """Every credential value this gateway may inject, in every form it injects it.

        For the Sandbox to `redact()` from what it stores. Host side only: never show these.
        """
        return self._policy.secret_values

    def __repr__(self) -> str:
        return (
            f"Gateway(allow=[{self._policy.describe()}], requests_made={self._count}, "
            f"options={self._options!r})"
        )

    # -- entry points --------------------------------------------------------------------

    def handle_json(self, raw: bytes | str) -> bytes:
        """`handle()` for a message still in JSON (UTF-8); the reply comes back as JSON."""
        # A message holds the body in base64 plus a URL and headers: anything longer than
        # that could be is refused unread (parsing it would cost the host its size many times).
        cap = self._options.max_request_body_bytes * 4 // 3 + 4 + _MESSAGE_OVERHEAD
        if len(raw) > cap:
            reply = _error(
                "limit",
                f"the egress message is {len(raw)} bytes, more than the {cap} a request body "
                "of EgressOptions.max_request_body_bytes needs",
            )
            self._record(None, None, reply)
            return json.dumps(reply, separators=(",", ":")).encode("utf-8")
        try:
            message: object = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            message = None
            reply = _error("invalid", "the egress message is not valid JSON")
            self._record(None, None, reply)
        else:
            reply = self.handle(message)
        return json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def handle(self, message: object) -> dict[str, Any]:
        """Perform one guest HTTP request (protocol version 1) and return the reply.

        The message is a JSON object::

            {"op": "http", "method": "GET", "url": "https://api.example.com/v1/x?q=1",
             "headers": [["Name", "value"], ...], "body": "<base64>" | null,
             "timeout_s": 5.0}

        `headers`, `body` and `timeout_s` may be left out; other keys are ignored. The reply
        is, on success::

            {"status": 200, "reason": "OK", "url": "<final URL after redirects>",
             "headers": [["Name", "value"], ...], "body": "<base64>"}

        and on failure ``{"error": "<message>", "kind": kind}`` with kind one of `denied`
        (not allowed: host, address, method), `invalid` (a malformed message, URL or
        header), `limit` (a cap: sizes, redirects, request count), `network` (DNS, connect,
        TLS, protocol) or `timeout`. Messages name the host and never a credential.

        Never raises: an unexpected failure is a `network` error reply that says so.
        """
        started = time.monotonic()
        method: str | None = None
        try:
            if isinstance(message, dict) and isinstance(message.get("method"), str):
                method = message["method"][:32]
            with self._lock:
                self._count += 1
                count = self._count
            if count > self._options.max_requests_per_execution:
                cap = self._options.max_requests_per_execution
                msg = (
                    f"this execution has made its {cap} HTTP requests "
                    "(EgressOptions.max_requests_per_execution); no more are allowed"
                )
                raise _Limit(msg)
            request = self._parse(message)
            return self._fetch(request, started)
        except _Refused as refused:
            reply = _error(refused.kind, self._scrub(refused.message))
            if not refused.recorded:
                self._record(method, None, reply)
            return reply
        except Exception as exc:  # never raise into the guest: a bug must not end the run
            reply = _error(
                "network",
                f"the egress gateway failed unexpectedly ({type(exc).__name__}); "
                "this is a bug in embedsandbox, please report it",
            )
            self._record(method, None, reply)
            return reply

    # -- the message ---------------------------------------------------------------------

    def _parse(self, message: object) -> _Request:
        if not isinstance(message, dict):
            msg = "the egress message must be a JSON object"
            raise _Invalid(msg)
        op = message.get("op")
        if op != "http":
            msg = (
                f"unknown egress op {_short(op)}; this host speaks protocol "
                f"{PROTOCOL_VERSION}, whose only op is 'http'"
            )
            raise _Invalid(msg)
        method = message.get("method")
        if not isinstance(method, str) or len(method) > 32 or not HEADER_TOKEN.fullmatch(method):
            msg = f"method {_short(method)} is not a valid HTTP method"
            raise _Invalid(msg)
        if method.upper() in _NORMALIZED_METHODS | _FORBIDDEN_METHODS:
            method = method.upper()
        if method in _FORBIDDEN_METHODS:
            msg = f"method {method!r} is not allowed through the gateway"
            raise _Denied(msg)
        try:
            url = parse_url(message.get("url"))  # type: ignore[arg-type]
        except InvalidURL as exc:
            msg = f"invalid URL: {exc}"
            raise _Invalid(msg) from None
        headers = _check_routing(_parse_headers(message.get("headers")), url)
        body = self._parse_body(message.get("body"))
        timeout_s = message.get("timeout_s")
        if timeout_s is not None and (
            isinstance(timeout_s, bool)
            or not isinstance(timeout_s, int | float)
            or not math.isfinite(timeout_s)
            or timeout_s <= 0
        ):
            msg = "timeout_s must be a positive number of seconds"
            raise _Invalid(msg)
        return _Request(method, url, headers, body, None if timeout_s is None else float(timeout_s))

    def _parse_body(self, body: object) -> bytes | None:
        if body is None:
            return None
        if not isinstance(body, str):
            msg = "the body must be a base64 string or null"
            raise _Invalid(msg)
        cap = self._options.max_request_body_bytes
        size = len(body) // 4 * 3 - (2 if body.endswith("==") else 1 if body.endswith("=") else 0)
        if size > cap:
            msg = (
                f"the request body is {size} bytes, over the {cap}-byte cap "
                "(EgressOptions.max_request_body_bytes)"
            )
            raise _Limit(msg)
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            msg = "the body is not valid base64"
            raise _Invalid(msg) from None

    # -- the request ---------------------------------------------------------------------

    def _budget(self, request: _Request, started: float) -> tuple[float, str]:
        bounds = [(self._options.request_timeout_s, "EgressOptions.request_timeout_s")]
        if request.timeout_s is not None:
            bounds.append((request.timeout_s, "the request's timeout_s"))
        if self._deadline is not None:
            bounds.append((self._deadline - started, "the execution's remaining time"))
        limit_s, bound = min(bounds)
        if limit_s <= 0:
            msg = "the execution has no time left for an HTTP request"
            raise _Timeout(msg)
        return limit_s, bound

    def _fetch(self, request: _Request, started: float) -> dict[str, Any]:
        limit_s, bound = self._budget(request, started)
        deadline = started + limit_s
        timed_out = f"timed out after {limit_s:.3g} s ({bound})"
        url, method, body = request.url, request.method, request.body
        headers = list(request.headers)
        earlier: list[tuple[AllowRule, Credentials]] = []  # hops whose credentials were sent
        redirects = 0
        while True:
            try:
                rule = self._allowed(url)
                url = _without_foreign_credentials(url, rule, earlier)
                addresses = self._addresses(url, rule, deadline, timed_out)
                credentials = rule.credentials
                wire_url = credentials.apply_query(url) if credentials else url
                if credentials is not None:
                    earlier.append((rule, credentials))
                hop = UpstreamRequest(
                    method=method,
                    url=str(wire_url),
                    scheme=url.scheme,
                    host=url.host if isinstance(url.host, str) else url.host.compressed,
                    port=url.port,
                    target=wire_url.target,
                    headers=_wire_headers(headers, credentials, url),
                    body=body,
                    addresses=tuple(addresses),
                    deadline=deadline,
                    max_response_body_bytes=self._options.max_response_body_bytes,
                )
                response = self._send(hop, url, timed_out)
                location = response.header("Location")
                if response.status not in REDIRECT_STATUSES or location is None:
                    reply = self._reply(response, url, credentials)
                    self._record(method, url, reply)
                    return reply
                self._record(method, url, {"status": response.status})
                if redirects >= self._options.max_redirects:
                    msg = (
                        f"host {url.authority!r} redirected more than "
                        f"{self._options.max_redirects} times (EgressOptions.max_redirects)"
                    )
                    raise _Limit(msg)
                redirects += 1
                try:
                    next_url = join_url(url, location)
                except InvalidURL as exc:
                    msg = f"host {url.authority!r} redirected to an invalid URL: {exc}"
                    raise _Network(msg) from None
                if (response.status == 303 and method != "HEAD") or (
                    response.status in (301, 302) and method == "POST"
                ):
                    method, body = "GET", None
                    headers = [h for h in headers if h[0].lower() not in _BODY_HEADERS]
                if not _same_origin_for_credentials(url, next_url):
                    # the guest's own credentials are for the host it named, not this one
                    headers = [h for h in headers if h[0].lower() not in _CROSS_ORIGIN_DROPPED]
                url = next_url
            except _Refused as refused:
                if not refused.recorded:
                    self._record(method, url, _error(refused.kind, ""))
                    refused.recorded = True
                raise

    def _allowed(self, url: URL) -> AllowRule:
        rule = self._policy.match(url.host, url.port, url.scheme)
        if rule is not None:
            return rule
        host = url.authority
        if not self._policy.rules:
            msg = (
                f"host {host!r} is not allowed: this execution has no http.allow "
                "entries, so it has no network access"
            )
            raise _Denied(msg)
        portless = next(
            (r for r in self._policy.rules if r.pattern.matches(url.host, url.port)), None
        )
        if portless is not None:
            default = DEFAULT_PORTS[url.scheme]
            msg = (
                f"host {host!r} is not allowed: http.allow entry {portless.pattern.text!r} has "
                f"auth and names no port, so it admits only port {default} for {url.scheme}; "
                f"name the port ('{format_host(url.host)}:{url.port}') or write ':*' to send "
                "its credential there"
            )
            raise _Denied(msg)
        msg = (
            f"host {host!r} is not allowed by this execution's http.allow "
            f"(allowed: {self._policy.describe()})"
        )
        raise _Denied(msg)

    def _addresses(
        self, url: URL, rule: AllowRule, deadline: float, timed_out: str
    ) -> list[IPAddress]:
        host = url.authority
        if isinstance(url.host, str):
            if url.host in METADATA_HOST_NAMES:
                msg = f"host {host!r} is a cloud metadata service, which guests may not reach"
                raise _Denied(msg)
            try:
                addresses = self._resolve(url.host, url.port, deadline - time.monotonic())
            except ResolutionTimeout:
                msg = f"looking up host {host!r} {timed_out}"
                raise _Timeout(msg) from None
            except OSError:
                msg = f"could not resolve host {host!r}"
                raise _Network(msg) from None
            subject = f"host {host!r} resolves to {{address}}, which is"
        else:
            addresses = [url.host]
            subject = f"host {host!r} is"
        opened = self._options.private_networks
        for address in addresses:
            where = subject.format(address=address)
            if is_metadata(address):
                msg = f"{where} a cloud metadata address, which guests may never reach"
                raise _Denied(msg)
            why = refusal(address)
            if why is not None and not opted_in(address, opened):
                msg = (
                    f"{where} {why}, outside the private ranges the Sandbox's owner opened"
                    if opened
                    else f"{where} {why}, and the Sandbox's owner opened no private range"
                ) + (
                    "; only the owner opens one (EgressOptions.allow_private_networks), "
                    "never an http.allow entry"
                )
                raise _Denied(msg)
        return addresses

    def _resolve(self, name: str, port: int, timeout_s: float) -> list[IPAddress]:
        if self._lookup is None:
            return resolve(name, port, timeout_s)
        try:
            found = self._lookup(name, port, timeout_s)
            answers = [ipaddress.ip_address(answer) for answer in found]
        except (OSError, ResolutionTimeout):
            raise
        except Exception as exc:  # an answer that is no address, or the upstream's own bug
            msg = f"the upstream's lookup of {name!r} failed ({type(exc).__name__})"
            raise OSError(msg) from None
        if not answers:
            msg = f"no address for {name!r}"
            raise OSError(msg)
        return list(dict.fromkeys(answers))

    def _send(self, hop: UpstreamRequest, url: URL, timed_out: str) -> UpstreamResponse:
        host = url.authority
        try:
            response = self._upstream.send(hop)
        except UpstreamError as exc:
            if exc.timeout:
                msg = f"the request to host {host!r} {timed_out}"
                raise _Timeout(msg) from None
            raise _Network(exc.message) from None
        except Exception as exc:  # another upstream's bug: a reply, never a raise into the guest
            msg = f"the request to host {host!r} failed in the upstream ({type(exc).__name__})"
            raise _Network(msg) from None
        if not isinstance(response, UpstreamResponse):
            msg = (
                f"the upstream answered the request to host {host!r} with a "
                f"{type(response).__name__}, not an UpstreamResponse"
            )
            raise _Network(msg)
        if time.monotonic() >= hop.deadline:
            msg = f"the request to host {host!r} {timed_out}"
            raise _Timeout(msg)
        return response

    def _reply(
        self, response: UpstreamResponse, url: URL, credentials: Credentials | None
    ) -> dict[str, Any]:
        host = url.authority
        cap = self._options.max_response_body_bytes
        declared = response.header("Content-Length") or ""
        if declared.isdigit() and int(declared) > cap:
            msg = (
                f"the response from host {host!r} is {int(declared)} bytes, over the "
                f"{cap}-byte cap (EgressOptions.max_response_body_bytes)"
            )
            raise _Limit(msg)
        data = response.body
        if len(data) > cap:
            msg = (
                f"the response from host {host!r} is larger than the {cap}-byte cap "
                "(EgressOptions.max_response_body_bytes); it was cut off"
            )
            raise _Limit(msg)
        echo = [value.encode() for value in self._echo_values]
        redacted = redact_bytes(data, echo)
        connection_named = {
            token.strip().lower()
            for name, value in response.headers
            if name.lower() == "connection"
            for token in value.split(",")
        }
        reply_headers: list[list[str]] = []
        for name, value in response.headers:
            lower = name.lower()
            if lower in HOP_BY_HOP or lower in connection_named:
                continue
            if lower == "content-length" and redacted != data:
                value = str(len(redacted))
            reply_headers.append([name, self._scrub(value)])
        shown = url
        if credentials is not None and credentials.query is not None:
            shown = url.with_query(remove_query_key(url.query, credentials.query[0]))
        return {
            "status": response.status,
            "reason": self._scrub(response.reason),
            "url": self._scrub(str(shown)),
            "headers": reply_headers,
            "body": base64.b64encode(redacted).decode("ascii"),
        }

    # -- bookkeeping ---------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        return redact(text, self._echo_values)

    def _record(self, method: str | None, url: URL | None, reply: dict[str, Any]) -> None:
        entry: dict[str, Any] = {
            "method": method,
            "host": None if url is None else format_host(url.host),
            "port": None if url is None else url.port,
        }
        if "error" in reply:
            entry["error"] = reply["kind"]
        else:
            entry["status"] = reply["status"]
        with self._lock:
            self.log.append(entry)


def _error(kind: Kind, message: str) -> dict[str, Any]:
    return {"error": message, "kind": kind}


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _parse_headers(raw: object) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(
        isinstance(pair, list | tuple)
        and len(pair) == 2
        and isinstance(pair[0], str)
        and isinstance(pair[1], str)
        for pair in raw
    ):
        msg = "headers must be a list of [name, value] pairs of strings"
        raise _Invalid(msg)
    if len(raw) > MAX_HEADERS:
        msg = f"the request has {len(raw)} headers, more than {MAX_HEADERS}"
        raise _Limit(msg)
    total = sum(len(name) + len(value) for name, value in raw)
    if total > MAX_HEADER_BYTES:
        msg = f"the request's headers are over {MAX_HEADER_BYTES} bytes"
        raise _Limit(msg)
    headers: list[tuple[str, str]] = []
    for name, value in raw:
        if any(char in name for char in "\r\n\x00"):
            msg = f"header name {_short(name)} contains a CR, LF or NUL character; refused"
            raise _Invalid(msg)
        if not HEADER_TOKEN.fullmatch(name):
            msg = f"header name {_short(name)} is not a valid header name"
            raise _Invalid(msg)
        if any(char in value for char in "\r\n\x00"):
            msg = f"the value of header {name!r} contains a CR, LF or NUL character; refused"
            raise _Invalid(msg)
        if any(ord(char) < 0x20 and char != "\t" or ord(char) == 0x7F for char in value):
            msg = f"the value of header {name!r} contains a control character"
            raise _Invalid(msg)
        if any(ord(char) > 0xFF for char in value):
            msg = (
                f"the value of header {name!r} has a character above U+00FF; header values "
                "are bytes, one character per byte (latin-1)"
            )
            raise _Invalid(msg)
        headers.append((name, value))
    # hop-by-hop headers, and those listed in Connection, belong to the guest's own
    # (pretend) connection; Host, Content-Length and Expect are the gateway's to set
    named = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
    }
    dropped = (HOP_BY_HOP | GATEWAY_HEADERS | named) - {"host"}
    return [
        (name, value)
        for name, value in headers
        if name.lower() not in dropped
        or name.lower().replace("_", "-") in ROUTING_HEADERS
        or name.lower().replace("_", "-").startswith(ROUTING_PREFIXES)
    ]


def _check_routing(headers: list[tuple[str, str]], url: URL) -> list[tuple[str, str]]:
    """Refuse a guest's headers that could route the request elsewhere than its URL.

    The destination and its credential follow the URL, never a header.
    A `Host` that names the URL's own host and port is dropped (the gateway writes its own);
    another `Host`, or any `Forwarded`, `X-Forwarded-*`, `X-Real-IP`, `Proxy-*`-style header,
    refuses the request. Called on the headers as the guest sent them.
    """
    kept: list[tuple[str, str]] = []
    for name, value in headers:
        lower = name.lower()
        # `X_Forwarded_For` is `X-Forwarded-For` to servers that map headers to CGI names
        canonical = lower.replace("_", "-")
        if canonical in ROUTING_HEADERS or canonical.startswith(ROUTING_PREFIXES):
            msg = (
                f"header {name!r} is not allowed: the gateway decides where a request goes "
                "and what the upstream learns about it"
            )
            raise _Invalid(msg)
        if lower == "host":
            if not _same_authority(value, url):
                msg = (
                    f"the Host header {_short(value)} does not name the URL's host "
                    f"{url.authority!r}; the request goes where its URL says, so the gateway "
                    "refuses a Host that says otherwise"
                )
                raise _Invalid(msg)
            continue
        kept.append((name, value))
    return kept


def _same_authority(value: str, url: URL) -> bool:
    text = value.strip(" \t")
    if not text or any(char in text for char in "@/\\?#%"):
        return False
    try:
        parsed = parse_url(f"{url.scheme}://{text}/")
    except InvalidURL:
        return False
    return (parsed.host, parsed.port) == (url.host, url.port)


def _wire_headers(
    headers: list[tuple[str, str]], credentials: Credentials | None, url: URL
) -> tuple[tuple[str, str], ...]:
    """The headers sent: Host from the URL, the guest's, then the credentials.

    A credential header replaces any guest header of the same name (case-insensitive).
    """
    injected = credentials.headers if credentials is not None else ()
    names = {name.lower() for name, _ in injected}
    kept = tuple((name, value) for name, value in headers if name.lower() not in names)
    return (("Host", url.authority), *kept, *injected)


def _without_foreign_credentials(
    url: URL, rule: AllowRule, earlier: list[tuple[AllowRule, Credentials]]
) -> URL:
    """`url` without credentials that earlier hops' entries injected, for another entry's hop.

    An upstream that echoes its query string into a Location would otherwise hand the
    credential of one allow entry to the host of another. A query parameter that carries one
    is dropped; any other trace of one (path, other parameters) refuses the hop.
    """
    for previous, credentials in earlier:
        if previous is rule:
            continue
        if credentials.query is not None:
            key, value = credentials.query
            kept = [
                part
                for part in (url.query or "").split("&")
                if urllib.parse.unquote_plus(part.partition("=")[2]) != value
                or urllib.parse.unquote_plus(part.partition("=")[0]) != key
            ]
            if url.query is not None:
                url = url.with_query("&".join(kept))
        text = str(url)
        decoded = urllib.parse.unquote_plus(text)
        for value in credentials.values:
            if len(value) >= MIN_ECHO_REDACT_CHARS and (value in text or value in decoded):
                msg = (
                    f"a redirect to host {url.authority!r} carries in its URL a credential "
                    f"meant for http.allow host {previous.pattern.text!r}; refused"
                )
                raise _Denied(msg)
    return url


def _same_origin_for_credentials(old: URL, new: URL) -> bool:
    if old.origin() == new.origin():
        return True
    # an upgrade from http to https on the default ports keeps them (as requests does)
    return (
        old.host == new.host
        and old.scheme == "http"
        and old.default_port
        and new.scheme == "https"
        and new.default_port
    )
