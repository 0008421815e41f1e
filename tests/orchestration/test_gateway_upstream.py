"""The egress gateway in front of a `MockUpstream`: a guest's HTTP message (sent the way a guest's
shim sends it, through `Invocation.host_call`) is checked, gets its credential on the host side
and reaches the mock; what the gateway refuses never reaches it.

Each security test names the threat it covers and what contains it.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest

from embedsandbox import EgressOptions
from embedsandbox.errors import ConfigurationError
from embedsandbox.testing import (
    FakeEngine,
    Invocation,
    MockUpstream,
    RawOutcome,
    UpstreamError,
    UpstreamRequest,
    UpstreamResponse,
    guest_http,
)

from .conftest import MakeSandbox

TOKEN = "tok-5c1f0e9d8b7a6f4e3d2c"
API = "https://api.example.com"
BEARER: dict[str, Any] = {"host": "api.example.com", "auth": {"bearer": {"token": TOKEN}}}
ME = UpstreamResponse.with_json({"login": "octo"})


def fetch(
    make_sandbox: MakeSandbox,
    upstream: MockUpstream,
    allow: list[dict[str, Any]],
    *urls: str,
    **options: Any,
) -> tuple[list[dict[str, Any]], Invocation]:
    """Run a fake guest that GETs each of `urls` in turn; return the replies and the invocation."""
    replies: list[dict[str, Any]] = []

    def guest(invocation: Invocation) -> RawOutcome:
        replies.extend(guest_http(invocation, "GET", url) for url in urls)
        return RawOutcome(0, json.dumps(replies, default=repr), "")

    engine = FakeEngine(guest)
    egress = EgressOptions(upstream=upstream, **options)
    sb = make_sandbox(engines={"python": engine}, egress=egress)
    r = sb.run_script(language="python", code="", http={"allow": allow})
    assert TOKEN not in r.stdout
    return replies, engine.last


def test_a_request_gets_its_reply_and_its_credential_at_the_upstream(
    make_sandbox: MakeSandbox,
) -> None:
    upstream = MockUpstream({f"GET {API}/v1/me": ME})
    replies, invocation = fetch(make_sandbox, upstream, [BEARER], f"{API}/v1/me?page=2")
    expected = {
        "status": 200,
        "reason": "OK",
        "url": f"{API}/v1/me?page=2",
        "headers": [["Content-Type", "application/json"]],
        "body": b'{"login": "octo"}',
    }
    assert [expected] == replies
    [request] = upstream.requests
    assert ("GET", f"{API}/v1/me?page=2") == (request.method, request.url)
    assert (("Host", "api.example.com"), ("Authorization", f"Bearer {TOKEN}")) == request.headers
    assert (ipaddress.ip_address(MockUpstream.DEFAULT_ADDRESS),) == request.addresses
    assert TOKEN not in json.dumps([dict(invocation.env), invocation.code, invocation.args])


def test_a_stored_secret_is_injected_the_same_way(make_sandbox: MakeSandbox) -> None:
    upstream = MockUpstream({f"{API}/": ME})

    def guest(invocation: Invocation) -> RawOutcome:
        return RawOutcome(0, str(guest_http(invocation, "GET", f"{API}/")["status"]), "")

    sb = make_sandbox(
        engines={"python": FakeEngine(guest)}, egress=EgressOptions(upstream=upstream)
    )
    secret_id = sb.secrets.create(name="api", value=TOKEN).id
    auth = {"header": {"name": "X-Key", "secret_id": secret_id}}
    r = sb.run_script(
        language="python", code="", http={"allow": [{"host": "api.example.com", "auth": auth}]}
    )
    assert "200" == r.stdout
    assert TOKEN == upstream.requests[0].header("x-key")


def test_a_guest_header_cannot_replace_the_credential(make_sandbox: MakeSandbox) -> None:
    """Threat: the guest sets its own Authorization to learn or override the injected one.
    Contained: the credential replaces the guest's header of that name."""
    upstream = MockUpstream({f"{API}/": ME})

    def guest(invocation: Invocation) -> RawOutcome:
        reply = guest_http(invocation, "GET", f"{API}/", headers=[("Authorization", "mine")])
        return RawOutcome(0, str(reply["status"]), "")

    sb = make_sandbox(
        engines={"python": FakeEngine(guest)}, egress=EgressOptions(upstream=upstream)
    )
    assert "200" == sb.run_script(language="python", code="", http={"allow": [BEARER]}).stdout
    assert f"Bearer {TOKEN}" == upstream.requests[0].header("Authorization")


def test_an_echoed_credential_is_redacted_before_the_guest_sees_it(
    make_sandbox: MakeSandbox,
) -> None:
    """Threat: the upstream echoes the injected credential (body, header, reason). Contained:
    the gateway replaces it with *** before the reply reaches the guest."""

    def echo(request: UpstreamRequest) -> UpstreamResponse:
        auth = request.header("Authorization") or ""
        body = json.dumps({"auth": auth}).encode()
        headers = [("X-Echo", auth), ("Content-Length", str(len(body)))]
        return UpstreamResponse(200, headers, body, reason=auth)

    replies, _ = fetch(make_sandbox, MockUpstream(handler=echo), [BEARER], f"{API}/")
    body = b'{"auth": "Bearer ***"}'
    assert (
        [["X-Echo", "Bearer ***"], ["Content-Length", str(len(body))]],
        body,
        "Bearer ***",
    ) == (replies[0]["headers"], replies[0]["body"], replies[0]["reason"])


def test_a_host_outside_the_allowlist_never_reaches_the_upstream(
    make_sandbox: MakeSandbox,
) -> None:
    """Threat: a guest sends the request (and its credential) to a host it was not given.
    Contained: the gateway refuses it before the upstream is called."""
    upstream = MockUpstream(handler=lambda request: ME)
    replies, _ = fetch(make_sandbox, upstream, [BEARER], "https://evil.example.net/steal")
    expected = {
        "error": "host 'evil.example.net' is not allowed by this execution's http.allow "
        "(allowed: api.example.com)",
        "kind": "denied",
    }
    assert [expected] == replies
    assert [] == upstream.requests


def test_no_http_policy_means_no_upstream_at_all(make_sandbox: MakeSandbox) -> None:
    upstream = MockUpstream(handler=lambda request: ME)
    replies, _ = fetch(make_sandbox, upstream, [], f"{API}/")
    assert "denied" == replies[0]["kind"]
    assert [] == upstream.requests


@pytest.mark.parametrize(
    ("answer", "why", "options"),
    [
        ("10.0.0.5", "resolves to 10.0.0.5, which is a private address", {}),
        ("127.0.0.1", "resolves to 127.0.0.1, which is a loopback address", {}),
        (
            "169.254.169.254",
            "resolves to 169.254.169.254, which is a cloud metadata address",
            {"allow_private_networks": True},
        ),
    ],
    ids=["private", "loopback", "metadata-even-when-opened"],
)
def test_the_mocks_name_answers_pass_the_address_checks(
    make_sandbox: MakeSandbox, answer: str, why: str, options: dict[str, Any]
) -> None:
    """Threat: an allowed name resolves to an internal address (SSRF, DNS rebinding).
    Contained: the gateway checks every address the upstream's lookup returns, as it checks
    DNS answers; nothing is sent."""
    upstream = MockUpstream(handler=lambda request: ME, dns={"api.example.com": [answer]})
    replies, _ = fetch(make_sandbox, upstream, [BEARER], f"{API}/", **options)
    assert "denied" == replies[0]["kind"]
    assert why in replies[0]["error"]
    assert [] == upstream.requests


def test_an_opened_range_lets_the_mock_answer(make_sandbox: MakeSandbox) -> None:
    upstream = MockUpstream({f"{API}/": ME}, dns={"api.example.com": "10.0.0.5"})
    options = {"allow_private_networks": ["10.0.0.0/8"]}
    replies, _ = fetch(make_sandbox, upstream, [BEARER], f"{API}/", **options)
    assert 200 == replies[0]["status"]
    assert (ipaddress.ip_address("10.0.0.5"),) == upstream.requests[0].addresses


def test_a_redirect_to_a_host_outside_the_allowlist_is_refused(make_sandbox: MakeSandbox) -> None:
    """Threat: an allowed upstream redirects the guest (and its credential) elsewhere.
    Contained: the gateway follows redirects itself and checks every hop again."""
    to_evil = UpstreamResponse(302, [("Location", "https://evil.example.net/")])
    upstream = MockUpstream({f"{API}/go": to_evil}, handler=lambda request: ME)
    replies, _ = fetch(make_sandbox, upstream, [BEARER], f"{API}/go")
    assert "denied" == replies[0]["kind"]
    assert "host 'evil.example.net' is not allowed" in replies[0]["error"]
    assert [f"{API}/go"] == [request.url for request in upstream.requests]


def test_a_credential_stays_with_its_host_across_redirects(make_sandbox: MakeSandbox) -> None:
    """Threat: a redirect to another allowed host carries the first host's credential.
    Contained: credentials are derived again for each hop's host."""
    other = UpstreamResponse(307, [("Location", "https://cdn.example.org/file")])
    upstream = MockUpstream({f"{API}/file": other, "https://cdn.example.org/file": ME})
    allow = [BEARER, {"host": "cdn.example.org"}]
    replies, _ = fetch(make_sandbox, upstream, allow, f"{API}/file")
    assert ("https://cdn.example.org/file", 200) == (replies[0]["url"], replies[0]["status"])
    first, second = upstream.requests
    assert (f"Bearer {TOKEN}", None) == (
        first.header("Authorization"),
        second.header("Authorization"),
    )


def test_a_query_credential_reaches_the_upstream_but_not_the_reply(
    make_sandbox: MakeSandbox,
) -> None:
    upstream = MockUpstream({f"{API}/search": ME})
    allow = [{"host": "api.example.com", "auth": {"query": {"key": "api_key", "value": TOKEN}}}]
    replies, _ = fetch(make_sandbox, upstream, allow, f"{API}/search?q=1")
    assert f"{API}/search?q=1&api_key={TOKEN}" == upstream.requests[0].url
    assert f"{API}/search?q=1" == replies[0]["url"]
    assert TOKEN not in repr(upstream.requests[0])  # the repr shows no query, no header value


def test_the_response_cap_applies_to_the_mock(make_sandbox: MakeSandbox) -> None:
    """Threat: an upstream floods the host with a huge body. Contained: the gateway's cap
    applies to whatever the upstream returns."""
    upstream = MockUpstream({f"{API}/big": UpstreamResponse(200, [], b"x" * 11)})
    replies, _ = fetch(make_sandbox, upstream, [BEARER], f"{API}/big", max_response_body_bytes=10)
    assert "limit" == replies[0]["kind"]
    assert "larger than the 10-byte cap" in replies[0]["error"]


def test_upstream_failures_become_error_replies(make_sandbox: MakeSandbox) -> None:
    def refuse(request: UpstreamRequest) -> UpstreamResponse:
        msg = f"connection refused by upstream that saw {request.header('Authorization')}"
        raise UpstreamError(msg)

    def slow(request: UpstreamRequest) -> UpstreamResponse:
        raise UpstreamError("slow", timeout=True)

    def broken(request: UpstreamRequest) -> UpstreamResponse:
        raise KeyError(TOKEN)

    upstream = MockUpstream({f"{API}/refuse": refuse, f"{API}/slow": slow, f"{API}/broken": broken})
    replies, _ = fetch(
        make_sandbox,
        upstream,
        [BEARER],
        f"{API}/refuse",
        f"{API}/slow",
        f"{API}/broken",
        request_timeout_s=5,
    )
    assert [
        {"error": "connection refused by upstream that saw Bearer ***", "kind": "network"},
        {
            "error": "the request to host 'api.example.com' timed out after 5 s "
            "(EgressOptions.request_timeout_s)",
            "kind": "timeout",
        },
        {
            "error": "the request to host 'api.example.com' failed in the upstream (KeyError)",
            "kind": "network",
        },
    ] == replies


def test_an_unmatched_request_gets_a_404_naming_it(make_sandbox: MakeSandbox) -> None:
    upstream = MockUpstream({f"POST {API}/items": ME})
    replies, _ = fetch(make_sandbox, upstream, [BEARER], f"{API}/items?page=1")
    assert (404, "Not Found", b"MockUpstream: no route for GET https://api.example.com/items") == (
        replies[0]["status"],
        replies[0]["reason"],
        replies[0]["body"],
    )


def test_route_keys_and_dns_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="route 'api.example.com/x' is not"):
        MockUpstream({"api.example.com/x": ME})
    with pytest.raises(ConfigurationError, match="'nope' is not an IP address"):
        MockUpstream(dns={"a.example": "nope"})


def test_an_upstream_needs_a_send_method() -> None:
    with pytest.raises(ConfigurationError) as info:
        EgressOptions(upstream=object())  # type: ignore[arg-type]
    assert (
        "EgressOptions.upstream must have a send(request) method (the Upstream protocol), "
        "not <object object at" in str(info.value)
    )
