"""Hostile request bodies against the real server: each gets a clean 4xx `{code, message}`.

Never a 500, never a dropped connection: wrong JSON types, lone surrogates and control
characters, over-long paths, quotas on every field, malformed bodies, huge headers.
"""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Server

SURROGATE = "\ud800"


@pytest.fixture(scope="module")
def key(server: Server) -> str:
    return server.key()


def post(server: Server, key: str, path: str, body: Any, **kw: Any) -> httpx.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=True).encode()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    return httpx.post(server.url + path, content=raw, headers=headers, timeout=60, **kw)


def assert_clean_4xx(response: httpx.Response, *fragments: str) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    body = response.json()
    assert set(body) >= {"code", "message"} and isinstance(body["message"], str)
    for fragment in fragments:
        assert fragment in body["message"], body["message"]
    return dict(body)


def script(**fields: Any) -> dict[str, Any]:
    return {"language": "javascript", "code": "console.log(1)", **fields}


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"limits": {"execution_timeout": "5"}}, "execution_timeout"),
        ({"limits": {"execution_timeout": True}}, "execution_timeout"),
        ({"limits": {"memory_size": "128"}}, "memory_size"),
        ({"limits": {"memory_size": 128.0}}, "memory_size"),
        ({"limits": {"fuel": True}}, "fuel"),
        ({"code": 5}, "code"),
        ({"args": [1]}, "args.0"),
        ({"stdin": False}, "stdin"),
        ({"env": {"A": 1}}, "env.A"),
        ({"files": [{"path": "a", "contents": 1}]}, "files.0.contents"),
        ({"http": {"allow": [{"host": 1}]}}, "http.allow.0.host"),
        ({"runtime_revision_id": 7}, "runtime_revision_id"),
    ],
)
def test_wrong_json_types_are_refused(
    server: Server, key: str, fields: dict, fragment: str
) -> None:
    assert_clean_4xx(post(server, key, "/v1/execute", script(**fields)), fragment)


def test_an_int_for_a_float_field_is_fine(server: Server, key: str) -> None:
    response = post(server, key, "/v1/execute", script(limits={"execution_timeout": 5}))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/v1/execute", script(code=SURROGATE), "code"),
        ("/v1/execute", script(args=["a" + SURROGATE]), "args.0"),
        ("/v1/execute", script(stdin="x\udfff"), "stdin"),
        ("/v1/execute", script(env={"A": SURROGATE}), "env"),
        ("/v1/execute", script(env={SURROGATE: "1"}), "env"),
        ("/v1/execute", script(files=[{"path": SURROGATE, "contents": ""}]), "files.0.path"),
        ("/v1/execute", script(files=[{"path": "a", "contents": SURROGATE}]), "files.0"),
        ("/v1/execute", script(http={"allow": [{"host": SURROGATE}]}), "host"),
        (
            "/v1/execute",
            script(http={"allow": [{"host": "a.test", "auth": {"bearer": {"token": SURROGATE}}}]}),
            "token",
        ),
        (
            "/v1/execute-function",
            {"language": "python", "code": "", "input": {"a": [{"b": SURROGATE}]}},
            "input.a[0].b",
        ),
        (
            "/v1/execute-function",
            {"language": "python", "code": "", "input": {SURROGATE: 1}},
            "a key in input",
        ),
        ("/v1/tools", {"name": "t", "code": SURROGATE, "language": "python"}, "code"),
        (
            "/v1/tools",
            {"name": "t", "code": "", "language": "python", "description": SURROGATE},
            "description",
        ),
        (
            "/v1/tools",
            {"name": "t", "code": "", "language": "python", "input_schema": {SURROGATE: 1}},
            "input_schema",
        ),
        ("/v1/secrets", {"name": SURROGATE, "value": "v"}, "name"),
        ("/v1/secrets", {"name": "n", "value": SURROGATE}, "value"),
    ],
)
def test_lone_surrogates_are_refused_naming_the_field(
    server: Server, key: str, path: str, body: dict, fragment: str
) -> None:
    body = assert_clean_4xx(post(server, key, path, body), fragment)
    assert "unicode" in body["message"].lower()


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"env": {"A\nB": "1"}}, "control"),
        ({"env": {"A\rB": "1"}}, "control"),
        ({"env": {"A\x00": "1"}}, "NUL"),
        ({"env": {"A\x7f": "1"}}, "control"),
        ({"files": [{"path": "a\nb", "contents": ""}]}, "control"),
        ({"files": [{"path": "a\x00", "contents": ""}]}, "NUL"),
        ({"files": [{"path": "a\x1b[2J", "contents": ""}]}, "control"),
        ({"files": [{"path": "a/" * 5000 + "b", "contents": ""}]}, "4096 bytes"),
        ({"files": [{"path": "x" * 10_000, "contents": ""}]}, "4096 bytes"),
        ({"files": [{"path": "d/" + "x" * 300, "contents": ""}]}, "255 bytes"),
        ({"files": [{"path": "é" * 200, "contents": ""}]}, "255 bytes"),
    ],
)
def test_control_characters_and_long_paths_are_refused(
    server: Server, key: str, fields: dict, fragment: str
) -> None:
    assert_clean_4xx(post(server, key, "/v1/execute", script(**fields)), fragment)


@pytest.mark.parametrize("language", ["javascript", "python"])
def test_newlines_in_env_values_and_contents_and_long_valid_paths_run(
    server: Server, key: str, language: str
) -> None:
    path = "/".join(["d" * 250] * 15) + "/f.txt"  # 3,771 bytes, every part under 255
    code = (
        "console.log(process.env.A.length)"
        if language == "javascript"
        else "import os; print(len(os.environ['A']))"
    )
    response = post(
        server,
        key,
        "/v1/execute",
        {
            "language": language,
            "code": code,
            "env": {"A": "a\nb"},
            "files": [{"path": path, "contents": "x\ny"}, {"path": "e" * 255, "contents": ""}],
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["stdout"].strip() == "3"


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"code": "x" * ((1 << 20) + 1)}, "code"),
        ({"args": ["a"] * 1001}, "args"),
        ({"args": ["a" * ((128 << 10) + 1)]}, "args.0"),
        ({"args": ["a" * (100 << 10)] * 11}, "in all"),
        ({"env": {f"E{i}": "" for i in range(1001)}}, "env"),
        ({"env": {"E" * 1025: ""}}, "env"),
        ({"env": {"A": "v" * ((128 << 10) + 1)}}, "env"),
        ({"files": [{"path": f"f{i}", "contents": ""} for i in range(1001)]}, "files"),
        ({"http": {"allow": [{"host": f"h{i}.test"} for i in range(101)]}}, "http.allow"),
    ],
)
def test_field_quotas_are_refused_before_any_guest(
    server: Server, key: str, fields: dict, fragment: str
) -> None:
    assert_clean_4xx(post(server, key, "/v1/execute", script(**fields)), fragment)


def test_input_depth_and_size_quotas(server: Server, key: str) -> None:
    deep: Any = 1
    for _ in range(150):
        deep = [deep]
    body = {"language": "python", "code": "", "input": deep}
    assert_clean_4xx(post(server, key, "/v1/execute-function", body), "nested more than 100")


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"",
        b"[]",
        b'"a string"',
        b"null",
        b"\xff\xfe{}",
        b'{"language": "python", "code": "\xed\xa0\x80"}',
        b"[" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"language": "python", "code": "", "limits": {"execution_timeout": 1e999}}',
        b'{"language": "python", "code": "", "limits": {"fuel": ' + b"9" * 10_000 + b"}}",
        b'{"language": "python", "code": "", "limits": {"execution_timeout": NaN}}',
        b'{"language": "python", "code": "", "limits": {"execution_timeout": Infinity}}',
        b'{"language": "python", "code": "", "code": "x"}',
        b'{"language": "python", "code": ""',
        b"\xef\xbb\xbf{}",
    ],
)
def test_malformed_bodies_get_a_clean_4xx(server: Server, key: str, raw: bytes) -> None:
    for path in ("/v1/execute", "/v1/execute-function", "/v1/tools", "/v1/secrets"):
        assert_clean_4xx(post(server, key, path, raw))


def test_huge_and_many_headers_get_431_or_400_never_a_reset(server: Server, key: str) -> None:
    auth = {"Authorization": f"Bearer {key}"}
    many = httpx.get(
        server.url + "/v1/tools", headers={**auth, **{f"x-h{i}": "1" for i in range(2000)}}
    )
    assert many.status_code == 431 and "headers" in many.json()["message"]
    big = httpx.get(server.url + "/v1/tools", headers={**auth, "x-big": "a" * (40 << 10)})
    assert big.status_code == 431 and big.json()["code"] == 3
    big = httpx.get(server.url + "/v1/tools", headers={**auth, "x-big": "a" * (200 << 10)})
    assert big.status_code == 431
    # Past h11's 256 KiB buffer, uvicorn answers 400 itself (plain text) and closes; a client
    # still sending may see that close as a reset. The server stays up either way.
    try:
        huge = httpx.get(server.url + "/healthz", headers={"x-big": "a" * (1 << 20)})
        assert huge.status_code == 400
    except httpx.TransportError:
        pass
    assert httpx.get(server.url + "/healthz").status_code == 200


def test_the_server_stays_up(server: Server) -> None:
    # A raw socket: a body the client library would not send (bad Content-Length).
    host = urlparse(server.url)
    with socket.create_connection((host.hostname, host.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/execute HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}")
        assert sock.recv(100).startswith(b"HTTP/1.1 4")
    assert httpx.get(server.url + "/healthz").status_code == 200


_ROUTES = [
    ("/v1/execute", lambda v: script(code=v)),
    ("/v1/execute", lambda v: script(args=[v], stdin=v)),
    ("/v1/execute", lambda v: script(env={v: v})),
    ("/v1/execute", lambda v: script(files=[{"path": v, "contents": v}])),
    ("/v1/execute", lambda v: script(http={"allow": [{"host": v}]}, runtime_revision_id=v)),
    ("/v1/execute-function", lambda v: {"language": "javascript", "code": v, "input": {v: [v]}}),
    ("/v1/tools", lambda v: {"name": v, "code": v, "language": "python", "description": v}),
    (
        "/v1/tools",
        lambda v: {"name": "t", "code": "", "language": "python", "input_schema": {v: v}},
    ),
    ("/v1/tools/tool_x/execute", lambda v: {"input": v, "env": [{"name": v, "value": v}]}),
    ("/v1/secrets", lambda v: {"name": v, "value": v}),
    (
        "/v1/runtimes",
        lambda v: {
            "name": v,
            "language": "python",
            "manifest_file": {"name": "requirements.txt", "contents": v},
            "additional_python_imports": v,
        },
    ),
]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    route=st.sampled_from(range(len(_ROUTES))),
    value=st.text(alphabet=st.characters(blacklist_categories=()), max_size=40),
)
def test_any_code_points_in_any_field_get_200_or_a_clean_4xx(
    server: Server, key: str, route: int, value: str
) -> None:
    path, build = _ROUTES[route]
    body = build(value)
    if path == "/v1/execute" and "code" in body and body["code"] == value:
        body["code"] = "throw 1"  # tiny when valid: the run fails fast
    if path == "/v1/execute-function":
        body["code"] = "function execute(i) { return 1 }" if not value.isascii() else value
    response = post(server, key, path, body)
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.text
    assert isinstance(response.json(), dict)
    if response.status_code != 200:
        assert_clean_4xx(response)


def test_a_list_page_stops_at_8_mib_and_its_cursor_goes_on(server: Server) -> None:
    """Threat: a list call whose page is hundreds of MiB (the server grows to hold it).
    Contained: a page stops once its JSON passes 8 MiB; `starting_after` continues."""
    key = server.key("paging")
    # Twelve executions of 1 MB of stdout each: 12 MB of records.
    code = "process.stdout.write('x'.repeat(1000000))"
    for _ in range(12):
        response = post(server, key, "/v1/execute", script(code=code))
        assert response.status_code == 200 and response.json()["exit_code"] == 0, response.text
    headers = {"Authorization": f"Bearer {key}"}
    seen: list[str] = []
    sizes: list[int] = []
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100}
        if after is not None:
            params["starting_after"] = after
        page = httpx.get(server.url + "/v1/executions", params=params, headers=headers, timeout=60)
        assert page.status_code == 200, page.text
        data = page.json()["data"]
        if not data:
            break
        sizes.append(len(page.content))
        seen += [item["id"] for item in data]
        after = data[-1]["id"]
    assert len(seen) == len(set(seen)) == 12  # every execution once, none skipped
    assert len(sizes) >= 2  # the first page stopped early
    assert all(size <= 8 * (1 << 20) + 2_500_000 for size in sizes), sizes
