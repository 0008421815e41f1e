"""The HTTP upstream: what sends one checked request hop and reads its response.

The `Gateway` does everything that decides (message checks, the allowlist, name resolution
and address checks, credentials, redirects, caps, redaction) and then hands each hop, as an
`UpstreamRequest`, to the `Upstream` of its `EgressOptions`. The default, `Urllib3Upstream`,
connects over TCP (and TLS) to the addresses the gateway checked and to nothing else.
`embedsandbox.testing.MockUpstream` answers from scripted routes instead, so tests need no
network; the gateway's checks run in front of it all the same.
"""

from __future__ import annotations

import functools
import http
import json
import os
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol

from ._addresses import IPAddress
from ._policy import DEFAULT_PORTS, format_host

if TYPE_CHECKING:
    # urllib3 (with http.client, email and ssl) costs tens of milliseconds to import: it is
    # loaded on a guest's first HTTP request, not with embedsandbox.
    import ssl

    from urllib3.connection import HTTPConnection
    from urllib3.response import BaseHTTPResponse

__all__ = [
    "REDIRECT_STATUSES",
    "Upstream",
    "UpstreamError",
    "UpstreamRequest",
    "UpstreamResponse",
    "Urllib3Upstream",
]

REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
"""The statuses the gateway follows when the response has a `Location`."""
_READ_CHUNK: Final = 64 << 10


def _header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    lower = name.lower()
    values = [value for key, value in headers if key.lower() == lower]
    return ", ".join(values) if values else None


@dataclass(frozen=True, slots=True)
class UpstreamRequest:
    """One request hop, after every check of the gateway: what an `Upstream` sends.

    It carries the credentials the gateway injected (in `headers`, or in `url`'s query), so
    it lives on the host side only; its `repr` shows neither header values nor the query.
    """

    method: str
    """The method, upper case for the standard ones (`GET`, `POST`, ...)."""
    url: str
    """The absolute URL as sent, query credential included: `scheme://authority/target`."""
    scheme: str
    """`http` or `https`."""
    host: str
    """The URL's host: an ASCII (IDNA) name, or an IP address without brackets. HTTPS
    certificates must be valid for it."""
    port: int
    """The port to connect to (the scheme's default when the URL names none)."""
    target: str
    """The request target: the path and, when there is one, `?` and the query."""
    headers: tuple[tuple[str, str], ...]
    """The headers to send, in order: `Host` first, then the guest's (cleaned), then the
    injected credentials."""
    body: bytes | None
    """The request body, or None for none."""
    addresses: tuple[IPAddress, ...]
    """The addresses the gateway resolved and checked, in the order to try: connect to one of
    these and to nothing else (never look the name up again)."""
    deadline: float
    """The `time.monotonic()` value by which the hop must have ended."""
    max_response_body_bytes: int
    """The response body cap. Reading one byte more than this is enough: the gateway refuses a
    larger body whatever the upstream returns."""

    @property
    def authority(self) -> str:
        """`host[:port]` as in the `Host` header: the port only when not the default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS.get(self.scheme) else f"{host}:{self.port}"

    @property
    def remaining_s(self) -> float:
        """Seconds left until `deadline` (negative once it has passed)."""
        return self.deadline - time.monotonic()

    def header(self, name: str) -> str | None:
        """The value of header `name` (case-insensitive; repeats joined by `, `), or None."""
        return _header(self.headers, name)

    def __repr__(self) -> str:
        # No header value and no query: either may hold a credential.
        names = [name for name, _ in self.headers]
        shown = f"{self.scheme}://{self.authority}{self.target.partition('?')[0]}"
        size = None if self.body is None else len(self.body)
        return (
            f"UpstreamRequest(method={self.method!r}, url={shown!r}, headers={names!r}, "
            f"body_bytes={size!r})"
        )


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    """What an `Upstream` got back for one hop.

    The gateway checks it as it checks a real server's answer: the body against
    `EgressOptions.max_response_body_bytes` (and a declared `Content-Length` over it), hop-by-hop
    headers dropped, credential values (8 characters or more) redacted before the guest sees
    anything. A redirect status with a `Location` is followed by the gateway, which checks the
    next hop again; its body is never used.

    Raises:
        TypeError: `status` is not an int or `body` is not bytes.

    """

    status: int = 200
    """The HTTP status code."""
    headers: Sequence[tuple[str, str]] = ()
    """(name, value) pairs in the order received; a repeated header appears once per value."""
    body: bytes = b""
    """The body as received (still compressed if `Content-Encoding` says so)."""
    reason: str = ""
    """The reason phrase the server sent ("" for none)."""

    def __post_init__(self) -> None:
        if isinstance(self.status, bool) or not isinstance(self.status, int):
            msg = f"UpstreamResponse.status must be an int, not {self.status!r}"
            raise TypeError(msg)
        if not isinstance(self.body, bytes):
            msg = f"UpstreamResponse.body must be bytes, not {type(self.body).__name__}"
            raise TypeError(msg)
        object.__setattr__(self, "headers", tuple((str(k), str(v)) for k, v in self.headers))

    @classmethod
    def with_json(
        cls, value: Any, *, status: int = 200, headers: Sequence[tuple[str, str]] = ()
    ) -> UpstreamResponse:
        """A response whose body is `value` as JSON, with `Content-Type: application/json`."""
        body = json.dumps(value).encode("utf-8")
        return cls(status, (("Content-Type", "application/json"), *headers), body)

    def header(self, name: str) -> str | None:
        """The value of header `name` (case-insensitive; repeats joined by `, `), or None."""
        return _header(self.headers, name)


class UpstreamError(Exception):
    """The upstream could not complete the hop (connect, TLS, protocol, time).

    The guest gets an error reply of kind `network` with this message (credential values
    redacted), or of kind `timeout` with the gateway's own message when `timeout` is set. Any
    other exception from `Upstream.send` becomes a `network` reply that names only its type.
    """

    def __init__(self, message: str, *, timeout: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.timeout = timeout


class Upstream(Protocol):
    """Sends one request hop for the egress gateway: `EgressOptions(upstream=...)`.

    The gateway calls `send` only for a request it has allowed, with the credentials already
    injected and the addresses already checked; it follows redirects itself, so `send` must
    not. Called from several threads at once (one per running guest). An upstream may also
    define `resolve(host, port, timeout_s)` returning the addresses of a name, to answer
    lookups instead of DNS (`MockUpstream` does, so tests need no network); its answers pass
    the same address checks as DNS answers.
    """

    def send(self, request: UpstreamRequest, /) -> UpstreamResponse:
        """Send `request` to one of `request.addresses` and return the response.

        Raises:
            UpstreamError: the hop failed; the guest gets an error reply, the run goes on.

        """
        ...


class Urllib3Upstream:
    """The default upstream: urllib3, to the checked addresses only, TLS verified by the host.

    It reads no proxy variables. HTTPS certificates must be valid for the URL's host (checked
    by name, as SNI sends it, whatever address is connected to). A watchdog shuts the socket at
    the hop's deadline, so a blocked read cannot outlive it.

    Args:
        ca_bundle: A PEM file of CA certificates to trust instead of the system's.
        ssl_context: An SSL context to use instead (tests); `check_hostname` is left to the
            name check above.

    """

    def __init__(
        self,
        *,
        ca_bundle: str | os.PathLike[str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._ca_bundle = None if ca_bundle is None else os.fspath(ca_bundle)
        self._ssl_context = ssl_context
        self._context_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Urllib3Upstream(ca_bundle={self._ca_bundle!r})"

    def send(self, request: UpstreamRequest, /) -> UpstreamResponse:
        """Connect to the first address that answers, send `request` and read the response."""
        from urllib3 import HTTPHeaderDict
        from urllib3.exceptions import NewConnectionError

        headers = HTTPHeaderDict()
        for name, value in request.headers:
            headers.add(name, value)
        last: UpstreamError | None = None
        for address in request.addresses:
            remaining = request.remaining_s
            if remaining <= 0:
                msg = f"the request to host {request.authority!r} timed out"
                raise UpstreamError(msg, timeout=True)
            conn = self._connection(address, request, remaining)
            fired = threading.Event()
            watchdog = threading.Timer(remaining, _cut, (conn, fired))
            watchdog.daemon = True
            watchdog.start()
            try:
                try:
                    conn.connect()
                except Exception as exc:
                    last = _failure(exc, fired, request, address)
                    if not last.timeout and isinstance(exc, NewConnectionError):
                        continue  # nothing was sent: the next address may answer
                    raise last from None
                try:
                    conn.request(
                        request.method,
                        request.target,
                        body=request.body,
                        headers=headers,
                        preload_content=False,
                        decode_content=False,
                    )
                    response = conn.getresponse()
                except Exception as exc:
                    raise _failure(exc, fired, request, address) from None
                try:
                    return _read(response, fired, request)
                finally:
                    response.release_conn()
            finally:
                watchdog.cancel()
                conn.close()
        if last is None:
            msg = f"host {request.authority!r} has no address to connect to"
            raise UpstreamError(msg)
        raise last

    def _connection(
        self, address: IPAddress, request: UpstreamRequest, timeout_s: float
    ) -> HTTPConnection:
        # Connect to the address that was checked, never to the name: no second lookup.
        from urllib3.connection import HTTPConnection, HTTPSConnection

        if request.scheme == "http":
            return HTTPConnection(address.compressed, request.port, timeout=timeout_s)
        return HTTPSConnection(
            address.compressed,
            request.port,
            timeout=timeout_s,
            cert_reqs="CERT_REQUIRED",
            ssl_context=self._context(),
            server_hostname=request.host,  # SNI, and the name the certificate must carry
            assert_hostname=request.host,
        )

    def _context(self) -> ssl.SSLContext:
        with self._context_lock:
            if self._ssl_context is None:
                import ssl

                try:
                    self._ssl_context = _default_context(self._ca_bundle)
                except (OSError, ssl.SSLError):
                    msg = "the host's CA certificates could not be loaded (EgressOptions.ca_bundle)"
                    raise UpstreamError(msg) from None
            return self._ssl_context


def _read(
    response: BaseHTTPResponse, fired: threading.Event, request: UpstreamRequest
) -> UpstreamResponse:
    headers = list(response.headers.iteritems())
    reason = response.reason or ""
    if response.status in REDIRECT_STATUSES and response.headers.get("Location") is not None:
        return UpstreamResponse(response.status, headers, b"", reason)  # the gateway follows it
    cap = request.max_response_body_bytes
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        return UpstreamResponse(response.status, headers, b"", reason)  # refused unread
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= cap:  # one byte over the cap is enough for the gateway to refuse it
            chunk = response.read1(min(_READ_CHUNK, cap + 1 - size), decode_content=False)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size <= cap and time.monotonic() >= request.deadline:
                msg = f"the request to host {request.authority!r} timed out"
                raise UpstreamError(msg, timeout=True)
    except UpstreamError:
        raise
    except Exception as exc:
        raise _failure(exc, fired, request, None) from None
    return UpstreamResponse(response.status, headers, b"".join(chunks), reason)


def _cut(conn: HTTPConnection, fired: threading.Event) -> None:
    """The watchdog: at the request's deadline, shut the socket so a blocked read returns."""
    fired.set()
    sock = conn.sock
    if sock is not None:
        try:
            # the plain socket's shutdown: SSLSocket's would unwrap TLS from this thread
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass


def _failure(
    exc: BaseException,
    fired: threading.Event,
    request: UpstreamRequest,
    address: IPAddress | None,
) -> UpstreamError:
    """The error for an exception from connecting, sending or reading. Names no credential."""
    import http.client
    import ssl

    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError
    from urllib3.util.ssl_match_hostname import CertificateError

    host = request.authority
    if (
        fired.is_set()
        or isinstance(exc, ReadTimeoutError | socket.timeout | TimeoutError)
        or (isinstance(exc, ConnectTimeoutError) and not isinstance(exc, NewConnectionError))
    ):
        return UpstreamError(f"the request to host {host!r} timed out", timeout=True)
    where = host if address is None else f"{host} at {format_host(address)}:{request.port}"
    if isinstance(exc, NewConnectionError):
        cause = exc.__cause__
        reason = cause.strerror if isinstance(cause, OSError) and cause.strerror else "failed"
        return UpstreamError(f"could not connect to host {where}: {reason.lower()}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return UpstreamError(
            f"TLS certificate verification failed for host {host!r}: "
            f"{exc.verify_message or exc.reason}"
        )
    if isinstance(exc, CertificateError):
        return UpstreamError(f"TLS certificate verification failed for host {host!r}: {exc}")
    if isinstance(exc, ssl.SSLError):
        return UpstreamError(f"the TLS handshake with host {host!r} failed: {exc.reason}")
    if isinstance(exc, http.client.HTTPException):
        return UpstreamError(f"host {host!r} sent an invalid HTTP response ({type(exc).__name__})")
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        return UpstreamError(f"the connection to host {where} failed: {reason}")
    return UpstreamError(
        f"the request to host {host!r} failed ({type(exc).__name__}: {str(exc)[:200]})"
    )


@functools.lru_cache(maxsize=8)
def _default_context(ca_bundle: str | None) -> ssl.SSLContext:
    # One context per CA source: loading the system store takes milliseconds.
    import ssl

    return ssl.create_default_context(cafile=ca_bundle)


def standard_reason(status: int) -> str:
    """The standard reason phrase of `status` ("" for an unknown one)."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""
