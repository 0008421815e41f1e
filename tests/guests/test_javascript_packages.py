"""The maintained packages bundled into JavaScript guests (scripts/js-packages/build.mjs):
the `buffer` package's Buffer and event-target-shim's Event/EventTarget, plus the Node-shaped
error stacks the prelude gives every error.

BUFFER_CASES: each expected value was produced ONCE by evaluating the expression in Node
20.20.2 and is written here as data; the guest must match it exactly.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from embedsandbox import Sandbox
from embedsandbox._artifacts import manifest
from embedsandbox._engines._javascript import _runtime
from embedsandbox.errors import RuntimeUnavailableError

pytestmark = pytest.mark.guest

GUEST_DIR = Path(_runtime.__file__).resolve().parents[2] / "_guest"

# (id, JavaScript expression, Node 20 result)
BUFFER_CASES: list[tuple[str, str, Any]] = [
    (
        "write-read",
        "(() => { const b = Buffer.alloc(8); b.writeUInt32LE(0xdeadbeef, 0); b.writeInt16BE(-2, 4); b.writeUInt8(255, 6); return [b.toString('hex'), b.readUInt32LE(0), b.readInt16BE(4), b.readUInt8(6)]; })()",
        ["efbeaddefffeff00", 3735928559, -2, 255],
    ),
    (
        "floats-bigints",
        "(() => { const b = Buffer.alloc(16); b.writeDoubleLE(Math.PI, 0); b.writeBigUInt64BE(2n ** 63n + 5n, 8); return [b.readDoubleLE(0), String(b.readBigUInt64BE(8)), b.readFloatBE(8)]; })()",
        [3.141592653589793, "9223372036854775813", 0],
    ),
    (
        "utf8",
        "[Buffer.from('héllo wörld €😀').toString('hex'), Buffer.from('\\ud800x').toString('hex'), Buffer.byteLength('héllo'), Buffer.from('€').length, Buffer.from([0xe2, 0x82]).toString()]",
        ["68c3a96c6c6f2077c3b6726c6420e282acf09f9880", "efbfbd78", 6, 3, "�"],
    ),
    (
        "base64",
        "[Buffer.from('héllo wörld €😀').toString('base64'), Buffer.from('aMOpbGxv', 'base64').toString(), Buffer.byteLength('aGk=', 'base64'), Buffer.from('aGk', 'base64').toString()]",
        ["aMOpbGxvIHfDtnJsZCDigqzwn5iA", "héllo", 2, "hi"],
    ),
    (
        "base64url",
        "[Buffer.from('aGVsbG8', 'base64url').toString(), Buffer.from([0xfb, 0xff]).toString('base64url'), Buffer.from('hello').toString('base64url', 1, 3), Buffer.isEncoding('base64url'), Buffer.isEncoding('nope')]",
        ["hello", "-_8", "ZWw", True, False],
    ),
    (
        "ranges",
        "[Buffer.from('hello').toString('utf8', 1, 3), Buffer.from('hello').subarray(1).toString(), Buffer.from('hello').slice(-3).toString(), Buffer.from('hello').toString('hex', 3)]",
        ["el", "ello", "llo", "6c6f"],
    ),
    (
        "search-compare",
        "[Buffer.from('hello').indexOf('ll'), Buffer.from('hello').includes('z'), Buffer.compare(Buffer.from('a'), Buffer.from('b')), Buffer.from('hello').equals(Buffer.from('hello'))]",
        [2, False, -1, True],
    ),
    (
        "from-kinds",
        "[Buffer.from([1, 2, 256]).toString('hex'), Buffer.from(new Uint8Array([104, 105]).buffer).toString(), Buffer.from('ff00', 'hex').readUInt16BE(0), Buffer.from('hello', 'latin1').toString('base64'), Buffer.alloc(3, 'ab').toString()]",
        ["010200", "hi", 65280, "aGVsbG8=", "aba"],
    ),
    (
        "concat-json",
        "[Buffer.concat([Buffer.from('a'), Buffer.from('bc')]).toString(), JSON.stringify(Buffer.from('hi')), Buffer.isBuffer(Buffer.from('x')), Buffer.isBuffer(new Uint8Array(1)), require('buffer').Buffer === Buffer]",
        ["abc", '{"type":"Buffer","data":[104,105]}', True, False, True],
    ),
]


def _run(sandbox: Sandbox, code: str, **fields: Any) -> tuple[int, str, str]:
    result = sandbox.run_script(language="javascript", code=code, **fields)
    return result.exit_code, result.stdout, result.stderr


def test_buffer_matches_node(sandbox: Sandbox) -> None:
    code = "console.log(JSON.stringify([" + ",\n".join(e for _, e, _ in BUFFER_CASES) + "]));"
    exit_code, stdout, stderr = _run(sandbox, code)
    assert exit_code == 0, stderr
    for (case_id, expr, expected), actual in zip(BUFFER_CASES, json.loads(stdout), strict=True):
        assert actual == expected, (case_id, expr)


def test_buffer_errors_are_range_and_type_errors(sandbox: Sandbox) -> None:
    # The package's messages, not Node's word for word (Node: ERR_OUT_OF_RANGE and friends).
    code = """
    const r = [];
    for (const f of [() => Buffer.alloc(2).readUInt32LE(0), () => Buffer.from("x", "nope"),
                     () => Buffer.alloc(1).writeUInt8(300, 0)]) {
      try { f(); r.push("no error"); } catch (e) { r.push(e.constructor.name + ": " + e.message); }
    }
    console.log(r.join("\\n"));
    """
    exit_code, stdout, stderr = _run(sandbox, code)
    assert stdout.splitlines() == [
        "RangeError: Trying to access beyond buffer length",
        "TypeError: Unknown encoding: nope",
        'RangeError: "value" argument is out of bounds',
    ], stderr


def test_buffer_utf8_and_base64_of_a_large_text_use_native_codecs(sandbox: Sandbox) -> None:
    # 0.9 MB through Buffer.from / toString / base64: about 1.3e9 fuel on the native codecs,
    # more than 1e10 on the package's own JavaScript loops over bytes.
    code = """
    const s = "héllo wörld ".repeat(1 << 16);
    const b = Buffer.from(s);
    const back = Buffer.from(b.toString("base64"), "base64").toString();
    console.log(b.length, back === s, Buffer.byteLength(s));
    """
    out = _run(sandbox, code, limits={"fuel": 3_000_000_000})
    assert out[:2] == (0, "917504 true 917504\n"), out[2]


def test_error_stacks_have_nodes_shape(sandbox: Sandbox) -> None:
    code = """function f() { throw new TypeError("bad thing"); }
try { f(); } catch (e) { console.log(e.stack); }
console.log(new RangeError("r").stack.split("\\n")[0]);
console.trace("here");
"""
    exit_code, stdout, stderr = _run(sandbox, code)
    assert exit_code == 0, stderr
    assert stdout.splitlines() == [
        "TypeError: bad thing",
        "    at f (main.js:1:25)",
        "    at <anonymous> (main.js:2:7)",
        "RangeError: r",
    ]
    assert stderr.splitlines() == ["Trace: here", "    at <anonymous> (main.js:4:9)"]


def test_a_users_prepare_stack_trace_is_used(sandbox: Sandbox) -> None:
    code = """Error.prepareStackTrace = (err, frames) => `${err.message} with ${frames.length} frames`;
function g() { return new Error("mine"); }
console.log(g().stack);
"""
    out = _run(sandbox, code)
    assert out[:2] == (0, "mine with 2 frames\n"), out[2]


def test_an_uncaught_error_prints_with_nodes_head(sandbox: Sandbox) -> None:
    exit_code, _, stderr = _run(
        sandbox, 'function f() { throw new TypeError("bad thing"); }\nf();\n'
    )
    assert exit_code == 1
    assert stderr.splitlines()[:3] == [
        "TypeError: bad thing",
        "    at f (main.js:1:25)",
        "    at <anonymous> (main.js:2:1)",
    ]


def test_event_target_from_the_package(sandbox: Sandbox) -> None:
    code = """
    const t = new EventTarget();
    const seen = [];
    const ac = new AbortController();
    t.addEventListener("x", (e) => seen.push("a:" + e.type + ":" + (e.target === t)));
    t.addEventListener("x", { handleEvent: () => seen.push("b") }, { once: true });
    t.addEventListener("x", () => seen.push("c"), { signal: ac.signal });
    t.dispatchEvent(new Event("x"));
    ac.abort();
    t.dispatchEvent(new Event("x"));
    const ev = new Event("y", { cancelable: true });
    t.addEventListener("y", (e) => e.preventDefault());
    seen.push(t.dispatchEvent(ev), ev.defaultPrevented, ev instanceof Event);
    const s = AbortSignal.abort();
    seen.push(s instanceof EventTarget, s.reason.name);
    console.log(JSON.stringify(seen));
    """
    exit_code, stdout, stderr = _run(sandbox, code)
    assert exit_code == 0, stderr
    assert json.loads(stdout) == [
        "a:x:true",
        "b",
        "c",
        "a:x:true",
        False,
        True,
        True,
        True,
        "AbortError",
    ]


def test_a_throwing_listener_is_an_uncaught_exception(sandbox: Sandbox) -> None:
    # As in Node: dispatchEvent returns, then the error ends the run (exit code 1).
    code = """
    const t = new EventTarget();
    t.addEventListener("x", () => { throw new Error("from a listener"); });
    t.dispatchEvent(new Event("x"));
    console.log("after dispatch");
    """
    exit_code, stdout, stderr = _run(sandbox, code)
    assert (exit_code, stdout) == (1, "after dispatch\n"), stderr
    assert stderr.startswith("Error: from a listener\n"), stderr


def test_no_package_global_is_left_for_user_code(sandbox: Sandbox) -> None:
    code = 'console.log(typeof __embedsandboxPackages, "Atomics" in globalThis)'
    out = _run(sandbox, code)
    assert out[1] == "undefined false\n", out[2]


def test_the_bundle_is_the_one_the_manifest_pins() -> None:
    bundle = GUEST_DIR / "js_packages.js"
    pinned = manifest()["guest_bundles"]["javascript"]
    assert pinned["file"] == "embedsandbox/_guest/js_packages.js"
    assert hashlib.sha256(bundle.read_bytes()).hexdigest() == pinned["sha256"]
    header = bundle.read_text().splitlines()[:8]
    for name in manifest()["guest_packages"]["javascript"]:
        package, version = name.removesuffix(".tgz").rsplit("-", 1)
        assert any(line.startswith(f"//   {package} {version} (") for line in header), name


def test_a_tampered_bundle_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = manifest()
    bundles = {"javascript": {**real["guest_bundles"]["javascript"], "sha256": "0" * 64}}
    monkeypatch.setattr(_runtime, "manifest", lambda: {**real, "guest_bundles": bundles})
    with pytest.raises(
        RuntimeUnavailableError, match=r"js_packages\.js: its sha256 is [0-9a-f]{64}"
    ):
        _runtime.prelude_source()
