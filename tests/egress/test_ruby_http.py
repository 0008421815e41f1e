"""End to end for Ruby: Net::HTTP / open-uri -> host door -> egress gateway -> a real server on
127.0.0.1 (the servers of conftest.py)."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from pathlib import Path

import pytest

from embedsandbox import EgressOptions, Sandbox

from .conftest import Server

pytestmark = pytest.mark.guest


@pytest.fixture(scope="module")
def sb() -> Sandbox:
    with Sandbox(
        store=None, egress=EgressOptions(allow_private_networks=["127.0.0.1/32"])
    ) as sandbox:
        yield sandbox  # type: ignore[misc]


def _allow(server: Server, **auth: object) -> dict:
    entry: dict = {"host": "127.0.0.1"}
    if auth:  # an entry with auth and no port would send it only to port 80
        entry = {"host": f"127.0.0.1:{server.port}", "auth": auth}
    return {"allow": [entry]}


def test_net_http_get_with_a_secret_bearer_token(sb: Sandbox, server: Server) -> None:
    token = "rbtok-" + secrets.token_hex(16)
    secret = sb.secrets.create(name="rb-token", value=token)
    code = (
        'require "net/http"\n'
        'require "json"\n'
        "res = Net::HTTP.get_response(URI(ARGV[0]))\n"
        "body = JSON.parse(res.body)\n"
        'auth = body["headers"].to_h["Authorization"]\n'
        'puts [res.code, res.is_a?(Net::HTTPSuccess), body["method"], auth].join(" ")\n'
    )
    result = sb.run_script(
        language="ruby",
        code=code,
        args=[server.url("/echo")],
        http=_allow(server, bearer={"secret_id": secret.id}),
    )
    assert 0 == result.exit_code, result.stderr
    assert [f"Bearer {token}"] == server.last.header("Authorization")
    # The server echoed the token; the gateway redacted it before the guest saw it.
    assert result.stdout.startswith("200 true GET Bearer ")
    assert token not in result.model_dump_json()


def test_net_http_post_with_headers_query_and_a_session(sb: Sandbox, server: Server) -> None:
    code = (
        'require "net/http"\n'
        'require "json"\n'
        "uri = URI(ARGV[0])\n"
        "Net::HTTP.start(uri.host, uri.port) do |http|\n"
        '  req = Net::HTTP::Post.new("/echo?page=2")\n'
        '  req["Content-Type"] = "application/json"\n'
        '  req["X-Trace"] = "t-1"\n'
        '  req.body = JSON.generate({"n" => 1, "s" => "é"})\n'
        "  res = http.request(req)\n"
        '  puts res.code, JSON.parse(res.body)["method"]\n'
        '  res = http.get("/status/404")\n'
        "  puts res.code, res.class, res.body\n"
        "end\n"
        'res = Net::HTTP.post_form(URI(ARGV[0]), "a" => "1", "b" => "x y")\n'
        'puts JSON.parse(res.body)["method"]\n'
    )
    result = sb.run_script(
        language="ruby", code=code, args=[server.url("/echo")], http=_allow(server)
    )
    assert 0 == result.exit_code, result.stderr
    assert ["200", "POST", "404", "Net::HTTPNotFound", "status 404", "POST"] == (
        result.stdout.splitlines()
    )
    first, _, form = server.requests[-3:]
    assert ("POST", "page=2") == (first.method, first.query)
    assert json.loads(first.body) == {"n": 1, "s": "é"}
    assert ["t-1"] == first.header("X-Trace")
    assert b"a=1&b=x+y" == form.body


def test_open_uri_reads_through_the_gateway(sb: Sandbox, server: Server) -> None:
    code = (
        'require "open-uri"\n'
        "URI.open(ARGV[0]) { |f| puts f.status.inspect, f.read.bytesize }\n"
        "puts URI(ARGV[0]).read.bytesize\n"
    )
    result = sb.run_script(
        language="ruby", code=code, args=[server.url("/large?n=5000")], http=_allow(server)
    )
    assert ['["200", "OK"]', "5000", "5000"] == result.stdout.splitlines(), result.stderr


def test_a_denied_host_is_an_error_naming_the_host(sb: Sandbox, server: Server) -> None:
    code = (
        'require "net/http"\n'
        "begin\n"
        '  Net::HTTP.get(URI("https://not-allowed.example/x"))\n'
        "rescue SocketError => e\n"
        '  puts "#{e.class} #{e.kind}: #{e.message}"\n'
        "end\n"
        'puts "still running"\n'
    )
    result = sb.run_script(language="ruby", code=code, http=_allow(server))
    assert 0 == result.exit_code, result.stderr
    first, last = result.stdout.splitlines()
    assert first.startswith("EmbedSandbox::HTTPError denied: ")
    assert "'not-allowed.example' is not allowed" in first
    assert "still running" == last
    assert [] == server.requests


def test_without_http_the_run_has_no_network(sb: Sandbox) -> None:
    code = 'require "net/http"\nNet::HTTP.get(URI("http://example.com/"))\n'
    result = sb.run_script(language="ruby", code=code)
    assert 1 == result.exit_code
    assert "no network access" in result.stderr
    assert "main.rb:2" in result.stderr  # the user's frame, not ours


def test_sockets_are_refused_with_a_reason(sb: Sandbox) -> None:
    code = 'require "socket"\nTCPSocket.open("127.0.0.1", 80)\n'
    result = sb.run_script(language="ruby", code=code)
    assert 1 == result.exit_code
    assert "SocketError" in result.stderr and "no sockets" in result.stderr


def test_redirect_to_a_denied_host_is_refused(sb: Sandbox, server: Server) -> None:
    code = (
        'require "net/http"\n'
        "begin\n"
        "  Net::HTTP.get_response(URI(ARGV[0]))\n"
        "rescue SocketError => e\n"
        "  puts e.message\n"
        "end\n"
    )
    target = "http://evil.example/steal"
    result = sb.run_script(
        language="ruby",
        code=code,
        args=[server.url(f"/redirect?to={target}")],
        http=_allow(server, bearer={"token": "rb-redirect-secret"}),
    )
    assert "'evil.example' is not allowed" in result.stdout, result.stderr
    assert "rb-redirect-secret" not in result.model_dump_json()


@pytest.mark.parametrize("chunked", [False, True])
def test_a_large_response_arrives_intact(sb: Sandbox, server: Server, chunked: bool) -> None:
    n = 3 << 20
    code = (
        'require "net/http"\n'
        'require "digest"\n'
        "data = Net::HTTP.get(URI(ARGV[0]))\n"
        'puts "#{data.bytesize} #{Digest::SHA256.hexdigest(data)}"\n'
    )
    url = server.url(f"/large?n={n}" + ("&chunked=1" if chunked else ""))
    result = sb.run_script(language="ruby", code=code, args=[url], http=_allow(server))
    assert f"{n} {hashlib.sha256(b'x' * n).hexdigest()}\n" == result.stdout, result.stderr


def test_a_binary_request_body_arrives_intact(sb: Sandbox, server: Server) -> None:
    code = (
        'require "net/http"\n'
        "uri = URI(ARGV[0])\n"
        "body = (0..255).map(&:chr).join.b * 4\n"
        'res = Net::HTTP.post(uri, body, "Content-Type" => "application/octet-stream")\n'
        "puts res.code\n"
    )
    result = sb.run_script(
        language="ruby", code=code, args=[server.url("/echo")], http=_allow(server)
    )
    assert "200\n" == result.stdout, result.stderr
    assert bytes(range(256)) * 4 == server.last.body


def test_https_with_certificate_verification(tls_server: Server, ca_bundle: Path) -> None:
    options = EgressOptions(allow_private_networks=True, ca_bundle=str(ca_bundle))
    code = (
        'require "net/http"\n'
        "uri = URI(ARGV[0])\n"
        "http = Net::HTTP.new(uri.host, uri.port)\n"
        "http.use_ssl = true\n"
        "puts http.get(uri.request_uri).code\n"
    )
    with Sandbox(egress=options, store=None) as sandbox:
        ok = sandbox.run_script(
            language="ruby",
            code=code,
            args=[tls_server.url("/echo", host="localhost")],
            http={"allow": [{"host": "localhost"}]},
        )
        assert (0, "200\n") == (ok.exit_code, ok.stdout), ok.stderr
        # The certificate is for 'localhost', not for the IP: the gateway refuses it.
        bad = sandbox.run_script(
            language="ruby",
            code=code,
            args=[tls_server.url("/echo", host="127.0.0.1")],
            http={"allow": [{"host": "127.0.0.1"}]},
        )
    assert 1 == bad.exit_code
    assert "EmbedSandbox::HTTPError" in bad.stderr


def test_a_function_can_call_an_allowed_api(sb: Sandbox, server: Server) -> None:
    code = (
        'require "net/http"\n'
        'require "json"\n'
        "def execute(input)\n"
        '  res = Net::HTTP.get_response(URI(input["url"]))\n'
        '  {"status" => res.code.to_i, "method" => JSON.parse(res.body)["method"]}\n'
        "end\n"
    )
    result = sb.run_function(
        language="ruby", code=code, input={"url": server.url("/echo")}, http=_allow(server)
    )
    assert ("valid", {"status": 200, "method": "GET"}) == (result.output_status, result.output)


def test_a_slow_upstream_is_bounded_by_the_execution_timeout(sb: Sandbox, server: Server) -> None:
    start = time.monotonic()
    result = sb.run_script(
        language="ruby",
        code='require "net/http"\nNet::HTTP.get(URI(ARGV[0]))\n',
        args=[server.url("/slow?delay=10")],
        http=_allow(server),
        limits={"execution_timeout": 1},
    )
    assert time.monotonic() - start < 6
    assert 0 != result.exit_code


def test_a_proxy_in_the_guest_env_does_not_route_requests(sb: Sandbox, server: Server) -> None:
    code = 'require "net/http"\nputs Net::HTTP.get_response(URI(ARGV[0])).code\n'
    result = sb.run_script(
        language="ruby",
        code=code,
        args=[server.url("/echo")],
        env={"http_proxy": "http://10.0.0.1:3128"},
        http=_allow(server),
    )
    assert (0, "200\n") == (result.exit_code, result.stdout), result.stderr
    assert "/echo" == server.last.path


def test_held_replies_are_capped(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Threat: a guest that keeps every host reply to hold the host's memory. Contained."""
    from embedsandbox._engines._ruby import _door

    monkeypatch.setattr(_door, "HELD_REPLY_BYTES", 10_000)
    code = (
        "kept = []\n"
        "500.times { kept << JS.eval('x' * 100) }\n"  # unknown requests: 28 bytes each
        "puts JSON.parse(JS.eval('more').to_s)['kind']\n"
    )
    result = sb.run_script(language="ruby", code=code)
    assert (0, "limit\n") == (result.exit_code, result.stdout), result.stderr
