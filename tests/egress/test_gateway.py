"""The egress gateway against real loopback servers: every request below goes over a socket.

Each security test names the threat it covers and what contains it.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedsandbox._egress import EgressOptions, Gateway, resolve_policy
from embedsandbox._egress._addresses import refusal
from embedsandbox._secrets import SecretStore
from embedsandbox.errors import ConfigurationError, NotFoundError, RequestValidationError
from embedsandbox.models import HTTP, Auth, BasicAuth, BearerAuth, HeaderAuth, HTTPAllow, QueryAuth

from .conftest import Server

SECRET_BEARER = "tok-9f8e7d6c5b4a39281706"
SECRET_PASSWORD = "pw-1a2b3c4d5e6f7g8h"
SECRET_HEADER = "hdr-0123456789abcdef"
SECRET_QUERY = "qry-fedcba9876543210"
LITERAL_TOKEN = "lit-aabbccddeeff00112233"


def gateway(
    *entries: str | tuple[str, Auth],
    secrets: SecretStore | None = None,
    options: EgressOptions | None = None,
    deadline: float | None = None,
) -> Gateway:
    allow = [
        HTTPAllow(host=e) if isinstance(e, str) else HTTPAllow(host=e[0], auth=e[1])
        for e in entries
    ]
    return Gateway(HTTP(allow=allow), secrets, options, deadline)


def message(
    url: str,
    method: str = "GET",
    headers: list[list[str]] | None = None,
    body: bytes | None = None,
    **extra: Any,
) -> dict[str, Any]:
    msg: dict[str, Any] = {"op": "http", "method": method, "url": url, "headers": headers or []}
    msg["body"] = None if body is None else base64.b64encode(body).decode()
    msg.update(extra)
    return msg


def ok(reply: dict[str, Any]) -> dict[str, Any]:
    assert "error" not in reply, reply
    return reply


def body(reply: dict[str, Any]) -> bytes:
    return base64.b64decode(ok(reply)["body"])


def echoed(reply: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(body(reply))
    return data


def failed(reply: dict[str, Any], kind: str) -> str:
    assert set(reply) == {"error", "kind"}, reply
    assert reply["kind"] == kind, reply
    message: str = reply["error"]
    return message


# -- plain requests ----------------------------------------------------------------------


def test_get_round_trip(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local)
    reply = ok(gw.handle(message(server.url("/echo?q=1"), headers=[["X-Test", "yes"]])))
    assert 200 == reply["status"]
    assert "OK" == reply["reason"]
    assert server.url("/echo?q=1") == reply["url"]
    assert ["Content-Type", "application/json"] in reply["headers"]
    assert "GET" == echoed(reply)["method"]
    assert ["yes"] == server.last.header("X-Test")
    assert [f"127.0.0.1:{server.port}"] == server.last.header("Host")
    assert [{"method": "GET", "host": "127.0.0.1", "port": server.port, "status": 200}] == gw.log


def test_post_body_and_gateway_owned_headers(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local)
    headers = [
        ["Content-Type", "text/plain"],
        ["Content-Length", "999"],
        ["Transfer-Encoding", "chunked"],
        ["host", f"127.0.0.1:{server.port}"],
        ["Connection", "keep-alive, X-Drop-Me"],
        ["X-Drop-Me", "1"],
        ["Keep-Alive", "timeout=5"],
        ["Upgrade", "websocket"],
        ["TE", "trailers"],
        ["Expect", "100-continue"],
    ]
    ok(gw.handle(message(server.url(), "post", headers, b"hello")))
    got = server.last
    assert ("POST", b"hello") == (got.method, got.body)
    assert ["5"] == got.header("Content-Length")
    assert [f"127.0.0.1:{server.port}"] == got.header("Host")
    for name in ("Transfer-Encoding", "X-Drop-Me", "Keep-Alive", "Upgrade", "TE", "Expect"):
        assert [] == got.header(name), name
    assert ["text/plain"] == got.header("Content-Type")


def test_status_codes_and_head_are_replies_not_errors(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local)
    for code in (204, 404, 500, 503):
        reply = ok(gw.handle(message(server.url(f"/status/{code}"))))
        assert code == reply["status"]
    head = ok(gw.handle(message(server.url("/large?n=100"), "HEAD")))
    assert (200, "") == (head["status"], head["body"])
    assert ["Content-Length", "100"] in head["headers"]


def test_response_hop_by_hop_headers_dropped(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local)
    reply = ok(
        gw.handle(message(server.url("/headers?Keep-Alive=timeout%3D5&X-Ok=1&Set-Cookie=a%3D1")))
    )
    names = [name.lower() for name, _ in reply["headers"]]
    assert "keep-alive" not in names
    assert ["X-Ok", "1"] in reply["headers"]
    assert ["Set-Cookie", "a=1"] in reply["headers"]


def test_handle_json(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local)
    reply = json.loads(gw.handle_json(json.dumps(message(server.url())).encode()))
    assert 200 == reply["status"]
    assert "invalid" == json.loads(gw.handle_json(b"{not json"))["kind"]
    # Nested past the parser's recursion limit: an `invalid` reply, never a raise.
    assert "invalid" == json.loads(gw.handle_json(b"[" * 200_000 + b"]" * 200_000))["kind"]


def test_handle_json_refuses_a_message_longer_than_any_request_unread() -> None:
    options = EgressOptions(max_request_body_bytes=3 * 1024)
    gw = gateway("127.0.0.1", options=options)
    cap = 3 * 1024 * 4 // 3 + 4 + (1 << 20)
    reply = json.loads(gw.handle_json(b"x" * (cap + 1)))
    assert "limit" == reply["kind"]
    assert f"more than the {cap}" in reply["error"]
    assert "invalid" == json.loads(gw.handle_json(b"x" * cap))["kind"]  # read: not JSON


# -- credentials -------------------------------------------------------------------------


@pytest.fixture
def store() -> SecretStore:
    return SecretStore()


def test_basic_auth_replaces_the_guests(
    server: Server, local: EgressOptions, store: SecretStore
) -> None:
    """Threat: the guest's own Authorization reaches the upstream next to (or instead of) the
    configured one. Contained: injected headers replace the guest's, case-insensitively."""
    secret = store.create("pw", SECRET_PASSWORD)
    gw = gateway(
        ("127.0.0.1:*", Auth(basic=BasicAuth(user_id="alice", secret_id=secret.id))),
        secrets=store,
        options=local,
    )
    ok(gw.handle(message(server.url(), headers=[["authorization", "Basic Z3Vlc3Q6Z3Vlc3Q="]])))
    token = base64.b64encode(f"alice:{SECRET_PASSWORD}".encode()).decode()
    assert [f"Basic {token}"] == server.last.header("Authorization")


def test_bearer_auth_literal_and_secret(
    server: Server, local: EgressOptions, store: SecretStore
) -> None:
    secret = store.create("tok", SECRET_BEARER)
    gw = gateway(
        ("127.0.0.1:*", Auth(bearer=BearerAuth(secret_id=secret.id))), secrets=store, options=local
    )
    ok(gw.handle(message(server.url(), headers=[["Authorization", "Bearer guest"]])))
    assert [f"Bearer {SECRET_BEARER}"] == server.last.header("Authorization")
    gw = gateway(("127.0.0.1:*", Auth(bearer=BearerAuth(token=LITERAL_TOKEN))), options=local)
    ok(gw.handle(message(server.url())))
    assert [f"Bearer {LITERAL_TOKEN}"] == server.last.header("Authorization")


def test_header_auth_replaces_any_case(
    server: Server, local: EgressOptions, store: SecretStore
) -> None:
    secret = store.create("key", SECRET_HEADER)
    gw = gateway(
        ("127.0.0.1:*", Auth(header=HeaderAuth(name="X-Api-Key", secret_id=secret.id))),
        secrets=store,
        options=local,
    )
    ok(gw.handle(message(server.url(), headers=[["x-api-key", "guest1"], ["X-API-KEY", "guest2"]])))
    assert [SECRET_HEADER] == server.last.header("X-Api-Key")


def test_query_auth_replaces_the_key(
    server: Server, local: EgressOptions, store: SecretStore
) -> None:
    secret = store.create("q", SECRET_QUERY)
    gw = gateway(
        ("127.0.0.1:*", Auth(query=QueryAuth(key="api_key", secret_id=secret.id))),
        secrets=store,
        options=local,
    )
    reply = ok(gw.handle(message(server.url("/echo?a=1&api_key=guest&b=2&api_key=again"))))
    assert f"a=1&b=2&api_key={SECRET_QUERY}" == server.last.query
    assert SECRET_QUERY not in reply["url"]
    assert server.url("/echo?a=1&b=2") == reply["url"]


def test_query_auth_on_a_url_without_query(server: Server, local: EgressOptions) -> None:
    gw = gateway(("127.0.0.1:*", Auth(query=QueryAuth(key="k y", value="v&=1"))), options=local)
    ok(gw.handle(message(server.url("/echo"))))
    assert "k%20y=v%26%3D1" == server.last.query


def test_most_specific_entry_wins(server: Server, local: EgressOptions) -> None:
    gw = gateway(
        ("127.0.0.1:*", Auth(bearer=BearerAuth(token="any-port-token-123"))),
        (f"127.0.0.1:{server.port}", Auth(bearer=BearerAuth(token="this-port-token-456"))),
        options=local,
    )
    ok(gw.handle(message(server.url())))
    assert ["Bearer this-port-token-456"] == server.last.header("Authorization")


# -- policy --------------------------------------------------------------------------------


def test_denied_host_named(server: Server) -> None:
    """Threat: a guest reaches a host outside http.allow. Contained: the allowlist is checked
    before any lookup or connection, and the error names the host."""
    gw = gateway("api.example.com")
    reply = gw.handle(message("https://evil.test/x"))
    assert (
        "host 'evil.test' is not allowed by this execution's http.allow (allowed: api.example.com)"
    ) == failed(reply, "denied")
    assert [{"method": "GET", "host": "evil.test", "port": 443, "error": "denied"}] == gw.log


def test_no_policy_no_network(server: Server) -> None:
    for gw in (Gateway(None), Gateway(HTTP())):
        msg = failed(gw.handle(message(server.url())), "denied")
        assert "no http.allow entries" in msg
    assert [] == server.requests


def test_port_restricted_entry(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1:1", options=local)
    msg = failed(gw.handle(message(server.url())), "denied")
    assert f"host '127.0.0.1:{server.port}' is not allowed" in msg


# -- redirects -----------------------------------------------------------------------------


def test_redirect_followed_with_auth_rederived(server: Server, local: EgressOptions) -> None:
    gw = gateway(("127.0.0.1:*", Auth(bearer=BearerAuth(token=LITERAL_TOKEN))), options=local)
    target = server.url("/echo?hop=2")
    reply = ok(gw.handle(message(server.url(f"/redirect?to={target}&status=302"))))
    assert target == reply["url"]
    assert 2 == len(server.requests)
    assert all(r.header("Authorization") == [f"Bearer {LITERAL_TOKEN}"] for r in server.requests)
    assert [302, 200] == [entry["status"] for entry in gw.log]


def test_relative_redirect(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local)
    reply = ok(gw.handle(message(server.url("/redirect?to=/echo%3Fr%3D1&status=301"))))
    assert server.url("/echo?r=1") == reply["url"]


def test_redirect_to_denied_host_is_refused(server: Server, local: EgressOptions) -> None:
    """Threat: an allowed upstream redirects the guest to a host it may not reach, with its
    credentials. Contained: each hop is checked against http.allow before connecting."""
    gw = gateway(("127.0.0.1:*", Auth(bearer=BearerAuth(token=LITERAL_TOKEN))), options=local)
    reply = gw.handle(message(server.url("/redirect?to=http://evil.test/steal")))
    assert "host 'evil.test' is not allowed" in failed(reply, "denied")
    assert 1 == len(server.requests)
    assert [302, "denied"] == [e.get("status", e.get("error")) for e in gw.log]


def test_credentials_stay_with_their_host(server: Server, local: EgressOptions) -> None:
    """Threat: credentials for host A (injected or the guest's own) follow a redirect to host B.
    Contained: injected auth is derived per hop from that hop's entry; the guest's Authorization
    and Cookie are dropped when the origin changes."""
    gw = gateway(
        ("127.0.0.1:*", Auth(bearer=BearerAuth(token=LITERAL_TOKEN))),
        "localhost",
        options=local,
    )
    to = server.url("/echo", host="localhost")
    headers = [["Authorization", "Bearer guest-own"], ["Cookie", "sid=1"], ["X-Keep", "1"]]
    ok(gw.handle(message(server.url(f"/redirect?to={to}"), headers=headers)))
    first, second = server.requests
    assert [f"Bearer {LITERAL_TOKEN}"] == first.header("Authorization")
    assert ["sid=1"] == first.header("Cookie")
    assert [] == second.header("Authorization")
    assert [] == second.header("Cookie")
    assert ["1"] == second.header("X-Keep")
    assert [f"localhost:{server.port}"] == second.header("Host")


def test_second_host_gets_its_own_credentials(server: Server, local: EgressOptions) -> None:
    gw = gateway(
        ("127.0.0.1:*", Auth(bearer=BearerAuth(token="token-for-a-1234"))),
        ("localhost:*", Auth(header=HeaderAuth(name="X-Key", value="key-for-b-5678"))),
        options=local,
    )
    to = server.url("/echo", host="localhost")
    ok(gw.handle(message(server.url(f"/redirect?to={to}&status=307"))))
    first, second = server.requests
    assert (["Bearer token-for-a-1234"], []) == (
        first.header("Authorization"),
        first.header("X-Key"),
    )
    assert ([], ["key-for-b-5678"]) == (second.header("Authorization"), second.header("X-Key"))


def test_echoed_query_credential_not_forwarded(server: Server, local: EgressOptions) -> None:
    """Threat: upstream A echoes its query string (with A's injected api_key) into a Location
    on host B. Contained: a parameter carrying another entry's credential is dropped."""
    gw = gateway(
        ("127.0.0.1:*", Auth(query=QueryAuth(key="api_key", value=SECRET_QUERY))),
        "localhost",
        options=local,
    )
    to = server.url("/echo", host="localhost")
    reply = ok(gw.handle(message(server.url(f"/bounce?to={to}&x=1"))))
    first, second = server.requests
    assert SECRET_QUERY in first.query
    assert SECRET_QUERY not in second.query
    assert SECRET_QUERY not in json.dumps(reply)


@pytest.mark.parametrize(
    ("status", "method", "expected"),
    [
        (301, "POST", ("GET", b"")),
        (302, "POST", ("GET", b"")),
        (303, "PUT", ("GET", b"")),
        (307, "POST", ("POST", b"data")),
        (308, "PUT", ("PUT", b"data")),
        (301, "PUT", ("PUT", b"data")),
    ],
)
def test_redirect_methods(
    server: Server, local: EgressOptions, status: int, method: str, expected: tuple[str, bytes]
) -> None:
    gw = gateway("127.0.0.1", options=local)
    headers = [["Content-Type", "text/plain"]]
    url = server.url(f"/redirect?to=/echo&status={status}")
    ok(gw.handle(message(url, method, headers, b"data")))
    assert expected == (server.last.method, server.last.body)
    if expected[0] == "GET":
        assert [] == server.last.header("Content-Type")


def test_too_many_redirects(server: Server) -> None:
    gw = gateway("127.0.0.1", options=EgressOptions(allow_private_networks=True, max_redirects=2))
    loop = server.url("/redirect?to=/redirect%3Fto%3D/redirect%253Fto%253D/redirect")
    msg = failed(gw.handle(message(loop)), "limit")
    assert "redirected more than 2 times (EgressOptions.max_redirects)" in msg
    assert 3 == len(server.requests)


def test_redirect_to_unsupported_scheme(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local)
    msg = failed(gw.handle(message(server.url("/redirect?to=file:///etc/passwd"))), "network")
    assert "redirected to an invalid URL: only http and https URLs are supported" in msg


# -- caps ----------------------------------------------------------------------------------


def test_response_over_the_cap_is_cut(server: Server) -> None:
    opts = EgressOptions(allow_private_networks=True, max_response_body_bytes=1000)
    gw = gateway("127.0.0.1", options=opts)
    assert 1000 == len(body(gw.handle(message(server.url("/large?n=1000")))))
    declared = failed(gw.handle(message(server.url("/large?n=1001"))), "limit")
    assert (
        "is 1001 bytes, over the 1000-byte cap (EgressOptions.max_response_body_bytes)" in declared
    )
    streamed = failed(gw.handle(message(server.url("/large?n=50000000&chunked=1"))), "limit")
    assert "larger than the 1000-byte cap (EgressOptions.max_response_body_bytes)" in streamed
    assert "limit" == gw.log[-1]["error"]


def test_request_body_over_the_cap(server: Server) -> None:
    opts = EgressOptions(allow_private_networks=True, max_request_body_bytes=10)
    gw = gateway("127.0.0.1", options=opts)
    ok(gw.handle(message(server.url(), "POST", body=b"x" * 10)))
    msg = failed(gw.handle(message(server.url(), "POST", body=b"x" * 11)), "limit")
    assert "the request body is 11 bytes, over the 10-byte cap" in msg
    assert 1 == len(server.requests)


def test_request_count_cap(server: Server) -> None:
    opts = EgressOptions(allow_private_networks=True, max_requests_per_execution=3)
    gw = gateway("127.0.0.1", options=opts)
    gw.handle(message("http://denied.test/"))  # refused requests count too
    ok(gw.handle(message(server.url())))
    ok(gw.handle(message(server.url())))
    msg = failed(gw.handle(message(server.url())), "limit")
    assert "made its 3 HTTP requests (EgressOptions.max_requests_per_execution)" in msg
    assert 2 == len(server.requests)
    assert 4 == gw.requests_made


def test_execution_deadline_bounds_a_slow_request(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local, deadline=time.monotonic() + 0.4)
    started = time.monotonic()
    msg = failed(gw.handle(message(server.url("/slow?delay=3"))), "timeout")
    assert time.monotonic() - started < 1.5
    assert "the execution's remaining time" in msg
    assert f"127.0.0.1:{server.port}" in msg


def test_timeouts_bound_the_whole_request(server: Server) -> None:
    """Threat: an upstream drips one byte at a time to hold the host past every read timeout.
    Contained: a watchdog shuts the socket at the request's deadline."""
    gw = gateway(
        "127.0.0.1", options=EgressOptions(allow_private_networks=True, request_timeout_s=0.5)
    )
    started = time.monotonic()
    msg = failed(gw.handle(message(server.url("/drip?n=100&every=0.05"))), "timeout")
    assert time.monotonic() - started < 1.5
    assert "timed out after 0.5 s (EgressOptions.request_timeout_s)" in msg
    started = time.monotonic()
    msg = failed(gw.handle(message(server.url("/slow?delay=3"), timeout_s=0.3)), "timeout")
    assert time.monotonic() - started < 1.5
    assert "(the request's timeout_s)" in msg


def test_no_time_left(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local, deadline=time.monotonic() - 1)
    assert "no time left" in failed(gw.handle(message(server.url())), "timeout")
    assert [] == server.requests


def test_options_validated() -> None:
    for bad in (
        {"max_redirects": -1},
        {"request_timeout_s": 0},
        {"max_response_body_bytes": 0},
        {"max_requests_per_execution": True},
        {"ca_bundle": "/nonexistent/ca.pem"},
    ):
        with pytest.raises(ConfigurationError):
            EgressOptions(**bad)  # type: ignore[arg-type]


# -- TLS -----------------------------------------------------------------------------------


def test_https_with_name_verification(tls_server: Server, client_tls: ssl.SSLContext) -> None:
    gw = gateway(
        "localhost", options=EgressOptions(allow_private_networks=True, ssl_context=client_tls)
    )
    reply = ok(gw.handle(message(tls_server.url("/echo", host="localhost"))))
    assert tls_server.url("/echo", host="localhost") == reply["url"]
    assert [f"localhost:{tls_server.port}"] == tls_server.last.header("Host")


def test_https_with_ca_bundle(tls_server: Server, ca_bundle: Path) -> None:
    gw = gateway(
        "localhost", options=EgressOptions(allow_private_networks=True, ca_bundle=ca_bundle)
    )
    ok(gw.handle(message(tls_server.url("/echo", host="localhost"))))


def test_https_wrong_name_fails(tls_server: Server, client_tls: ssl.SSLContext) -> None:
    """Threat: connecting to an address instead of a name skips certificate name checks.
    Contained: the name of the URL is asserted against the certificate (127.0.0.1 is not in it)."""
    gw = gateway(
        "127.0.0.1", options=EgressOptions(allow_private_networks=True, ssl_context=client_tls)
    )
    msg = failed(gw.handle(message(tls_server.url("/echo"))), "network")
    assert f"TLS certificate verification failed for host '127.0.0.1:{tls_server.port}'" in msg
    assert [] == tls_server.requests


def test_https_untrusted_ca_fails(tls_server: Server) -> None:
    gw = gateway("localhost", options=EgressOptions(allow_private_networks=True))
    msg = failed(gw.handle(message(tls_server.url("/echo", host="localhost"))), "network")
    assert "TLS certificate verification failed" in msg
    assert [] == tls_server.requests


# -- network failures --------------------------------------------------------------------


def test_connection_refused(dead_port: int, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local)
    msg = failed(gw.handle(message(f"http://127.0.0.1:{dead_port}/")), "network")
    assert f"could not connect to host 127.0.0.1:{dead_port}" in msg


def test_unresolvable_host() -> None:
    gw = gateway("nothing.invalid")
    reply = gw.handle(message("http://nothing.invalid/", timeout_s=5))
    # NXDOMAIN normally; a machine whose resolver does not answer times out instead
    if reply.get("kind") == "timeout":
        assert "looking up host 'nothing.invalid' timed out" in reply["error"]
    else:
        assert "could not resolve host 'nothing.invalid'" == failed(reply, "network")


# -- address checks (no allow_private_networks) --------------------------------------------


def test_name_resolving_to_loopback_is_refused(server: Server) -> None:
    """Threat: an allowed public-looking name resolves to a loopback or private address (SSRF,
    DNS rebinding). Contained: the gateway resolves the name itself with real DNS, refuses
    non-public addresses and connects only to an address it checked."""
    gw = gateway("localhost")
    for host in ("localhost", "LOCALHOST"):
        msg = failed(gw.handle(message(f"http://{host}:{server.port}/echo")), "denied")
        loopback = (
            rf"host 'localhost:{server.port}' resolves to (127\.0\.0\.1|::1), which is a loopback"
        )
        assert re.search(loopback, msg), msg
    assert [] == server.requests


@pytest.mark.parametrize(
    ("host", "canonical"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "[::1]"),
        ("10.0.0.1", "10.0.0.1"),
        ("169.254.169.254", "169.254.169.254"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7F000001", "127.0.0.1"),
    ],
)
def test_private_addresses_refused(server: Server, host: str, canonical: str) -> None:
    """Threat: a guest reaches loopback, private or metadata addresses, or slips one past the
    allowlist with an unusual spelling. Contained: URL hosts are parsed as a browser would
    (2130706433, 0x7f.1, 127.1 and 0177.0.0.1 are 127.0.0.1) and an address matches only an
    allow entry that names that address; names allowed here do not help."""
    gw = gateway("localhost", "*.localhost", "*.example.com", "2130706433.example.com")
    msg = failed(gw.handle(message(f"http://{host}:{server.port}/echo")), "denied")
    assert msg.startswith(f"host '{canonical}:{server.port}' is not allowed")
    assert [] == server.requests


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "::", "224.0.0.1", "255.255.255.255", "240.0.0.1",  # noqa: S104
        "fc00::1", "fd00:ec2::254", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "64:ff9b::7f00:1", "2002:7f00:1::1", "2002:a00:1::", "2001:db8::1", "192.0.2.1",
    ],
)  # fmt: skip
def test_refusal_of_non_public_addresses(address: str) -> None:
    """Threat: an address class slips through the check (mapped, 6to4, NAT64 forms included).
    Contained: `refusal` names a reason for every non-public address."""
    import ipaddress

    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "2002:808:808::1"]
)
def test_public_addresses_pass(address: str) -> None:
    import ipaddress

    assert refusal(ipaddress.ip_address(address)) is None


def test_ip_named_in_an_entry_needs_the_owners_range(server: Server) -> None:
    """Threat: a request's allow entry names a private IP to skip the private-address block.
    Contained: only the owner's `allow_private_networks` ranges open one; then the entry
    reaches it in any spelling of the same address."""
    msg = failed(gateway("127.0.0.1").handle(message(server.url())), "denied")
    assert "is a loopback address" in msg and "allow_private_networks" in msg
    assert [] == server.requests
    gw = gateway("127.0.0.1", options=EgressOptions(allow_private_networks=["127.0.0.1/32"]))
    ok(gw.handle(message(server.url())))
    ok(gw.handle(message(f"http://0x7f.1:{server.port}/echo")))
    assert 2 == len(server.requests)
    assert [f"0x7f.1:{server.port}"] != server.last.header("Host")
    assert [f"127.0.0.1:{server.port}"] == server.last.header("Host")


def test_redirect_to_a_closed_neighbour_refused(server: Server) -> None:
    """Threat: an allowed upstream redirects to an allowed loopback address outside the range
    the owner opened. Contained: every hop's addresses are checked again, per range."""
    gw = gateway(
        "127.0.0.1", "127.0.0.2", options=EgressOptions(allow_private_networks=["127.0.0.1/32"])
    )
    to = server.url("/echo", host="127.0.0.2")
    msg = failed(gw.handle(message(server.url(f"/redirect?to={to}"))), "denied")
    assert "is a loopback address" in msg, msg
    assert 1 == len(server.requests)


def test_metadata_names_refused_even_with_private_networks() -> None:
    """Threat: the guest reads cloud instance credentials from the metadata service.
    Contained: metadata names are refused before any lookup, whatever the options."""
    gw = gateway(
        "metadata.google.internal", "metadata", options=EgressOptions(allow_private_networks=True)
    )
    for url in ("http://metadata.google.internal/computeMetadata/v1/", "http://METADATA/"):
        assert "cloud metadata service" in failed(gw.handle(message(url)), "denied")


# -- injection and malformed messages ------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        [["X-A", "v\r\nX-Injected: 1"]],
        [["X-A", "v\nX-Injected: 1"]],
        [["X-A", "v\x00"]],
        [["X-A\r\nX-Injected", "1"]],
        [["X A", "1"]],
        [["", "1"]],
        [["X-A", "\x01"]],
        [["X-A", "\u2603"]],
    ],
)
def test_header_injection_refused(
    server: Server, local: EgressOptions, headers: list[list[str]]
) -> None:
    """Threat: CR/LF in a header splits the request (header or request smuggling).
    Contained: names must be tokens; values may not hold CR, LF, NUL or other controls."""
    gw = gateway("127.0.0.1", options=local)
    failed(gw.handle(message(server.url(), headers=headers)), "invalid")
    assert [] == server.requests


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://127.0.0.1/x\r\nHost: evil", "control character"),
        ("ftp://127.0.0.1/", "only http and https"),
        ("http://user:hunter2pass@127.0.0.1/", "credentials in the URL"),
        ("http:///x", "no host"),
        ("http://127.0.0.1:99999/", "port"),
        ("http://1.2.3.4.5/", "not a valid one"),
        ("http://[::1%25eth0]/", "zone id"),
        ("//127.0.0.1/", "absolute"),
        ("http://exa mple.com/", "characters a host name cannot have"),
    ],
)
def test_invalid_urls(url: str, fragment: str) -> None:
    gw = gateway("127.0.0.1")
    msg = failed(gw.handle(message(url)), "invalid")
    assert fragment in msg
    assert "hunter2pass" not in msg


@pytest.mark.parametrize(
    ("msg", "kind"),
    [
        ("not a dict", "invalid"),
        ({"op": "exec", "method": "GET", "url": "http://x/"}, "invalid"),
        ({"op": "http", "method": "GE T", "url": "http://x/"}, "invalid"),
        ({"op": "http", "method": "TRACE", "url": "http://x/"}, "denied"),
        ({"op": "http", "method": "connect", "url": "http://x/"}, "denied"),
        ({"op": "http", "method": "GET", "url": 3}, "invalid"),
        ({"op": "http", "method": "GET", "url": "http://x/", "headers": [["a"]]}, "invalid"),
        ({"op": "http", "method": "GET", "url": "http://x/", "headers": {"a": "b"}}, "invalid"),
        ({"op": "http", "method": "GET", "url": "http://x/", "body": "!!"}, "invalid"),
        ({"op": "http", "method": "GET", "url": "http://x/", "body": 5}, "invalid"),
        ({"op": "http", "method": "GET", "url": "http://x/", "timeout_s": -1}, "invalid"),
        ({"op": "http", "method": "GET", "url": "http://x/", "timeout_s": True}, "invalid"),
        (
            {"op": "http", "method": "GET", "url": "http://x/", "headers": [["a", "b"]] * 300},
            "limit",
        ),
    ],
)
def test_malformed_messages(msg: Any, kind: str) -> None:
    failed(gateway("x").handle(msg), kind)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200)
@given(
    st.one_of(
        _json,
        st.fixed_dictionaries(
            {"op": st.just("http"), "method": st.text(max_size=8), "url": st.text(max_size=40)},
            optional={"headers": _json, "body": _json, "timeout_s": _json},
        ),
    )
)
def test_handle_never_raises(msg: Any) -> None:
    """Threat: a malformed message crashes the host function. Contained: `handle` always
    returns a reply; with no allow entries nothing is looked up or connected."""
    reply = Gateway(None).handle(msg)
    assert {"error", "kind"} == set(reply)
    assert reply["kind"] in {"denied", "invalid", "limit"}


# -- proxies -------------------------------------------------------------------------------


def test_proxy_variables_ignored(
    server: Server, local: EgressOptions, dead_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threat: the host's proxy settings route guest traffic elsewhere (or to a dead proxy).
    Contained: the gateway connects directly; urllib3 connections read no proxy variables."""
    proxy = f"http://127.0.0.1:{dead_port}"
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.setenv(name, proxy)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("no_proxy", "")
    gw = gateway("127.0.0.1", options=local)
    ok(gw.handle(message(server.url("/echo"))))
    assert "/echo" == server.last.path  # origin-form: not sent to a proxy


# -- policy resolution before the run ------------------------------------------------------


def test_unknown_secret_raises_before_the_run(store: SecretStore) -> None:
    http = HTTP(
        allow=[
            HTTPAllow(host="api.example.com", auth=Auth(bearer=BearerAuth(secret_id="sec_nope")))
        ]
    )
    with pytest.raises(
        NotFoundError,
        match=r"secret 'sec_nope' named by http\.allow\.0\.auth\.bearer\.secret_id does not exist",
    ):
        Gateway(http, store)
    with pytest.raises(NotFoundError, match="no secret store"):
        resolve_policy(http, None)


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        (HTTPAllow(host="https://api.example.com"), "not a URL"),
        (HTTPAllow(host="*"), "'*' may only be a whole first label"),
        (HTTPAllow(host="a.*.com"), "'*' may only be a whole first label"),
        (HTTPAllow(host="*.1.2.3.4"), "a wildcard must end in a name"),
        (HTTPAllow(host="a..b"), "empty label"),
        (HTTPAllow(host="x:0"), "port"),
        (HTTPAllow(host="h", auth=Auth(bearer=BearerAuth())), "give a token or a secret_id"),
        (HTTPAllow(host="h", auth=Auth(bearer=BearerAuth(token="a", secret_id="b"))), "not both"),
        # The model refuses control characters itself; the gateway checks again for a model
        # built without validation (model_construct).
        (
            HTTPAllow(host="h", auth=Auth(bearer=BearerAuth.model_construct(token="a\r\nX: y"))),
            "CR, LF or NUL",
        ),
        (HTTPAllow(host="h", auth=Auth(header=HeaderAuth(name="Host", value="v"))), "'Host'"),
        (
            HTTPAllow(host="h", auth=Auth(header=HeaderAuth(name="X Y", value="v"))),
            "valid header name",
        ),
        (HTTPAllow(host="h", auth=Auth(query=QueryAuth(value="v"))), "key"),
        (HTTPAllow(host="h", auth=Auth(basic=BasicAuth(user_id="a:b", password="p"))), "':'"),
        (
            HTTPAllow(
                host="h", auth=Auth(basic=BasicAuth(password="p"), bearer=BearerAuth(token="t"))
            ),
            "both set the Authorization header",
        ),
    ],
)
def test_invalid_policy(entry: HTTPAllow, fragment: str) -> None:
    with pytest.raises(RequestValidationError) as info:
        Gateway(HTTP(allow=[entry]))
    assert fragment in str(info.value)
    assert info.value.errors and info.value.errors[0]["loc"][:3] == ("http", "allow", 0)


def test_a_credential_with_control_characters_is_refused_by_the_model() -> None:
    with pytest.raises(ValueError, match="control characters"):
        BearerAuth(token="a\r\nX: y")


def test_secret_with_a_newline_refused_without_showing_it(store: SecretStore) -> None:
    secret = store.create("bad", "line1-secret\r\nline2")
    http = HTTP(
        allow=[HTTPAllow(host="h", auth=Auth(header=HeaderAuth(name="X-K", secret_id=secret.id)))]
    )
    with pytest.raises(RequestValidationError) as info:
        Gateway(http, store)
    assert "line1-secret" not in str(info.value) + repr(info.value.errors)


# -- secrets never leak --------------------------------------------------------------------


def test_no_secret_in_any_reply_log_or_error(
    server: Server, local: EgressOptions, store: SecretStore, dead_port: int
) -> None:
    """Threat: a credential reaches the guest or a record: through a reply (an upstream that
    echoes request headers, a redirect URL), an error message, the log or a repr.
    Contained: messages never include values; replies are redacted of every credential form."""
    ids = {
        "pw": store.create("pw", SECRET_PASSWORD).id,
        "tok": store.create("tok", SECRET_BEARER).id,
        "hdr": store.create("hdr", SECRET_HEADER).id,
        "q": store.create("q", SECRET_QUERY).id,
    }
    gw = gateway(
        (
            "127.0.0.1:*",
            Auth(
                basic=BasicAuth(user_id="alice", secret_id=ids["pw"]),
                query=QueryAuth(key="k", secret_id=ids["q"]),
            ),
        ),
        (
            "localhost:*",
            Auth(
                bearer=BearerAuth(secret_id=ids["tok"]),
                header=HeaderAuth(name="X-K", secret_id=ids["hdr"]),
            ),
        ),
        ("api.example.com", Auth(bearer=BearerAuth(token=LITERAL_TOKEN))),
        secrets=store,
        options=local,
    )
    basic = base64.b64encode(f"alice:{SECRET_PASSWORD}".encode()).decode()
    values = [SECRET_PASSWORD, SECRET_BEARER, SECRET_HEADER, SECRET_QUERY, LITERAL_TOKEN, basic]
    local_echo = server.url("/echo", host="localhost")
    replies = [
        gw.handle(message(server.url("/echo?x=1"))),
        gw.handle(message(local_echo)),
        gw.handle(message(server.url(f"/bounce?to={local_echo}"))),
        gw.handle(message(server.url("/bounce?to=/echo"))),
        gw.handle(message(server.url("/redirect?to=http://evil.test/"))),
        gw.handle(message(server.url("/headers?X-Echo=" + SECRET_QUERY))),
        gw.handle(message(f"http://127.0.0.1:{dead_port}/")),
        gw.handle(message("http://user:pw@127.0.0.1/")),
        gw.handle(message(server.url("/slow?delay=2"), timeout_s=0.2)),
    ]
    # the upstream really did receive the credentials, and echoed them back
    assert any(
        SECRET_PASSWORD in r.body.decode() or basic in str(r.headers) for r in server.requests
    )
    assert b"***" in body(replies[0])
    everything = json.dumps(replies) + repr(gw.log) + repr(gw) + repr(gw._policy)
    everything += "".join(base64.b64decode(r["body"]).decode() for r in replies if "body" in r)
    with pytest.raises(NotFoundError) as info:
        Gateway(
            HTTP(allow=[HTTPAllow(host="h", auth=Auth(bearer=BearerAuth(secret_id="sec_x")))]),
            store,
        )
    everything += str(info.value) + repr(store) + repr(store.list())
    for value in values:
        assert value not in everything, value
    assert set(gw.redaction_values) >= {
        SECRET_PASSWORD,
        SECRET_BEARER,
        SECRET_HEADER,
        SECRET_QUERY,
        basic,
    }


def test_log_has_no_url_or_credentials(server: Server, local: EgressOptions) -> None:
    gw = gateway(("127.0.0.1:*", Auth(query=QueryAuth(key="k", value=SECRET_QUERY))), options=local)
    ok(gw.handle(message(server.url("/echo?private=path"))))
    assert [{"method": "GET", "host": "127.0.0.1", "port": server.port, "status": 200}] == gw.log


# -- issue #11: routing headers, per-range private networks, where credentials go ----------


@pytest.mark.parametrize(
    "header",
    [
        ["Host", "evil.test"],
        ["host", "127.0.0.2:{port}"],
        ["Host", "127.0.0.1:{port}@evil.test"],
        ["Host", "127.0.0.1.:{port}"],
        ["Host", ""],
        ["Forwarded", "host=evil.test"],
        ["X-Forwarded-Host", "evil.test"],
        ["x-forwarded-for", "10.0.0.1"],
        ["X_Forwarded_For", "10.0.0.1"],
        ["X-Real-IP", "10.0.0.1"],
        ["True-Client-IP", "10.0.0.1"],
        ["X-Original-URL", "/admin"],
        ["Proxy-Authorization", "Basic eDp5"],
        ["Proxy-Connection", "keep-alive"],
        ["Proxy-Anything", "1"],
    ],
)
def test_routing_headers_refused(server: Server, local: EgressOptions, header: list[str]) -> None:
    """Threat: a guest header decides (or lies about) where the request goes. Contained: the
    gateway refuses it before matching, resolving or connecting, whatever the shim did; a
    header listed in Connection is refused too (not silently dropped)."""
    gw = gateway(("127.0.0.1:*", Auth(bearer=BearerAuth(token=LITERAL_TOKEN))), options=local)
    name, value = header[0], header[1].format(port=server.port)
    for headers in ([[name, value]], [["Connection", name], [name, value]]):
        failed(gw.handle(message(server.url(), headers=headers)), "invalid")
    assert [] == server.requests


def test_host_naming_the_url_is_accepted(server: Server, local: EgressOptions) -> None:
    gw = gateway("127.0.0.1", options=local)
    for value in (f"127.0.0.1:{server.port}", f"0x7f.1:{server.port}", f" 127.0.0.1:{server.port}"):
        ok(gw.handle(message(server.url(), headers=[["Host", value]])))
        assert [f"127.0.0.1:{server.port}"] == server.last.header("Host")


def test_private_networks_per_range(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """Threat: DNS answers in another spelling of an opened (or a closed) address. Contained:
    an IPv4-mapped answer is judged by its IPv4; NAT64 and 6to4 forms only by IPv6 ranges."""
    import ipaddress

    from embedsandbox._egress import _gateway

    options = EgressOptions(allow_private_networks=["127.0.0.1/32"])
    gw = gateway("rebind.test:*", "127.0.0.2", options=options)
    answers = {
        "::ffff:127.0.0.1": None,
        "::ffff:127.0.0.2": "loopback",
        "64:ff9b::7f00:1": "loopback",
        "2002:7f00:1::1": "loopback",
        "::ffff:169.254.169.254": "metadata",
    }
    for answer, refused in answers.items():
        monkeypatch.setattr(
            _gateway, "resolve", lambda *_a, answer=answer: [ipaddress.ip_address(answer)]
        )
        reply = gw.handle(message(f"http://rebind.test:{server.port}/echo", timeout_s=2))
        if refused is None:
            assert "denied" != reply.get("kind"), reply  # connects (to ::ffff:127.0.0.1)
        else:
            assert refused in failed(reply, "denied")
    assert "loopback" in failed(gw.handle(message("http://127.0.0.2/")), "denied")


def test_owner_options_for_private_networks() -> None:
    assert () == EgressOptions().private_networks
    assert 2 == len(EgressOptions(allow_private_networks=True).private_networks)
    options = EgressOptions(allow_private_networks=["10.0.0.0/8", "10.0.0.0/8", "fd00::/8"])
    assert 2 == len(options.private_networks)
    with pytest.raises(ConfigurationError, match="host bits"):
        EgressOptions(allow_private_networks=["10.0.0.1/8"])


def test_credential_port_rules(server: Server, local: EgressOptions) -> None:
    """An entry with auth and no port admits only the scheme's default port; `:port` and
    `:*` say otherwise; an entry without auth admits any port."""
    token = Auth(bearer=BearerAuth(token=LITERAL_TOKEN))
    msg = failed(
        gateway(("127.0.0.1", token), options=local).handle(message(server.url())), "denied"
    )
    assert "has auth and names no port, so it admits only port 80" in msg
    assert [] == server.requests
    ok(gateway(("127.0.0.1", token), "127.0.0.1", options=local).handle(message(server.url())))
    assert [] == server.last.header("Authorization")
    for host in ("127.0.0.1:*", f"127.0.0.1:{server.port}"):
        ok(gateway((host, token), options=local).handle(message(server.url())))
        assert [f"Bearer {LITERAL_TOKEN}"] == server.last.header("Authorization")


def test_wildcard_credentials_need_the_owners_opt_in() -> None:
    token = Auth(bearer=BearerAuth(token=LITERAL_TOKEN))
    with pytest.raises(RequestValidationError, match="wildcard entry") as info:
        gateway(("*.example.com", token))
    assert LITERAL_TOKEN not in str(info.value)
    gateway(("*.example.com", token), options=EgressOptions(allow_wildcard_credentials=True))
    gateway("*.example.com")  # no auth: no opt-in needed


@pytest.mark.parametrize(
    "pattern", ["example.com.", "exa%6dple.com", "[::ffff:10.0.0.1]", "example.com:*:*", "*:80"]
)
def test_odd_allow_entries_refused(pattern: str) -> None:
    with pytest.raises(RequestValidationError):
        gateway(pattern)
