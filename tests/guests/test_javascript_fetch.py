"""`fetch` and the web platform classes in real QuickJS-ng guests, against a fake host door.

The fake below implements the reply side of egress protocol v1 (see `Gateway.handle`) and
asserts the exact shape of every request the guest sends. The real gateway is tested on its
own; guest -> gateway -> loopback server runs live in tests/egress.
"""

from __future__ import annotations

import base64
import hashlib
import http
import json
import math
import time
from collections.abc import Callable
from typing import Any

import pytest

from embedsandbox._engines._base import Invocation, OutputStatus, RawOutcome, RunLimits
from embedsandbox._engines._javascript import JavaScriptEngine

pytestmark = pytest.mark.guest

LIMITS = RunLimits(
    deadline_s=20.0, memory_limit_bytes=256 << 20, fuel=None, max_output_bytes=1 << 20
)
BINARY = bytes(range(256)) * 4
BIG = hashlib.shake_256(b"embedsandbox").digest(3 << 20)  # 3 MiB of pseudo-random bytes
REQUEST_KEYS = {"op", "method", "url", "headers", "body", "timeout_s"}
KINDS = ("denied", "invalid", "limit", "network", "timeout")


class FakeGateway:
    """The host side of protocol v1 for tests; strict about what the guest sends.

    Routes (by URL path): /echo (JSON of the request), /status/N, /binary (BINARY),
    /big (BIG), /sink (stores the body), /redirected (final URL differs), /headers,
    /error/<kind>, /bad-reply.
    """

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.bodies: list[bytes | None] = []
        self.sunk: bytes | None = None

    def __call__(self, raw: bytes) -> bytes:
        message = json.loads(raw.decode("utf-8"))
        assert isinstance(message, dict)
        assert set(message) <= REQUEST_KEYS, message.keys()
        assert {"op", "method", "url", "headers", "body"} <= set(message)
        assert message["op"] == "http"
        assert isinstance(message["method"], str) and message["method"]
        assert isinstance(message["url"], str) and message["url"].startswith(
            ("http://", "https://")
        )
        assert "#" not in message["url"]
        headers = message["headers"]
        assert isinstance(headers, list)
        for pair in headers:
            assert isinstance(pair, list) and len(pair) == 2
            assert all(isinstance(x, str) for x in pair)
        body = message["body"]
        decoded = None if body is None else base64.b64decode(body, validate=True)
        if "timeout_s" in message:
            t = message["timeout_s"]
            assert isinstance(t, int | float) and not isinstance(t, bool)
            assert math.isfinite(t) and t > 0
        self.requests.append(message)
        self.bodies.append(decoded)
        reply = self.route(message, decoded)
        return json.dumps(reply).encode("utf-8")

    def route(self, m: dict[str, Any], body: bytes | None) -> dict[str, Any]:
        url: str = m["url"]
        path = url.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
        if path.startswith("error/"):
            kind = path.split("/")[1]
            return {"error": f"refused {kind} for {url}", "kind": kind}
        if path == "bad-reply":
            return {"status": "two hundred"}
        status, headers, data = 200, [["Content-Type", "application/octet-stream"]], b""
        if path == "echo":
            echo = {
                "method": m["method"],
                "url": url,
                "headers": m["headers"],
                "body": None if body is None else base64.b64encode(body).decode(),
                "timeout_s": m.get("timeout_s"),
            }
            headers = [["Content-Type", "application/json; charset=utf-8"]]
            data = json.dumps(echo).encode()
        elif path.startswith("status/"):
            status = int(path.split("/")[1])
            data = f"status {status}".encode()
            headers = [["Content-Type", "text/plain"]]
        elif path == "binary":
            data = BINARY
        elif path == "big":
            data = BIG
        elif path == "sink":
            self.sunk = body
            status = 204
        elif path == "redirected":
            url = url.replace("/redirected", "/final")
            data = b"moved"
        elif path == "headers":
            headers = [
                ["Content-Type", "text/plain; charset=utf-8"],
                ["X-Multi", "a"],
                ["x-multi", "b"],
                ["Set-Cookie", "s=1; Path=/"],
                ["Set-Cookie", "t=2"],
            ]
            data = "héllo wörld 😀".encode()
        else:
            status, data = 404, b"not found"
        return {
            "status": status,
            "reason": http.HTTPStatus(status).phrase,
            "url": url,
            "headers": headers,
            "body": base64.b64encode(data).decode(),
        }


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> JavaScriptEngine:
    eng = JavaScriptEngine(tmp_path_factory.mktemp("js-cache"))
    eng.warmup()
    return eng


@pytest.fixture
def gw() -> FakeGateway:
    return FakeGateway()


def run(
    engine: JavaScriptEngine,
    code: str,
    host: Callable[[bytes], bytes] | None,
    *,
    language: Any = "javascript",
    entry: Any = "script",
    input_json: str = "null",
) -> RawOutcome:
    inv = Invocation(
        language=language,
        code=code,
        entry=entry,
        input_json=input_json,
        limits=LIMITS,
        host_call=host,
    )
    return engine.run(inv)


def ok(out: RawOutcome) -> list[Any]:
    """Each stdout line parsed as JSON (the guests print JSON.stringify(...) lines)."""
    assert (0, "") == (out.exit_code, out.stderr), out
    return [json.loads(line) for line in out.stdout.splitlines()]


# ----------------------------------------------------------------------------- requests


def test_get_json(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    const r = await fetch("https://api.example.com/echo?q=1#frag");
    console.log(JSON.stringify([r.status, r.ok, r.statusText, r.url, r.redirected, r.type,
      r.headers.get("content-type"), r.bodyUsed]));
    const j = await r.json();
    console.log(JSON.stringify([j.method, j.url, j.headers, j.body, r.bodyUsed]));
    """
    first, second = ok(run(engine, code, gw))
    assert [
        200,
        True,
        "OK",
        "https://api.example.com/echo?q=1",
        False,
        "basic",
        "application/json; charset=utf-8",
        False,
    ] == first
    assert ["GET", "https://api.example.com/echo?q=1", [], None, True] == second
    assert 1 == len(gw.requests)


def test_post_json_string_body(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    const payload = { name: "zoë", emoji: "😀", n: [1, 2] };
    const r = await fetch("https://api.example.com/echo", {
      method: "post",
      headers: { "Content-Type": "application/json", Authorization: "Bearer x" },
      body: JSON.stringify(payload),
    });
    const j = await r.json();
    console.log(JSON.stringify([j.method, j.headers]));
    const plain = await fetch("https://api.example.com/echo", { method: "PUT", body: "just text" });
    console.log(JSON.stringify((await plain.json()).headers));
    """
    first, second = ok(run(engine, code, gw))
    assert ["POST", [["Content-Type", "application/json"], ["Authorization", "Bearer x"]]] == first
    assert [["content-type", "text/plain;charset=UTF-8"]] == second
    assert json.loads(gw.bodies[0] or b"") == {"name": "zoë", "emoji": "😀", "n": [1, 2]}
    assert b"just text" == gw.bodies[1]
    assert "PUT" == gw.requests[1]["method"]


def test_binary_request_bodies(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    const all = new Uint8Array(256).map((_, i) => i);
    const u = "https://h.example/sink";
    await fetch(u, { method: "POST", body: all });
    await fetch(u, { method: "POST", body: all.buffer });
    await fetch(u, { method: "POST", body: new DataView(all.buffer, 10, 5) });
    await fetch(u, { method: "POST", body: new Uint16Array([0x0201, 0x0403]) });
    await fetch(u, { method: "POST", body: new Blob([all.subarray(0, 3), "é"], { type: "x/y" }) });
    await fetch(u, { method: "POST", body: Buffer.from("hi") });
    await fetch(u, { method: "POST", body: new URLSearchParams({ a: "1", b: "x y&z" }) });
    console.log("done");
    """
    out = run(engine, code, gw)
    assert (0, "done\n", "") == (out.exit_code, out.stdout, out.stderr)
    assert [
        bytes(range(256)),
        bytes(range(256)),
        bytes(range(10, 15)),
        b"\x01\x02\x03\x04",
        b"\x00\x01\x02" + "é".encode(),
        b"hi",
        b"a=1&b=x+y%26z",
    ] == gw.bodies
    types = [dict((k.lower(), v) for k, v in r["headers"]).get("content-type") for r in gw.requests]
    assert [None, None, None, None, "x/y", None] == types[:6]
    assert "application/x-www-form-urlencoded;charset=UTF-8" == types[6]


def test_formdata_body_is_multipart(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    const fd = new FormData();
    fd.append("field", "va\\nlue");
    fd.append("file", new Blob([new Uint8Array([0, 255, 1])], { type: "image/png" }), "a.png");
    await fetch("https://h.example/sink", { method: "POST", body: fd });
    console.log(JSON.stringify([fd.get("field"), fd.get("file").name, fd.get("file").size,
      [...fd.keys()], fd.has("nope")]));
    """
    out = run(engine, code, gw)
    assert [["va\nlue", "a.png", 3, ["field", "file"], False]] == ok(out)
    ctype = dict(gw.requests[0]["headers"])["content-type"]
    assert ctype.startswith("multipart/form-data; boundary=")
    boundary = ctype.split("boundary=", 1)[1].encode()
    body = gw.bodies[0] or b""
    assert body.startswith(b"--" + boundary + b"\r\n")
    assert body.endswith(b"--" + boundary + b"--\r\n")
    assert b'Content-Disposition: form-data; name="field"\r\n\r\nva\r\nlue\r\n' in body
    assert (
        b'name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x00\xff\x01\r\n' in body
    )


def test_binary_response_bodies(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    const r = await fetch("https://h.example/binary");
    const copy = r.clone();
    const ab = await r.arrayBuffer();
    const bytes = await copy.bytes();
    const blob = await (await fetch("https://h.example/binary")).blob();
    const fromBlob = new Uint8Array(await blob.arrayBuffer());
    const ok = (a) => a.length === 1024 && a.every((v, i) => v === i % 256);
    console.log(JSON.stringify([ab instanceof ArrayBuffer, ok(new Uint8Array(ab)), ok(bytes),
      ok(fromBlob), blob.type, blob.size, Buffer.from(ab).toString("hex", 250, 258)]));
    """
    assert [[True, True, True, True, "application/octet-stream", 1024, "fafbfcfdfeff0001"]] == ok(
        run(engine, code, gw)
    )


def test_big_binary_round_trip_is_intact_and_fast(
    engine: JavaScriptEngine, gw: FakeGateway
) -> None:
    code = """
    const t0 = performance.now();
    const r = await fetch("https://h.example/big");
    const buf = await r.arrayBuffer();
    const back = await fetch("https://h.example/sink", { method: "POST", body: buf });
    console.log(JSON.stringify([buf.byteLength, back.status, back.body, performance.now() - t0]));
    """
    started = time.perf_counter()
    ((length, status, body, guest_ms),) = ok(run(engine, code, gw))
    wall = time.perf_counter() - started
    assert (3 << 20, 204, None) == (length, status, body)
    assert gw.sunk is not None
    assert hashlib.sha256(BIG).hexdigest() == hashlib.sha256(gw.sunk).hexdigest()
    # ~0.15 s on a laptop (native base64 both ways); generous for loaded CI machines.
    assert guest_ms < 2000, guest_ms
    assert wall < 5, wall


def test_text_decoding_and_multi_value_headers(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    const r = await fetch("https://h.example/headers");
    const h = r.headers;
    console.log(JSON.stringify([await r.text(), h.get("x-multi"), h.get("X-MULTI"),
      h.getSetCookie(), [...h.keys()], h.has("Set-Cookie")]));
    try { h.set("x", "y"); } catch (e) { console.log(JSON.stringify([e.name, e.message])); }
    """
    first, second = ok(run(engine, code, gw))
    assert [
        "héllo wörld 😀",
        "a, b",
        "a, b",
        ["s=1; Path=/", "t=2"],
        ["content-type", "set-cookie", "set-cookie", "x-multi"],
        True,
    ] == first
    assert ["TypeError", "immutable"] == second


@pytest.mark.parametrize("status", [404, 500])
def test_http_error_statuses_resolve(
    engine: JavaScriptEngine, gw: FakeGateway, status: int
) -> None:
    code = f"""
    const r = await fetch("https://h.example/status/{status}");
    console.log(JSON.stringify([r.status, r.ok, r.statusText, await r.text()]));
    """
    phrase = http.HTTPStatus(status).phrase
    assert [[status, False, phrase, f"status {status}"]] == ok(run(engine, code, gw))


def test_redirected_response(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    const r = await fetch("https://h.example/redirected?x=1");
    console.log(JSON.stringify([r.redirected, r.url, await r.text()]));
    try {
      await fetch("https://h.example/redirected", { redirect: "error" });
    } catch (e) {
      console.log(JSON.stringify([e.name, e.message, e.cause.kind]));
    }
    """
    assert [
        [True, "https://h.example/final?x=1", "moved"],
        ["TypeError", "fetch failed: unexpected redirect", "network"],
    ] == ok(run(engine, code, gw))


# ----------------------------------------------------------------------------- failures


def test_error_replies_reject_with_type_error_and_the_run_goes_on(
    engine: JavaScriptEngine, gw: FakeGateway
) -> None:
    code = """
    for (const kind of ["denied", "invalid", "limit", "network", "timeout"]) {
      try {
        await fetch(`https://h.example/error/${kind}`);
        console.log("resolved?!");
      } catch (e) {
        console.log(JSON.stringify([e instanceof TypeError, e.message, e.cause.kind]));
      }
    }
    const p = fetch("https://h.example/error/network").then(() => "no", (e) => e.constructor.name);
    console.log(JSON.stringify(await p));
    console.log(JSON.stringify("still running"));
    """
    lines = ok(run(engine, code, gw))
    assert [
        [True, f"fetch failed: refused {kind} for https://h.example/error/{kind}", kind]
        for kind in KINDS
    ] == lines[:5]
    assert ["TypeError", "still running"] == lines[5:]


def test_uncaught_fetch_failure_is_reported(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    out = run(engine, 'await fetch("https://h.example/error/denied");', gw)
    assert 1 == out.exit_code
    assert (
        "TypeError: fetch failed: refused denied for https://h.example/error/denied" in out.stderr
    )


def test_no_host_call_rejects_clearly(engine: JavaScriptEngine) -> None:
    code = """
    console.log(JSON.stringify([typeof fetch, typeof Request, typeof Response, typeof Headers]));
    try {
      await fetch("https://api.example.com/");
    } catch (e) {
      console.log(JSON.stringify([e.name, e.message, e.cause.kind]));
    }
    const d = await fetch("data:text/plain;base64,aGVsbG8=");
    console.log(JSON.stringify([d.status, d.headers.get("content-type"), await d.text()]));
    """
    assert [
        ["function", "function", "function", "function"],
        [
            "TypeError",
            "fetch failed: this execution has no network access (no http.allow entries)",
            "denied",
        ],
        [200, "text/plain", "hello"],
    ] == ok(run(engine, code, None))


def test_host_failures_and_bad_replies(engine: JavaScriptEngine) -> None:
    def broken(raw: bytes) -> bytes:
        msg = "the gateway crashed"
        raise RuntimeError(msg)

    def garbage(raw: bytes) -> bytes:
        return b"not json"

    code = """
    try { await fetch("https://h.example/"); } catch (e) {
      console.log(JSON.stringify([e.name, e.message]));
    }
    """
    assert [["TypeError", "fetch failed: the host could not complete the request"]] == ok(
        run(engine, code, broken)
    )
    assert [["TypeError", "fetch failed: invalid reply from the host"]] == ok(
        run(engine, code, garbage)
    )
    gw = FakeGateway()
    code = code.replace("https://h.example/", "https://h.example/bad-reply")
    assert [["TypeError", "fetch failed: invalid reply from the host"]] == ok(run(engine, code, gw))


def test_invalid_requests_reject_without_reaching_the_host(
    engine: JavaScriptEngine, gw: FakeGateway
) -> None:
    code = """
    const attempts = [
      () => fetch("/relative"),
      () => fetch("https://h.example/", { method: "GET", body: "x" }),
      () => fetch("https://h.example/", { method: "TRACE" }),
      () => fetch("https://h.example/", { headers: { "bad name": "x" } }),
      () => fetch("https://h.example/", { headers: { a: "line\\nbreak" } }),
      () => fetch("ftp://h.example/file"),
      () => fetch("https://user:pw@h.example/"),
    ];
    for (const attempt of attempts) {
      const p = attempt();
      console.log(JSON.stringify(await p.then(() => "resolved", (e) => [e.name, e.message])));
    }
    """
    lines = ok(run(engine, code, gw))
    assert [
        ["TypeError", "Failed to parse URL from /relative"],
        ["TypeError", "Request with GET/HEAD method cannot have body."],
        ["TypeError", "'TRACE' HTTP method is unsupported."],
        ["TypeError", 'Headers: "bad name" is an invalid header name.'],
        ["TypeError", 'Headers: "line\nbreak" is an invalid header value.'],
        ["TypeError", 'fetch failed: the URL scheme "ftp" is not supported'],
        [
            "TypeError",
            "Request cannot be constructed from a URL that includes credentials: "
            "https://user:pw@h.example/",
        ],
    ] == lines
    assert [] == gw.requests


# ----------------------------------------------------------------------------- abort


def test_abort_signals(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    const show = (e) => JSON.stringify([e.name, e.message, e instanceof DOMException, e instanceof Error]);
    const c = new AbortController();
    const events = [];
    c.signal.addEventListener("abort", (ev) => events.push(ev.type));
    c.signal.onabort = () => events.push("onabort");
    c.abort();
    console.log(JSON.stringify([c.signal.aborted, events]));
    try { await fetch("https://h.example/echo", { signal: c.signal }); } catch (e) { console.log(show(e)); }
    // aborted right after the call, before the request is sent
    const c2 = new AbortController();
    const p = fetch("https://h.example/echo", { signal: c2.signal });
    c2.abort();
    try { await p; } catch (e) { console.log(show(e)); }
    // a custom reason is what fetch rejects with
    try { await fetch("https://h.example/echo", { signal: AbortSignal.abort("why") }); }
    catch (e) { console.log(JSON.stringify(e)); }
    // a Request carries its signal
    const req = new Request("https://h.example/echo", { signal: AbortSignal.abort() });
    console.log(JSON.stringify(await fetch(req).then(() => "no", (e) => e.name)));
    try { c.signal.throwIfAborted(); } catch (e) { console.log(show(e)); }
    // a timeout signal bounds the host call (timeout_s) and does not keep the run alive
    const r = await fetch("https://h.example/echo", { signal: AbortSignal.timeout(5000) });
    const t = (await r.json()).timeout_s;
    console.log(JSON.stringify([t > 4 && t <= 5, AbortSignal.any([c.signal]).aborted]));
    """
    lines = ok(run(engine, code, gw))
    abort = ["AbortError", "This operation was aborted", True, True]
    assert [
        [True, ["onabort", "abort"]],
        abort,
        abort,
        "why",
        "AbortError",
        abort,
        [True, True],
    ] == lines
    assert 1 == len(gw.requests)  # only the timeout-signal request reached the host


def test_timeout_signal_fires(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    const s = AbortSignal.timeout(10);
    s.addEventListener("abort", () => console.log(JSON.stringify([s.reason.name, s.reason.message])));
    setTimeout(() => console.log(JSON.stringify("later")), 30);
    """
    assert [["TimeoutError", "The operation was aborted due to timeout"], "later"] == ok(
        run(engine, code, gw)
    )


# ----------------------------------------------------------------------------- classes


def test_headers_semantics(engine: JavaScriptEngine) -> None:
    code = """
    const h = new Headers({ "Content-Type": "text/plain", "X-A": " 1 " });
    h.append("x-a", "2");
    h.set("ACCEPT", "application/json");
    const out = [h.get("content-type"), h.get("X-a"), h.has("accept"), h.get("missing")];
    h.delete("X-A");
    out.push([...h], [...h.entries()].length, [...h.values()]);
    const seen = [];
    h.forEach((v, k, self) => seen.push(k + "=" + v + (self === h)));
    out.push(seen);
    out.push([...new Headers([["b", "2"], ["a", "1"]])]);
    out.push([...new Headers(new Headers({ z: "26" }))]);
    try { new Headers([["only-one"]]); } catch (e) { out.push(e.name); }
    try { h.set("x", "ü€"); } catch (e) { out.push(e.name); }
    out.push(Object.prototype.toString.call(h));
    console.log(JSON.stringify(out));
    """
    assert [
        [
            "text/plain",
            "1, 2",
            True,
            None,
            [["accept", "application/json"], ["content-type", "text/plain"]],
            2,
            ["application/json", "text/plain"],
            ["accept=application/jsontrue", "content-type=text/plaintrue"],
            [["a", "1"], ["b", "2"]],
            [["z", "26"]],
            "TypeError",
            "TypeError",
            "[object Headers]",
        ]
    ] == ok(run(engine, code, None))


def test_request_and_response_objects(engine: JavaScriptEngine) -> None:
    code = """
    const out = [];
    const req = new Request(new URL("https://h.example/a?b=1"), {
      method: "patch", headers: [["X-K", "v"]], body: "payload",
    });
    out.push([req.method, req.url, req.headers.get("x-k"), req.headers.get("content-type"),
      req.redirect, req.signal.aborted, req.bodyUsed]);
    const copy = req.clone();
    out.push([await req.text(), req.bodyUsed, await copy.text()]);
    try { req.clone(); } catch (e) { out.push(e.name); }
    const derived = new Request(copy, { method: "POST", body: "other" });
    out.push([derived.method, derived.url, await derived.text()]);
    out.push(new Request("https://h.example/", { method: "custom" }).method);

    const res = new Response("hi there", { status: 201, statusText: "Created", headers: { "X-R": "1" } });
    out.push([res.status, res.ok, res.statusText, res.headers.get("content-type"), res.url,
      res.type, res.redirected, res.bodyUsed]);
    const c = res.clone();
    out.push([await res.text(), res.bodyUsed, await c.text()]);
    try { await res.text(); } catch (e) { out.push(e.message); }
    const j = Response.json({ a: [1] }, { status: 202 });
    out.push([j.status, j.headers.get("content-type"), await j.json()]);
    const e = Response.error();
    out.push([e.type, e.status, e.ok]);
    const r = Response.redirect("https://h.example/next", 301);
    out.push([r.status, r.headers.get("location")]);
    try { new Response("x", { status: 99 }); } catch (err) { out.push(err.name); }
    try { new Response("x", { status: 204 }); } catch (err) { out.push(err.name); }
    const empty = new Response(null);
    out.push([empty.body, await empty.text(), empty.bodyUsed]);
    const fromBytes = new Response(new Uint8Array([104, 105]));
    const reader = fromBytes.body.getReader();
    const chunk = await reader.read();
    out.push([Array.from(chunk.value), chunk.done, (await reader.read()).done, fromBytes.bodyUsed]);
    const streamed = [];
    for await (const part of new Response("abc").body) streamed.push(part.length);
    out.push(streamed);
    const form = await new Response("a=1&b=2+3", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }).formData();
    out.push([...form]);
    console.log(JSON.stringify(out));
    """
    assert [
        [
            [
                "PATCH",
                "https://h.example/a?b=1",
                "v",
                "text/plain;charset=UTF-8",
                "follow",
                False,
                False,
            ],
            ["payload", True, "payload"],
            "TypeError",
            ["POST", "https://h.example/a?b=1", "other"],
            "custom",
            [201, True, "Created", "text/plain;charset=UTF-8", "", "default", False, False],
            ["hi there", True, "hi there"],
            "Body is unusable: Body has already been read",
            [202, "application/json", {"a": [1]}],
            ["error", 0, False],
            [301, "https://h.example/next"],
            "RangeError",
            "TypeError",
            [None, "", False],
            [[104, 105], False, True, True],
            [3],
            [["a", "1"], ["b", "2 3"]],
        ]
    ] == ok(run(engine, code, None))


URL_CASES: list[tuple[str, str | None, str]] = [
    (
        "https://user:pa ss@Example.COM:8080/a/./b/../c?x=1 2&y=é#frag ment",
        None,
        "https://user:pa%20ss@example.com:8080/a/c?x=1%202&y=%C3%A9#frag%20ment",
    ),
    ("../d/e?q#h", "http://a/b/c/index.html", "http://a/b/d/e?q#h"),
    ("//other.host/p", "https://a/b", "https://other.host/p"),
    ("/abs", "https://a/b/c?q#f", "https://a/abs"),
    ("?newq", "https://a/b/c?q#f", "https://a/b/c?newq"),
    ("#h2", "https://a/b/c?q#f", "https://a/b/c?q#h2"),
    ("", "https://a/b/c?q#f", "https://a/b/c?q"),
    ("http://[2001:db8:0:0:0:0:2:1]:80/", None, "http://[2001:db8::2:1]/"),
    ("http://[::ffff:192.168.0.1]/", None, "http://[::ffff:c0a8:1]/"),
    ("http://0x7f.1/", None, "http://127.0.0.1/"),
    ("http://bücher.example/", None, "http://xn--bcher-kva.example/"),
    ("HTTP://a\\b\\c", None, "http://a/b/c"),
    ("mailto:Joe@Example.com", None, "mailto:Joe@Example.com"),
    ("data:text/plain,hello world", None, "data:text/plain,hello world"),
    ("file:///tmp/x y", None, "file:///tmp/x%20y"),
    ("foo://host", None, "foo://host"),
    ("http:foo", "http://a/b/c", "http://a/b/foo"),
    ("https://a/%2e%2E/b/.%2e/c", None, "https://a/c"),
    ("https://a/b?c='d'", None, "https://a/b?c=%27d%27"),
    ("  https://a:443/b\t\n  ", None, "https://a/b"),
    ("https://a/{x}`<>", None, "https://a/%7Bx%7D%60%3C%3E"),
]
BAD_URLS = [
    "http://",
    "//x",
    "http://a:99999/",
    "http://a b/",
    "http://[::1/",
    "x",
    "http://1.2.3.256/",
]


def test_url_parsing(engine: JavaScriptEngine) -> None:
    cases = json.dumps(URL_CASES)
    bad = json.dumps(BAD_URLS)
    code = f"""
    const hrefs = {cases}.map(([input, base]) => new URL(input, base ?? undefined).href);
    const bad = {bad}.map((u) => [URL.canParse(u), URL.parse(u)]);
    let err;
    try {{ new URL("/relative"); }} catch (e) {{ err = [e.name, e.message, e.code, e.input]; }}
    console.log(JSON.stringify([hrefs, bad, err]));
    """
    ((hrefs, bad_results, err),) = ok(run(engine, code, None))
    assert [want for _, _, want in URL_CASES] == hrefs
    assert [[False, None]] * len(BAD_URLS) == bad_results
    assert ["TypeError", "Invalid URL", "ERR_INVALID_URL", "/relative"] == err


def test_url_components_and_search_params(engine: JavaScriptEngine) -> None:
    code = """
    const u = new URL("https://user:pw@api.example.com:8443/v1/items?limit=10&tag=a&tag=b#top");
    const out = [[u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port,
      u.pathname, u.search, u.hash]];
    const sp = u.searchParams;
    out.push([sp.getAll("tag"), sp.get("limit"), sp.get("nope"), sp.size, sp === u.searchParams]);
    sp.set("limit", "20");
    sp.append("q", "a b&c=d");
    sp.delete("tag");
    out.push(u.href);
    u.pathname = "/v2/x y";
    u.hash = "";
    u.port = "443";
    u.username = "";
    u.password = "";
    out.push(u.href);
    u.search = "?a=1";
    out.push([sp.get("a"), sp.has("limit"), String(u), JSON.stringify({ u })]);
    u.search = "";
    out.push([u.href, sp.size]);
    const p = new URLSearchParams("?a=1&b=x+y%20z&a=2&c&d=%F0%9F%98%80");
    p.sort();
    out.push([p.toString(), [...p.keys()], p.has("a", "2")]);
    out.push(new URLSearchParams({ x: "1", y: "é ~!'()*" }).toString());
    out.push(new URLSearchParams([["k", "v"]]).toString());
    const url = new URL("https://h.example/search");
    url.search = new URLSearchParams({ q: "fetch api", page: 2 });
    out.push(url.href);
    console.log(JSON.stringify(out));
    """
    assert [
        [
            [
                "https://api.example.com:8443",
                "https:",
                "user",
                "pw",
                "api.example.com:8443",
                "api.example.com",
                "8443",
                "/v1/items",
                "?limit=10&tag=a&tag=b",
                "#top",
            ],
            [["a", "b"], "10", None, 3, True],
            "https://user:pw@api.example.com:8443/v1/items?limit=20&q=a+b%26c%3Dd#top",
            "https://api.example.com/v2/x%20y?limit=20&q=a+b%26c%3Dd",
            [
                "1",
                False,
                "https://api.example.com/v2/x%20y?a=1",
                '{"u":"https://api.example.com/v2/x%20y?a=1"}',
            ],
            ["https://api.example.com/v2/x%20y", 0],
            ["a=1&a=2&b=x+y+z&c=&d=%F0%9F%98%80", ["a", "a", "b", "c", "d"], True],
            "x=1&y=%C3%A9+%7E%21%27%28%29*",
            "k=v",
            "https://h.example/search?q=fetch+api&page=2",
        ]
    ] == ok(run(engine, code, None))


def test_other_web_globals(engine: JavaScriptEngine) -> None:
    code = """
    const out = [];
    const src = { d: new Date(0), m: new Map([[1, { x: [1, 2] }]]), s: new Set(["a"]),
      b: new Uint8Array([1, 2]), r: /x/g, e: new RangeError("bad") };
    src.self = src;
    const c = structuredClone(src);
    out.push([c !== src, c.self === c, c.d instanceof Date, c.d.getTime(), c.m.get(1).x,
      c.m.get(1) !== src.m.get(1), [...c.s], Array.from(c.b), String(c.r), c.e.name, c.e.message]);
    try { structuredClone({ f() {} }); } catch (e) { out.push(e.name); }
    const t = new EventTarget();
    const got = [];
    t.addEventListener("ping", (e) => got.push(e.type), { once: true });
    t.dispatchEvent(new Event("ping"));
    t.dispatchEvent(new Event("ping"));
    out.push(got);
    const f = new File(["ab", "c"], "n.txt", { type: "Text/Plain", lastModified: 5 });
    out.push([f.name, f.size, f.type, f.lastModified, await f.slice(1).text(), f instanceof Blob]);
    out.push([new TextDecoder().decode(new TextEncoder().encode("héllo 😀")),
      Array.from(new TextEncoder().encode("\\ud800x")),
      new TextDecoder().decode(new Uint8Array([0x61, 0xe2, 0x82, 0x62, 0xed, 0xa0, 0x80]))]);
    console.log(JSON.stringify(out));
    """
    assert [
        [
            [True, True, True, 0, [1, 2], True, ["a"], [1, 2], "/x/g", "RangeError", "bad"],
            "DataCloneError",
            ["ping"],
            ["n.txt", 3, "text/plain", 5, "bc", True],
            ["héllo 😀", [239, 191, 189, 120], "a\ufffdb\ufffd\ufffd\ufffd"],
        ]
    ] == ok(run(engine, code, None))


def test_console_log_shows_web_objects(engine: JavaScriptEngine) -> None:
    code = """
    console.log(new URLSearchParams("a=1&b=2"));
    console.log(new Headers({ a: "1" }));
    console.log(new URL("https://h.example/p?q=1").searchParams);
    console.log(AbortSignal.abort());
    console.log(new Blob(["abc"]));
    """
    out = run(engine, code, None)
    assert 0 == out.exit_code, out.stderr
    assert (
        "URLSearchParams { 'a' => '1', 'b' => '2' }\n"
        "Headers { a: '1' }\n"
        "URLSearchParams { 'q' => '1' }\n"
        "AbortSignal { aborted: true }\n"
        "Blob { size: 3, type: '' }\n"
    ) == out.stdout


# ----------------------------------------------------------------------------- modes


def test_typescript_with_types(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    interface Echo { method: string; url: string; headers: [string, string][] }
    async function call<T>(path: string, init?: RequestInit): Promise<T> {
      const url: URL = new URL(path, "https://api.example.com");
      url.searchParams.set("v", "2");
      const res: Response = await fetch(url, init);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return (await res.json()) as T;
    }
    const headers: HeadersInit = new Headers({ Accept: "application/json" });
    const echo = await call<Echo>("/echo", { method: "DELETE", headers });
    const signal: AbortSignal = new AbortController().signal;
    console.log(JSON.stringify([echo.method, echo.url, echo.headers, signal.aborted]));
    try { await call<Echo>("/status/500"); } catch (e: unknown) {
      console.log(JSON.stringify((e as Error).message));
    }
    """
    assert [
        ["DELETE", "https://api.example.com/echo?v=2", [["Accept", "application/json"]], False],
        "HTTP 500",
    ] == ok(run(engine, code, gw, language="typescript"))


@pytest.mark.parametrize("language", ["javascript", "typescript"])
def test_function_mode_async_execute(
    engine: JavaScriptEngine, gw: FakeGateway, language: str
) -> None:
    code = """
    export async function execute(input) {
      const res = await fetch("https://api.example.com/echo", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
      });
      const echo = await res.json();
      return { status: res.status, method: echo.method, sent: JSON.parse(atob(echo.body)) };
    }
    """
    out = run(engine, code, gw, language=language, entry="function", input_json='{"n": 41}')
    assert (0, "", OutputStatus.VALID) == (out.exit_code, out.stderr, out.output_status)
    assert {"status": 200, "method": "POST", "sent": {"n": 41}} == json.loads(out.output_json or "")


def test_function_mode_plain_execute_and_then_chain(
    engine: JavaScriptEngine, gw: FakeGateway
) -> None:
    code = """
    function execute(input) {
      return fetch(`https://h.example/status/${input.code}`)
        .then((r) => Promise.all([r.status, r.text()]))
        .then(([status, text]) => ({ status, text }));
    }
    """
    out = run(engine, code, gw, entry="function", input_json='{"code": 404}')
    assert OutputStatus.VALID == out.output_status, out.stderr
    assert {"status": 404, "text": "status 404"} == json.loads(out.output_json or "")


def test_fetch_resolves_asynchronously(engine: JavaScriptEngine, gw: FakeGateway) -> None:
    code = """
    const order = [];
    const p = fetch("https://h.example/echo").then(() => order.push("resolved"));
    order.push("sync");
    await p;
    console.log(JSON.stringify(order));
    """
    assert [["sync", "resolved"]] == ok(run(engine, code, gw))


def test_globals_are_replaceable_and_not_enumerable(engine: JavaScriptEngine) -> None:
    code = """
    const names = ["fetch", "Headers", "Request", "Response", "URL", "URLSearchParams",
      "AbortController", "AbortSignal", "Blob", "File", "FormData", "Event", "EventTarget",
      "structuredClone"];
    const enumerable = names.filter((n) => Object.keys(globalThis).includes(n));
    globalThis.fetch = async () => "mocked";
    console.log(JSON.stringify([enumerable, await fetch("x")]));
    """
    assert [[[], "mocked"]] == ok(run(engine, code, None))
