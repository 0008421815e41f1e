# Runs INSIDE the Python guest: HTTP(S) for http.client, urllib.request, urllib3/requests
# and httpx through the host's egress gateway. The guest has no sockets and no ssl module; instead a
# connection's "socket" collects the request bytes, and when a request is complete it is sent
# through the host door as one message (protocol v1, op "http"); the reply becomes the bytes
# the response parser reads. TLS, redirects, credentials and the allowlist are the host's job.
# `_door` is provided by the bootstrap.
import base64 as _b64
import io as _io

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
}


class GatewayError(OSError):
    """The host's gateway refused or failed the request (the message says why)."""


class GatewayTimeout(GatewayError, TimeoutError):
    """The request ran out of time."""


def _error(reply):
    message = reply.get("error", "the request failed")
    if reply.get("kind") == "timeout":
        return GatewayTimeout(message)
    return GatewayError(message)


def _dechunk(body):
    out = bytearray()
    rest = body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


class DoorSocket:
    """Stands in for a connected socket: buffers one request, answers with the reply's bytes."""

    def __init__(self, scheme, host, port, timeout=None):
        self._scheme = scheme
        self._host = host
        self._port = port
        self._timeout = timeout if isinstance(timeout, (int, float)) else None
        self._out = bytearray()
        self._replies = []
        self.closed = False

    # -- the socket API http.client and urllib3 use
    def sendall(self, data):
        if self.closed:
            raise GatewayError("connection is closed")
        self._out += data
        self._maybe_exchange()

    def send(self, data):
        self.sendall(data)
        return len(data)

    def makefile(self, mode="rb", *args, **kwargs):
        if not self._replies:
            # The request ended without a body length we could see: send what we have.
            self._exchange(bytes(self._out))
            self._out.clear()
        return _io.BytesIO(self._replies.pop(0))

    def settimeout(self, timeout):
        self._timeout = timeout if isinstance(timeout, (int, float)) else None

    def gettimeout(self):
        return self._timeout

    def setsockopt(self, *args):
        return None

    def shutdown(self, how):
        return None

    def close(self):
        self.closed = True

    # -- one complete request -> one door message
    def _maybe_exchange(self):
        head_end = self._out.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = bytes(self._out[:head_end]).decode("latin-1")
        lower = head.lower()
        body = self._out[head_end + 4 :]
        if "\r\ntransfer-encoding: chunked" in lower:
            if not body.endswith(b"0\r\n\r\n"):
                return
        else:
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip() or "0")
            if len(body) < length:
                return
        raw = bytes(self._out)
        self._out.clear()
        self._exchange(raw)

    def _exchange(self, raw):
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = []
        chunked = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip(), value.strip()
            if name.lower() == "transfer-encoding" and value.lower() == "chunked":
                chunked = True
                continue
            # Host (and every other header) goes to the gateway as sent: the gateway refuses
            # a Host that does not name the URL's host, and headers that route requests.
            headers.append([name, value])
        if chunked:
            body = _dechunk(body)
        url = self._url(target)
        message = {
            "method": method,
            "url": url,
            "headers": headers,
            "body": _b64.b64encode(body).decode("ascii") if body else None,
        }
        if self._timeout is not None:
            message["timeout_s"] = self._timeout
        reply = _door("http", **message)  # noqa: F821 - provided by the bootstrap
        if "error" in reply:
            raise _error(reply)
        self._replies.append(_response_bytes(reply))

    def _origin(self):
        host = self._host
        if (
            not isinstance(host, str)
            or not host
            or any(
                char in "/?#@\\%" or char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F
                for char in host
            )
        ):
            raise GatewayError(f"invalid host {host!r} for an HTTP connection")
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # IPv6, as http.client and urllib3 keep it: without brackets
        default = 443 if self._scheme == "https" else 80
        port = default if self._port is None else int(self._port)
        return host, port, default

    def _url(self, target):
        # The request goes to the host this connection was opened for, never to the one a
        # header or an absolute-form target (a proxy request) names.
        host, port, default = self._origin()
        if target.startswith(("http://", "https://")) or "://" in target[:16]:
            import urllib.parse

            parts = urllib.parse.urlsplit(target)
            try:
                target_port = parts.port or default
            except ValueError:
                target_port = None
            same = (
                parts.scheme.lower() == self._scheme
                and (parts.hostname or "").lower() == self._host.strip("[]").lower()
                and target_port == port
                and "@" not in parts.netloc
            )
            if not same:
                raise GatewayError(
                    f"the request names {parts.scheme}://{parts.netloc} but its connection "
                    f"is to {self._scheme}://{host}:{port}; proxies are not supported (the "
                    "host's gateway is the only way out)"
                )
            target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        elif not target.startswith("/"):
            raise GatewayError(f"request target {target[:40]!r} is not a path")
        netloc = host if port == default else f"{host}:{port}"
        return f"{self._scheme}://{netloc}{target}"


def _no_tunnel(connection):
    if getattr(connection, "_tunnel_host", None):
        raise GatewayError(
            "proxies and CONNECT tunnels are not supported: requests go through the host's "
            "gateway to the host the connection was opened for"
        )


def _response_bytes(reply):
    body = _b64.b64decode(reply.get("body") or "")
    status = int(reply["status"])
    reason = reply.get("reason") or ""
    lines = [f"HTTP/1.1 {status} {reason}"]
    for name, value in reply.get("headers", []):
        if name.lower() not in _HOP_BY_HOP:
            lines.append(f"{name}: {value}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def patch_http_client(module):
    base = module.HTTPConnection

    def connect(self):
        _no_tunnel(self)
        self.sock = DoorSocket(self._door_scheme, self.host, self.port, self.timeout)

    base._door_scheme = "http"
    base.connect = connect

    if not hasattr(module, "HTTPSConnection"):

        class HTTPSConnection(base):
            """HTTPS through the host's gateway (TLS is verified by the host)."""

            default_port = module.HTTPS_PORT
            _door_scheme = "https"

            def __init__(self, host, port=None, *args, context=None, **kwargs):
                super().__init__(host, port, *args, **kwargs)

        module.HTTPSConnection = HTTPSConnection
        module.__all__.append("HTTPSConnection")


def patch_urllib_request(module):
    # Without ssl, urllib.request's own HTTPS handler cannot be made (it builds an SSL
    # context); replace it with one on our HTTPSConnection.
    import http.client

    class HTTPSHandler(module.AbstractHTTPHandler):
        def __init__(self, debuglevel=None, context=None, check_hostname=None):
            super().__init__(debuglevel)

        def https_open(self, req):
            return self.do_open(http.client.HTTPSConnection, req)

        https_request = module.AbstractHTTPHandler.do_request_

    # build_opener adds HTTPSHandler by default now that http.client has HTTPSConnection.
    module.HTTPSHandler = HTTPSHandler

    # Request percent-decodes the host (`allowed.test%2e` becomes `allowed.test.`), which
    # would make the host the gateway checks another string than the one the guest wrote:
    # a host with percent-encoding is refused, as the gateway refuses it.
    original_parse = module.Request._parse

    def _parse(self):
        _type, rest = module._splittype(self._full_url)
        raw_host, _selector = module._splithost(rest or "")
        if raw_host and "%" in raw_host.rpartition("@")[2]:
            import urllib.error

            raise urllib.error.URLError(
                f"host {raw_host!r} is percent-encoded, which the egress gateway does not "
                "accept; write the host name itself"
            )
        original_parse(self)

    module.Request._parse = _parse
    if "HTTPSHandler" not in module.__all__:
        module.__all__.append("HTTPSHandler")


def patch_urllib3_connection(module):
    base = module.HTTPConnection

    def _new_conn(self):
        _no_tunnel(self)
        return DoorSocket(self._door_scheme, self.host, self.port, self.timeout)

    def is_connected(self):
        return self.sock is not None and not self.sock.closed

    base._door_scheme = "http"
    base._new_conn = _new_conn
    base.is_connected = property(is_connected)
    accepted = {"timeout", "source_address", "blocksize", "socket_options", "proxy", "proxy_config"}

    class HTTPSConnection(base):
        """HTTPS through the host's gateway: the host verifies the certificate."""

        default_port = 443
        _door_scheme = "https"
        is_verified = True
        proxy_is_verified = None

        def __init__(self, host, port=None, **kwargs):
            super().__init__(host, port, **{k: v for k, v in kwargs.items() if k in accepted})

        def set_cert(self, *args, **kwargs):
            return None

    module.HTTPSConnection = HTTPSConnection
    module.VerifiedHTTPSConnection = HTTPSConnection


def _httpx_send(httpx, request):
    # One request through the door: httpx's transports never open a socket (or need ssl).
    body = request.read()
    headers = [
        [name.decode("latin-1"), value.decode("latin-1")]
        for name, value in request.headers.raw
        if name.lower() not in (b"content-length", b"transfer-encoding")
    ]
    message = {
        "method": request.method,
        "url": str(request.url),
        "headers": headers,
        "body": _b64.b64encode(body).decode("ascii") if body else None,
    }
    timeouts = request.extensions.get("timeout") or {}
    limits = [t for t in (timeouts.get("connect"), timeouts.get("read")) if t is not None]
    if limits:
        message["timeout_s"] = sum(limits)
    reply = _door("http", **message)  # noqa: F821 - provided by the bootstrap
    if "error" in reply:
        error = _error(reply)
        kind = httpx.ReadTimeout if isinstance(error, GatewayTimeout) else httpx.ConnectError
        raise kind(str(error), request=request) from error
    content = _b64.b64decode(reply.get("body") or "")
    response_headers = [
        (name, value)
        for name, value in reply.get("headers", [])
        if name.lower() not in _HOP_BY_HOP  # the body comes as sent: httpx decodes it
    ]
    response_headers.append(("Content-Length", str(len(content))))
    return httpx.Response(
        int(reply["status"]),
        headers=response_headers,
        content=content,
        request=request,
        extensions={
            "reason_phrase": (reply.get("reason") or "").encode("latin-1", "replace"),
            "http_version": b"HTTP/1.1",
        },
    )


def patch_httpx_transports(module):
    # httpx._transports.default: its HTTPTransport/AsyncHTTPTransport keep their names and
    # signatures (Client(transport=...), mounts, proxies) but send through the host's gateway.
    import httpx

    def __init__(self, *args, **kwargs):
        if kwargs.get("proxy") is not None:
            raise GatewayError(
                "proxies are not supported: requests go through the host's gateway to the "
                "host the URL names"
            )

    def handle_request(self, request):
        return _httpx_send(httpx, request)

    async def handle_async_request(self, request):
        return _httpx_send(httpx, request)

    def close(self):
        return None

    async def aclose(self):
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info):
        return None

    sync, asynchronous = module.HTTPTransport, module.AsyncHTTPTransport
    sync.__init__ = asynchronous.__init__ = __init__  # no connection pool, no ssl context
    sync.handle_request, sync.close = handle_request, close
    sync.__enter__, sync.__exit__ = __enter__, __exit__
    asynchronous.handle_async_request, asynchronous.aclose = handle_async_request, aclose
    asynchronous.__aenter__, asynchronous.__aexit__ = __aenter__, __aexit__
