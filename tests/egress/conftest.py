"""Real loopback servers for the egress tests: plain HTTP and HTTPS (a trustme CA), both on
127.0.0.1, recording every request they receive.

Endpoints (any method):
  /echo                       200, JSON of the request as received
  /redirect?to=URL&status=N   N (default 302) with Location: URL
  /bounce?to=URL&...          302 to URL + "?" + this request's whole query (an upstream that
                              echoes its query string, credentials included, into a Location)
  /large?n=N[&chunked=1]      N bytes of b"x" (Content-Length, or chunked without one)
  /slow?delay=S               sleeps S seconds, then 200 "slow"
  /drip?n=N&every=S           N bytes, one every S seconds (chunked)
  /status/N                   status N, body "status N"
  /headers?Name=value...      200 with those response headers
"""

from __future__ import annotations

import base64
import http.server
import json
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme

from embedsandbox._egress import EgressOptions


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


@dataclass
class Server:
    scheme: str
    port: int
    address: str = "127.0.0.1"
    requests: list[Recorded] = field(default_factory=list)

    def url(self, path: str = "/echo", host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.address}:{self.port}{path}"

    @property
    def last(self) -> Recorded:
        assert self.requests, "the server received no request"
        return self.requests[-1]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        record = Recorded(self.command, path, query, list(self.headers.items()), body)
        self.server.record.requests.append(record)
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        if path == "/echo":
            payload = json.dumps(
                {
                    "method": self.command,
                    "path": path,
                    "query": query,
                    "headers": record.headers,
                    "body": base64.b64encode(body).decode(),
                }
            ).encode()
            self._send(200, payload, [("Content-Type", "application/json")])
        elif path == "/redirect":
            self._send(int(params.get("status", "302")), b"", [("Location", params["to"])])
        elif path == "/bounce":
            self._send(302, b"", [("Location", f"{params['to']}?{query}")])
        elif path == "/large":
            n = int(params["n"])
            if params.get("chunked"):
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                step = 1 << 16
                try:
                    for start in range(0, n, step):
                        size = min(step, n - start)
                        self.wfile.write(b"%x\r\n" % size + b"x" * size + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    pass
            else:
                self._send(200, b"x" * n, [])
        elif path == "/slow":
            time.sleep(float(params.get("delay", "5")))
            self._send(200, b"slow", [])
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(int(params["n"])):
                    self.wfile.write(b"1\r\nx\r\n")
                    self.wfile.flush()
                    time.sleep(float(params["every"]))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._send(code, f"status {code}".encode(), [])
        elif path == "/headers":
            self._send(200, b"ok", list(urllib.parse.parse_qsl(query)))
        else:
            self._send(404, b"not found", [])

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if not any(name.lower() == "content-length" for name, _ in headers):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    record: Server
    tls: ssl.SSLContext | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up early (caps, timeouts) are expected here

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        try:
            wrapped = self.tls.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return  # a client that refused our certificate
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()


def _start(
    scheme: str, tls: ssl.SSLContext | None, address: str = "127.0.0.1"
) -> tuple[_Server, Server]:
    server = _Server((address, 0), _Handler)
    server.tls = tls
    server.record = Server(scheme, server.server_address[1], address)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.record


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def _http_server() -> Iterator[Server]:
    server, record = _start("http", None)
    yield record
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def _https_server(ca: trustme.CA) -> Iterator[Server]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    server, record = _start("https", context)
    yield record
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def _neighbour_server() -> Iterator[Server]:
    server, record = _start("http", None, "127.0.0.2")
    yield record
    server.shutdown()
    server.server_close()


@pytest.fixture
def neighbour(_neighbour_server: Server) -> Server:
    """A plain HTTP server on 127.0.0.2, the loopback neighbour of `server`, record emptied."""
    _neighbour_server.requests.clear()
    return _neighbour_server


@pytest.fixture
def server(_http_server: Server) -> Server:
    """The plain HTTP server, its record emptied."""
    _http_server.requests.clear()
    return _http_server


@pytest.fixture
def tls_server(_https_server: Server) -> Server:
    """The HTTPS server (certificate for 'localhost' only, from the `ca` fixture)."""
    _https_server.requests.clear()
    return _https_server


@pytest.fixture
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
def ca_bundle(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def local() -> EgressOptions:
    """Options that reach the loopback servers (all private ranges open)."""
    return EgressOptions(allow_private_networks=True)


@pytest.fixture
def dead_port() -> int:
    """A loopback port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
