"""End to end for PHP: file_get_contents / stream contexts / curl_* -> the prelude's wrappers ->
the host door (a shadowed harness file) -> egress gateway -> a real server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from embedsandbox import EgressOptions, Sandbox

from .conftest import Server

pytestmark = pytest.mark.guest


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(
        store=None, egress=EgressOptions(allow_private_networks=["127.0.0.1/32"])
    ) as sandbox:
        yield sandbox


def _allow(server: Server, **auth: object) -> dict[str, object]:
    entry: dict[str, object] = {"host": "127.0.0.1"}
    if auth:  # an entry with auth and no port would send it only to port 80
        entry = {"host": f"127.0.0.1:{server.port}", "auth": auth}
    return {"allow": [entry]}


def test_file_get_contents_with_a_secret_bearer_token(sb: Sandbox, server: Server) -> None:
    token = "phptok-" + secrets.token_hex(16)
    secret = sb.secrets.create(name="php-token", value=token)
    code = (
        "<?php\n"
        "$body = json_decode(file_get_contents($argv[1]), true);\n"
        "$auth = array_column($body['headers'], 1, 0)['Authorization'];\n"
        "echo $http_response_header[0], ' ', $body['method'], ' ', $auth, \"\\n\";\n"
    )
    result = sb.run_script(
        language="php",
        code=code,
        args=[server.url("/echo")],
        http=_allow(server, bearer={"secret_id": secret.id}),
    )
    assert 0 == result.exit_code, result.stderr
    assert [f"Bearer {token}"] == server.last.header("Authorization")
    # The server echoed the token; the gateway redacted it before the guest saw it.
    assert result.stdout.startswith("HTTP/1.1 200 OK GET Bearer ")
    assert token not in result.model_dump_json()


def test_a_stream_context_posts_with_headers(sb: Sandbox, server: Server) -> None:
    code = (
        "<?php\n"
        "$context = stream_context_create(['http' => [\n"
        "  'method' => 'POST',\n"
        "  'header' => \"Content-Type: application/json\\r\\nX-Trace: t-1\",\n"
        "  'content' => json_encode(['n' => 1, 's' => 'é']),\n"
        "]]);\n"
        "$body = json_decode(file_get_contents($argv[1] . '?page=2', false, $context), true);\n"
        "echo $body['method'], \"\\n\";\n"
        "$missing = @file_get_contents(str_replace('/echo', '/status/404', $argv[1]));\n"
        "var_dump($missing);\n"
        "$context = stream_context_create(['http' => ['ignore_errors' => true]]);\n"
        "echo file_get_contents(str_replace('/echo', '/status/404', $argv[1]), false, $context);\n"
    )
    result = sb.run_script(
        language="php", code=code, args=[server.url("/echo")], http=_allow(server)
    )
    assert 0 == result.exit_code, result.stderr
    assert ["POST", "bool(false)", "status 404"] == result.stdout.splitlines()
    posted = next(r for r in server.requests if r.method == "POST")
    assert "page=2" == posted.query
    assert ["t-1"] == posted.header("X-Trace")
    assert {"n": 1, "s": "é"} == json.loads(posted.body)


def test_curl_posts_json_and_reports_the_status(sb: Sandbox, server: Server) -> None:
    code = (
        "<?php\n"
        "$ch = curl_init($argv[1]);\n"
        "curl_setopt_array($ch, [\n"
        "  CURLOPT_RETURNTRANSFER => true,\n"
        "  CURLOPT_POST => true,\n"
        "  CURLOPT_POSTFIELDS => json_encode(['q' => 'x']),\n"
        "  CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'X-Key: k1'],\n"
        "]);\n"
        "$body = json_decode(curl_exec($ch), true);\n"
        "echo curl_getinfo($ch, CURLINFO_HTTP_CODE), ' ', $body['method'], \"\\n\";\n"
        "curl_close($ch);\n"
        "$ch = curl_init('https://not-allowed.example/');\n"
        "curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);\n"
        "var_dump(curl_exec($ch));\n"
        "echo curl_errno($ch), ' ', curl_error($ch), \"\\n\";\n"
    )
    result = sb.run_script(
        language="php", code=code, args=[server.url("/echo")], http=_allow(server)
    )
    assert 0 == result.exit_code, result.stderr
    lines = result.stdout.splitlines()
    assert ["200 POST", "bool(false)"] == lines[:2]
    assert lines[2].startswith("7 ") and "'not-allowed.example' is not allowed" in lines[2]
    assert {"q": "x"} == json.loads(server.last.body)
    assert ["k1"] == server.last.header("X-Key")


def test_a_denied_host_is_a_warning_naming_the_host(sb: Sandbox, server: Server) -> None:
    code = (
        "<?php\n"
        "$data = file_get_contents('https://not-allowed.example/x');\n"
        "var_dump($data);\n"
        'echo "still running\\n";\n'
    )
    result = sb.run_script(language="php", code=code, http=_allow(server))
    assert 0 == result.exit_code, result.stderr
    assert ["bool(false)", "still running"] == result.stdout.splitlines()
    assert "'not-allowed.example' is not allowed" in result.stderr
    assert [] == server.requests


def test_without_http_the_run_has_no_network(sb: Sandbox) -> None:
    result = sb.run_script(
        language="php", code="<?php var_dump(file_get_contents('http://example.com/'));"
    )
    assert (0, "bool(false)\n") == (result.exit_code, result.stdout)
    assert "no network access" in result.stderr


def test_redirect_to_a_denied_host_is_refused(sb: Sandbox, server: Server) -> None:
    target = "http://evil.example/steal"
    result = sb.run_script(
        language="php",
        code="<?php var_dump(file_get_contents($argv[1]));",
        args=[server.url(f"/redirect?to={target}")],
        http=_allow(server, bearer={"token": "php-redirect-secret"}),
    )
    assert "bool(false)\n" == result.stdout
    assert "'evil.example' is not allowed" in result.stderr
    assert "php-redirect-secret" not in result.model_dump_json()


@pytest.mark.parametrize("chunked", [False, True])
def test_a_large_response_arrives_intact(sb: Sandbox, server: Server, chunked: bool) -> None:
    n = 3 << 20
    code = "<?php $d = file_get_contents($argv[1]); echo strlen($d), ' ', hash('sha256', $d);"
    url = server.url(f"/large?n={n}" + ("&chunked=1" if chunked else ""))
    result = sb.run_script(language="php", code=code, args=[url], http=_allow(server))
    assert f"{n} {hashlib.sha256(b'x' * n).hexdigest()}" == result.stdout, result.stderr


def test_a_binary_request_body_arrives_intact(sb: Sandbox, server: Server) -> None:
    code = (
        "<?php\n"
        "$ch = curl_init($argv[1]);\n"
        "curl_setopt($ch, CURLOPT_POSTFIELDS, str_repeat(implode('', array_map('chr', range(0, 255))), 4));\n"
        "curl_setopt($ch, CURLOPT_HTTPHEADER, ['Content-Type: application/octet-stream']);\n"
        "curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);\n"
        "curl_exec($ch);\n"
        "echo curl_getinfo($ch, CURLINFO_HTTP_CODE);\n"
    )
    result = sb.run_script(
        language="php", code=code, args=[server.url("/echo")], http=_allow(server)
    )
    assert "200" == result.stdout, result.stderr
    assert bytes(range(256)) * 4 == server.last.body


def test_https_with_certificate_verification(tls_server: Server, ca_bundle: Path) -> None:
    options = EgressOptions(allow_private_networks=True, ca_bundle=str(ca_bundle))
    code = "<?php $d = file_get_contents($argv[1]); echo $d === false ? 'failed' : 'ok';"
    with Sandbox(egress=options, store=None) as sandbox:
        ok = sandbox.run_script(
            language="php",
            code=code,
            args=[tls_server.url("/echo", host="localhost")],
            http={"allow": [{"host": "localhost"}]},
        )
        assert (0, "ok") == (ok.exit_code, ok.stdout), ok.stderr
        # The certificate is for 'localhost', not for the IP: the gateway refuses it.
        bad = sandbox.run_script(
            language="php",
            code=code,
            args=[tls_server.url("/echo", host="127.0.0.1")],
            http={"allow": [{"host": "127.0.0.1"}]},
        )
    assert "failed" == bad.stdout
    assert "Warning" in bad.stderr


def test_a_function_can_call_an_allowed_api(sb: Sandbox, server: Server) -> None:
    code = (
        "<?php\n"
        "function execute($input) {\n"
        "  $body = json_decode(file_get_contents($input['url']), true);\n"
        "  // $http_response_header is set in the global scope only: PHP 8.4's function here\n"
        "  $status = (int) explode(' ', http_get_last_response_headers()[0])[1];\n"
        "  return ['status' => $status, 'method' => $body['method']];\n"
        "}\n"
    )
    result = sb.run_function(
        language="php", code=code, input={"url": server.url("/echo")}, http=_allow(server)
    )
    assert ("valid", {"status": 200, "method": "GET"}) == (result.output_status, result.output), (
        result.execution.stderr
    )


def test_a_slow_upstream_is_bounded_by_the_execution_timeout(sb: Sandbox, server: Server) -> None:
    start = time.monotonic()
    result = sb.run_script(
        language="php",
        code="<?php file_get_contents($argv[1]);",
        args=[server.url("/slow?delay=10")],
        http=_allow(server),
        limits={"execution_timeout": 1},
    )
    assert time.monotonic() - start < 6
    assert "timed out" in result.stderr or result.limit_hit is not None, result.stderr


@pytest.mark.parametrize(
    "frame",
    [
        "'12345678901234567890'",  # a length of too many digits
        "'x' . \"\\n\" . 'host:{}'",  # a length that is not a number
        "'99999999999' . \"\\n\"",  # over the message cap
    ],
)
def test_a_guest_that_breaks_the_door_protocol_is_stopped(sb: Sandbox, frame: str) -> None:
    """Threat: a guest writing garbage to the host door. Contained: a trap, not a host error."""
    code = f"<?php $h = fopen('/.sandbox/lib/door', 'r'); fwrite($h, {frame}); echo 'after';"
    result = sb.run_script(language="php", code=code)
    assert 1 == result.exit_code
    assert "after" != result.stdout
    assert "broke the host door's protocol" in result.stderr


def test_the_harness_is_read_only_and_the_door_file_stays_empty(sb: Sandbox) -> None:
    code = (
        "<?php\n"
        "var_dump(@file_put_contents('/.sandbox/main.php', 'x'));\n"
        "var_dump(@file_put_contents('/.sandbox/new.txt', 'x'));\n"
        "var_dump(filesize('/.sandbox/lib/door'));\n"
        "var_dump(scandir('/'));\n"
    )
    result = sb.run_script(language="php", code=code)
    assert 0 == result.exit_code, result.stderr
    lines = result.stdout.split("\n")
    assert ["bool(false)", "bool(false)", "int(0)"] == lines[:3]
    assert '"."' in result.stdout and ".sandbox" not in result.stdout  # / lists only its own
