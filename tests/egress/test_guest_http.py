"""End to end: guest code -> host door -> egress gateway -> a real server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from pathlib import Path

import pytest

from embedsandbox import EgressOptions, Sandbox
from embedsandbox.errors import NotFoundError

from .conftest import Server

pytestmark = pytest.mark.guest


@pytest.fixture(scope="module")
def sb() -> Sandbox:
    with Sandbox(egress=EgressOptions(allow_private_networks=["127.0.0.1/32"])) as sandbox:
        yield sandbox  # type: ignore[misc]


def _allow(server: Server, **auth: object) -> dict:
    entry: dict = {"host": "127.0.0.1"}
    if auth:  # an entry with auth and no port would send it only to port 80
        entry = {"host": f"127.0.0.1:{server.port}", "auth": auth}
    return {"allow": [entry]}


def test_python_urllib_get_with_a_secret_bearer_token(sb: Sandbox, server: Server) -> None:
    token = "tok-" + secrets.token_hex(16)
    secret = sb.secrets.create(name="api-token", value=token)
    code = (
        "import sys, json, urllib.request\n"
        "r = urllib.request.urlopen(sys.argv[1])\n"
        "body = json.loads(r.read())\n"
        "print(r.status, body['method'], dict(body['headers']).get('Authorization'))\n"
    )
    result = sb.run_script(
        language="python",
        code=code,
        args=[server.url("/echo")],
        http=_allow(server, bearer={"secret_id": secret.id}),
    )
    assert 0 == result.exit_code, result.stderr
    assert f"Bearer {token}" == server.last.header("Authorization")[0]
    # The server echoed the token; the gateway redacted it before the guest saw it.
    assert result.stdout.startswith("200 GET Bearer ")
    assert token not in result.model_dump_json()
    assert token not in repr(sb.secrets.list()) and token not in repr(secret)


def test_python_http_client_post_with_injected_header_and_query(
    sb: Sandbox, server: Server
) -> None:
    code = (
        "import http.client, json, sys\n"
        "c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]))\n"
        "c.request('POST', '/echo?page=2&api_key=guest-own', body=b'payload',\n"
        "          headers={'X-Api-Key': 'guest-value', 'Content-Type': 'text/plain'})\n"
        "r = c.getresponse()\n"
        "print(r.status, json.loads(r.read())['method'])\n"
    )
    result = sb.run_script(
        language="python",
        code=code,
        args=[str(server.port)],
        http={
            "allow": [
                {
                    "host": f"127.0.0.1:{server.port}",
                    "auth": {"header": {"name": "X-Api-Key", "value": "injected-header-value"}},
                },
            ]
        },
    )
    assert (0, "200 POST\n") == (result.exit_code, result.stdout), result.stderr
    assert ["injected-header-value"] == server.last.header("X-Api-Key")
    assert b"payload" == server.last.body
    assert "page=2" in server.last.query


def test_python_query_and_basic_auth_arrive(sb: Sandbox, server: Server) -> None:
    code = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read(); print('ok')"
    result = sb.run_script(
        language="python",
        code=code,
        args=[server.url("/echo?key=guest")],
        http=_allow(server, query={"key": "key", "value": "query-secret-1"}),
    )
    assert (0, "ok\n") == (result.exit_code, result.stdout), result.stderr
    assert "key=query-secret-1" == server.last.query
    result = sb.run_script(
        language="python",
        code=code,
        args=[server.url("/echo")],
        http=_allow(server, basic={"user_id": "alice", "password": "basic-secret-1"}),
    )
    assert 0 == result.exit_code, result.stderr
    assert ["Basic YWxpY2U6YmFzaWMtc2VjcmV0LTE="] == server.last.header("Authorization")


def test_python_requests_of_the_default_guest_through_the_gateway(
    sb: Sandbox, server: Server
) -> None:
    code = (
        "import sys, requests\n"
        "r = requests.post(sys.argv[1], json={'n': 1}, params={'q': 'a b'})\n"
        "print(r.status_code, r.json()['method'], r.json()['query'])\n"
        "try:\n"
        "    requests.get('http://denied.example/')\n"
        "except requests.ConnectionError as e:\n"
        "    print('ConnectionError', 'denied.example' in str(e))\n"
    )
    result = sb.run_script(
        language="python",
        code=code,
        args=[server.url("/echo")],
        http=_allow(server),
    )
    assert 0 == result.exit_code, result.stderr
    assert "200 POST q=a+b\nConnectionError True\n" == result.stdout
    assert b'{"n": 1}' == server.last.body


def test_python_httpx_of_the_default_guest_through_the_gateway(sb: Sandbox, server: Server) -> None:
    code = (
        "import sys, asyncio, httpx\n"
        "r = httpx.post(sys.argv[1], json={'n': 1}, params={'q': 'a b'})\n"
        "print(r.status_code, r.json()['method'], r.json()['query'])\n"
        "async def main():\n"
        "    async with httpx.AsyncClient() as client:\n"
        "        r = await client.get(sys.argv[1])\n"
        "        print(r.status_code, r.json()['method'])\n"
        "asyncio.run(main())\n"
        "try:\n"
        "    httpx.get('http://denied.example/')\n"
        "except httpx.ConnectError as e:\n"
        "    print('ConnectError', 'denied.example' in str(e))\n"
        "try:\n"
        "    httpx.Client(proxy='http://127.0.0.1:1')\n"
        "except OSError as e:\n"
        "    print('proxy refused')\n"
    )
    result = sb.run_script(
        language="python", code=code, args=[server.url("/echo")], http=_allow(server)
    )
    assert 0 == result.exit_code, result.stderr
    assert "200 POST q=a+b\n200 GET\nConnectError True\nproxy refused\n" == result.stdout
    assert b'{"n":1}' == server.requests[0].body.replace(b" ", b"")
    assert 2 == len(server.requests)


def test_python_denied_host_is_a_urlerror_naming_the_host(sb: Sandbox, server: Server) -> None:
    code = (
        "import urllib.request, urllib.error\n"
        "try:\n"
        "    urllib.request.urlopen('https://not-allowed.example/x')\n"
        "except urllib.error.URLError as e:\n"
        "    print('URLError:', e.reason)\n"
        "print('still running')\n"
    )
    result = sb.run_script(language="python", code=code, http=_allow(server))
    assert 0 == result.exit_code, result.stderr
    assert "'not-allowed.example' is not allowed" in result.stdout
    assert result.stdout.endswith("still running\n")
    assert [] == server.requests


def test_python_without_http_has_no_network(sb: Sandbox) -> None:
    code = (
        "import urllib.request\n"
        "try:\n"
        "    urllib.request.urlopen('http://example.com/')\n"
        "except OSError as e:\n"
        "    print(e)\n"
    )
    result = sb.run_script(language="python", code=code)
    assert "no network access" in result.stdout


def test_python_https_with_certificate_verification(
    server: Server, tls_server: Server, ca_bundle: Path
) -> None:
    options = EgressOptions(allow_private_networks=True, ca_bundle=str(ca_bundle))
    with Sandbox(egress=options) as sandbox:
        code = "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).status)"
        ok = sandbox.run_script(
            language="python",
            code=code,
            args=[tls_server.url("/echo", host="localhost")],
            http={"allow": [{"host": "localhost"}]},
        )
        assert (0, "200\n") == (ok.exit_code, ok.stdout), ok.stderr
        # the certificate is for 'localhost', not for the IP: verification refuses it
        bad = sandbox.run_script(
            language="python",
            code=code,
            args=[tls_server.url("/echo", host="127.0.0.1")],
            http={"allow": [{"host": "127.0.0.1"}]},
        )
        assert 1 == bad.exit_code
        assert "URLError" in bad.stderr


def test_python_redirect_to_a_denied_host_is_refused(sb: Sandbox, server: Server) -> None:
    code = (
        "import sys, urllib.request, urllib.error\n"
        "try:\n"
        "    urllib.request.urlopen(sys.argv[1])\n"
        "except urllib.error.URLError as e:\n"
        "    print(e.reason)\n"
    )
    target = "http://evil.example/steal"
    result = sb.run_script(
        language="python",
        code=code,
        args=[server.url(f"/redirect?to={target}")],
        http=_allow(server, bearer={"token": "redirect-secret-1"}),
    )
    assert "'evil.example' is not allowed" in result.stdout
    assert "redirect-secret-1" not in result.model_dump_json()


def test_python_large_response_arrives_intact(sb: Sandbox, server: Server) -> None:
    n = 3 << 20
    code = (
        "import sys, hashlib, urllib.request\n"
        "data = urllib.request.urlopen(sys.argv[1]).read()\n"
        "print(len(data), hashlib.sha256(data).hexdigest())\n"
    )
    result = sb.run_script(
        language="python", code=code, args=[server.url(f"/large?n={n}")], http=_allow(server)
    )
    assert f"{n} {hashlib.sha256(b'x' * n).hexdigest()}\n" == result.stdout, result.stderr


def test_python_oversized_response_is_cut_with_an_error(server: Server) -> None:
    options = EgressOptions(allow_private_networks=True, max_response_body_bytes=1 << 20)
    with Sandbox(egress=options) as sandbox:
        code = (
            "import sys, urllib.request, urllib.error\n"
            "try:\n"
            "    urllib.request.urlopen(sys.argv[1]).read()\n"
            "except urllib.error.URLError as e:\n"
            "    print(e.reason)\n"
        )
        result = sandbox.run_script(
            language="python", code=code, args=[server.url("/large?n=2000000")], http=_allow(server)
        )
    assert "cap" in result.stdout


def test_python_slow_upstream_is_bounded_by_the_execution_timeout(
    sb: Sandbox, server: Server
) -> None:
    start = time.monotonic()
    result = sb.run_script(
        language="python",
        code="import sys, urllib.request; urllib.request.urlopen(sys.argv[1])",
        args=[server.url("/slow?delay=10")],
        http=_allow(server),
        limits={"execution_timeout": 1},
    )
    assert time.monotonic() - start < 4
    assert 0 != result.exit_code


def test_unknown_secret_id_is_refused_before_the_run(sb: Sandbox, server: Server) -> None:
    with pytest.raises(NotFoundError, match="sec_missing"):
        sb.run_script(
            language="python",
            code="print(1)",
            http=_allow(server, bearer={"secret_id": "sec_missing"}),
        )


def test_host_proxy_variables_do_not_route_guest_traffic(
    sb: Sandbox, server: Server, dead_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{dead_port}")
    code = "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).status)"
    result = sb.run_script(
        language="python", code=code, args=[server.url("/echo")], http=_allow(server)
    )
    assert (0, "200\n") == (result.exit_code, result.stdout), result.stderr


def test_no_secret_in_any_artifact_of_a_run(sb: Sandbox, server: Server) -> None:
    """Threat: a credential leaking into results, errors or reprs. Searched everywhere."""
    token = "needle-" + secrets.token_hex(12)
    secret = sb.secrets.create(name="needle", value=token)
    http = {
        "allow": [
            {"host": "127.0.0.1:*", "auth": {"bearer": {"secret_id": secret.id}}},
            {
                "host": "literal.example",
                "auth": {"header": {"name": "X-K", "value": token + "-lit"}},
            },
        ]
    }
    code = (
        "import sys, json, urllib.request, urllib.error\n"
        "print(urllib.request.urlopen(sys.argv[1]).read().decode())\n"
        "for url in ('http://literal.example/', 'http://other.example/'):\n"
        "    try:\n"
        "        urllib.request.urlopen(url)\n"
        "    except urllib.error.URLError as e:\n"
        "        print(e)\n"
        "import os; print(os.environ)\n"
    )
    result = sb.run_script(language="python", code=code, args=[server.url("/echo")], http=http)
    assert server.last.header("Authorization") == [f"Bearer {token}"]
    dumped = (
        result.model_dump_json()
        + repr(result)
        + json.dumps([s.model_dump() for s in sb.secrets.list()])
    )
    assert token not in dumped


def test_python_function_can_call_an_allowed_api(sb: Sandbox, server: Server) -> None:
    code = (
        "import json, urllib.request\n"
        "def execute(input):\n"
        "    with urllib.request.urlopen(input['url']) as r:\n"
        "        return {'status': r.status, 'method': json.loads(r.read())['method']}\n"
    )
    result = sb.run_function(
        language="python", code=code, input={"url": server.url("/echo")}, http=_allow(server)
    )
    assert ("valid", {"status": 200, "method": "GET"}) == (result.output_status, result.output)


def test_javascript_fetch_with_a_secret_token(sb: Sandbox, server: Server) -> None:
    token = "jstok-" + secrets.token_hex(16)
    secret = sb.secrets.create(name="js-token", value=token)
    code = (
        "const r = await fetch(process.argv[2], {method: 'POST', headers: {'Content-Type': 'application/json'},\n"
        "  body: JSON.stringify({n: 1})});\n"
        "const body = await r.json();\n"
        "console.log(r.status, r.ok, body.method, atob(body.body));\n"
        "try { await fetch('https://denied.example/x') } catch (e) { console.log(e.name, e.message) }\n"
    )
    result = sb.run_script(
        language="javascript",
        code=code,
        args=[server.url("/echo")],
        http=_allow(server, bearer={"secret_id": secret.id}),
    )
    assert 0 == result.exit_code, result.stderr
    lines = result.stdout.splitlines()
    assert '200 true POST {"n":1}' == lines[0]
    assert lines[1].startswith("TypeError fetch failed: host 'denied.example' is not allowed")
    assert [f"Bearer {token}"] == server.last.header("Authorization")
    assert token not in result.model_dump_json()


def test_typescript_function_fetches_over_https(tls_server: Server, ca_bundle: Path) -> None:
    options = EgressOptions(allow_private_networks=True, ca_bundle=str(ca_bundle))
    code = (
        "export async function execute(input: {url: string}): Promise<{status: number, q: string}> {\n"
        "  const url = new URL(input.url);\n"
        "  url.searchParams.set('q', 'a b');\n"
        "  const r: Response = await fetch(url);\n"
        "  const body = await r.json() as {query: string};\n"
        "  return {status: r.status, q: body.query};\n"
        "}\n"
    )
    with Sandbox(egress=options, store=None) as sandbox:
        result = sandbox.run_function(
            language="typescript",
            code=code,
            input={"url": tls_server.url("/echo", host="localhost")},
            http={"allow": [{"host": "localhost"}]},
        )
    assert ("valid", {"status": 200, "q": "q=a+b"}) == (result.output_status, result.output), (
        result.execution.stderr
    )


def test_javascript_large_binary_response_arrives_intact(sb: Sandbox, server: Server) -> None:
    n = 3 << 20
    code = (
        "const r = await fetch(process.argv[2]);\n"
        "const bytes = new Uint8Array(await r.arrayBuffer());\n"
        "let ok = bytes.every((b) => b === 120);\n"
        "console.log(bytes.length, ok);\n"
    )
    result = sb.run_script(
        language="javascript", code=code, args=[server.url(f"/large?n={n}")], http=_allow(server)
    )
    assert f"{n} true\n" == result.stdout, result.stderr
