"""JavaScriptEngine against real QuickJS-ng guests (quickjs-rs 0.2.6 on wasmtime)."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedsandbox._engines._base import Invocation, LimitHit, OutputStatus, RawOutcome, RunLimits
from embedsandbox._engines._javascript import JavaScriptEngine

pytestmark = pytest.mark.guest

DEFAULT_LIMITS = RunLimits(
    deadline_s=10.0, memory_limit_bytes=128 << 20, fuel=None, max_output_bytes=1 << 20
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> JavaScriptEngine:
    eng = JavaScriptEngine(tmp_path_factory.mktemp("js-cache"))
    eng.warmup()
    return eng


def run(
    engine: JavaScriptEngine,
    code: str,
    *,
    language: Any = "javascript",
    entry: Any = "script",
    limits: RunLimits = DEFAULT_LIMITS,
    **kwargs: Any,
) -> RawOutcome:
    return engine.run(
        Invocation(language=language, code=code, entry=entry, limits=limits, **kwargs)
    )


def call(
    engine: JavaScriptEngine, code: str, input_json: str = "null", **kwargs: Any
) -> RawOutcome:
    return run(engine, code, entry="function", input_json=input_json, **kwargs)


# ----------------------------------------------------------------------------- basics


def test_hello_world(engine: JavaScriptEngine) -> None:
    out = run(engine, "console.log('hello', 'world')")
    assert (0, "hello world\n", "") == (out.exit_code, out.stdout, out.stderr)
    assert out.limit_hit is None
    assert out.output_status is None
    assert out.fuel_used is None  # no fuel cap: the unmetered build ran it


def test_console_streams_and_formatting(engine: JavaScriptEngine) -> None:
    code = """
    console.log({a: 1, b: [1, 2, 'x']}, [1, 2], null, undefined, 3n);
    console.info('info'); console.debug('debug');
    console.error('err', {e: true}); console.warn('warn');
    console.log('%s=%d', 'n', 42);
    process.stdout.write('raw');
    """
    out = run(engine, code)
    assert 0 == out.exit_code
    expected_stdout = (
        "{ a: 1, b: [ 1, 2, 'x' ] } [ 1, 2 ] null undefined 3n\ninfo\ndebug\nn=42\nraw"
    )
    assert expected_stdout == out.stdout
    assert "err { e: true }\nwarn\n" == out.stderr


def test_exit_codes(engine: JavaScriptEngine) -> None:
    assert 0 == run(engine, "1 + 1").exit_code
    out = run(engine, "console.log('a'); process.exit(3); console.log('b')")
    assert (3, "a\n") == (out.exit_code, out.stdout)
    out = run(engine, "try { process.exit(4) } finally { console.log('finally') }")
    assert (4, "") == (out.exit_code, out.stdout)
    assert 5 == run(engine, "process.exitCode = 5").exit_code
    assert 0 == run(engine, "process.exit()").exit_code


def test_uncaught_error_has_node_style_stack_naming_main_js(engine: JavaScriptEngine) -> None:
    out = run(engine, "function boom() {\n  throw new Error('boom')\n}\nboom()\n")
    assert 1 == out.exit_code
    assert out.stderr.startswith("Error: boom\n    at boom (main.js:2:")
    assert "main.js:4" in out.stderr
    assert "eval_script" not in out.stderr  # harness frames are hidden
    assert out.limit_hit is None


def test_uncaught_non_error_value(engine: JavaScriptEngine) -> None:
    out = run(engine, "throw {code: 7}")
    assert (1, "Uncaught { code: 7 }\n") == (out.exit_code, out.stderr)


def test_syntax_error(engine: JavaScriptEngine) -> None:
    out = run(engine, "let x = ;")
    assert 1 == out.exit_code
    assert out.stderr.startswith("SyntaxError:")
    assert "main.js" in out.stderr


def test_top_level_await(engine: JavaScriptEngine) -> None:
    code = "const v = await new Promise(r => setTimeout(() => r(42), 10));\nconsole.log(v)"
    out = run(engine, code)
    assert (0, "42\n", "") == (out.exit_code, out.stdout, out.stderr)


def test_rejected_top_level_promise_exits_1(engine: JavaScriptEngine) -> None:
    out = run(engine, "await Promise.reject(new TypeError('nope'))")
    assert 1 == out.exit_code
    assert out.stderr.startswith("TypeError: nope")


def test_unsettled_top_level_await(engine: JavaScriptEngine) -> None:
    out = run(engine, "await new Promise(() => {})")
    assert 13 == out.exit_code
    assert "unsettled top-level await" in out.stderr


def test_timers_run_after_the_main_module(engine: JavaScriptEngine) -> None:
    code = """
    const order = [];
    setTimeout(() => { order.push('t2'); console.log(order.join(',')) }, 20);
    setTimeout(() => order.push('t1'), 5);
    const id = setTimeout(() => order.push('never'), 1);
    clearTimeout(id);
    let n = 0; const iv = setInterval(() => { if (++n === 3) clearInterval(iv) }, 1);
    queueMicrotask(() => order.push('micro'));
    order.push('main');
    """
    out = run(engine, code)
    assert (0, "main,micro,t1,t2\n") == (out.exit_code, out.stdout)


def test_error_in_timer_callback_is_uncaught(engine: JavaScriptEngine) -> None:
    out = run(engine, "setTimeout(() => { throw new RangeError('late') }, 1)")
    assert 1 == out.exit_code
    assert out.stderr.startswith("RangeError: late")


# ------------------------------------------------------------------------ inputs


def test_argv_env_stdin(engine: JavaScriptEngine) -> None:
    code = """
    import fs from 'fs';
    console.log(JSON.stringify([process.argv, process.env, fs.readFileSync(0, 'utf8'),
                                require('fs').readFileSync('/dev/stdin', 'utf8')]));
    """
    out = run(engine, code, args=("a", "b c"), env={"K": "v"}, stdin=b"in\nput")
    assert 0 == out.exit_code, out.stderr
    assert [["node", "main.js", "a", "b c"], {"K": "v"}, "in\nput", "in\nput"] == json.loads(
        out.stdout
    )


no_nul_text = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    args=st.lists(no_nul_text, max_size=4),
    env=st.dictionaries(
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True), no_nul_text, max_size=4
    ),
    stdin=no_nul_text,
)
def test_argv_env_stdin_arrive_intact(
    engine: JavaScriptEngine, args: list[str], env: dict[str, str], stdin: str
) -> None:
    code = """
    console.log(JSON.stringify({argv: process.argv.slice(2), env: process.env,
                                stdin: require('fs').readFileSync(0, 'utf8')}));
    """
    out = run(engine, code, args=tuple(args), env=env, stdin=stdin.encode())
    assert 0 == out.exit_code, out.stderr
    assert {"argv": args, "env": env, "stdin": stdin} == json.loads(out.stdout)


def test_no_host_environment_is_visible(
    engine: JavaScriptEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMBEDSANDBOX_HOST_SECRET", "s3cret")
    out = run(engine, "console.log(JSON.stringify(process.env))", env={"ONLY": "1"})
    assert {"ONLY": "1"} == json.loads(out.stdout)
    out = run(engine, "console.log(JSON.stringify(process.env))")
    assert {} == json.loads(out.stdout)
    assert "s3cret" in os.environ["EMBEDSANDBOX_HOST_SECRET"]


# -------------------------------------------------------------------------- files


def test_files_readable_and_writable(engine: JavaScriptEngine) -> None:
    code = """
    import fs, { readFileSync, writeFileSync } from 'node:fs';
    import { readFile } from 'fs/promises';
    const a = readFileSync('data/in.txt', 'utf8');
    const b = fs.readFileSync('./data/in.txt').toString();
    const c = await readFile('/data/in.txt', 'utf8');
    writeFileSync('out.txt', a.toUpperCase());
    fs.appendFileSync('out.txt', '!');
    fs.mkdirSync('x/y', { recursive: true });
    fs.writeFileSync('x/y/z.txt', 'deep');
    console.log(JSON.stringify([a === b && b === c, readFileSync('out.txt', 'utf8'),
      fs.existsSync('data'), fs.existsSync('nope'), fs.readdirSync('.'), fs.readdirSync('x/y')]));
    fs.unlinkSync('out.txt');
    console.log(fs.existsSync('out.txt'));
    try { readFileSync('missing.txt') } catch (e) { console.log(e.code) }
    """
    out = run(engine, code, files={"data/in.txt": "hello"})
    assert 0 == out.exit_code, out.stderr
    first, second, third = out.stdout.splitlines()
    assert [True, "HELLO!", True, False, ["data", "out.txt", "x"], ["z.txt"]] == json.loads(first)
    assert ("false", "ENOENT") == (second, third)


def test_dotdot_cannot_escape_the_root(engine: JavaScriptEngine) -> None:
    code = """
    import fs from 'fs';
    fs.writeFileSync('../../../../escape.txt', 'x');
    console.log(JSON.stringify([fs.readdirSync('/'), fs.readdirSync('../..'),
      fs.readFileSync('/escape.txt', 'utf8'), fs.readFileSync('a/../../../f.txt', 'utf8'),
      fs.existsSync('/etc/passwd'), fs.existsSync('../../../../etc/passwd')]));
    """
    out = run(engine, code, files={"f.txt": "root file"})
    assert 0 == out.exit_code, out.stderr
    expected = [["escape.txt", "f.txt"], ["escape.txt", "f.txt"], "x", "root file", False, False]
    assert expected == json.loads(out.stdout)
    assert not Path("/escape.txt").exists()


def test_files_do_not_persist_between_runs(engine: JavaScriptEngine) -> None:
    run(engine, "require('fs').writeFileSync('left.txt', 'behind')")
    out = run(engine, "console.log(require('fs').existsSync('left.txt'))")
    assert "false\n" == out.stdout


def test_import_modules_from_files(engine: JavaScriptEngine) -> None:
    files = {
        "lib/util.js": "export const double = (x) => x * 2;",
        "lib/typed.ts": "export function inc(x: number): number { return x + 1 }",
        "data.json": '{"k": [1, 2]}',
    }
    code = """
    import { double } from './lib/util.js';
    import { inc } from './lib/typed';
    import data from './data.json';
    console.log(double(inc(1)), data.k.length);
    """
    out = run(engine, code, files=files)
    assert (0, "4 2\n", "") == (out.exit_code, out.stdout, out.stderr)


# --------------------------------------------------------------------- typescript


def test_typescript_enums_interfaces_generics(engine: JavaScriptEngine) -> None:
    code = """
    enum Color { Red, Green = 5, Blue }
    interface Point { x: number; y?: number }
    type Pair<T> = [T, T];
    class Box<T> { constructor(private readonly value: T) {} get(): T { return this.value } }
    const p: Point = { x: Color.Blue };
    const pair: Pair<string> = ['a', 'b'];
    console.log(p.x, Color[5], new Box<number>(7).get(), pair.join(''), process.argv[1]);
    """
    out = run(engine, code, language="typescript")
    assert (0, "6 Green 7 ab main.ts\n", "") == (out.exit_code, out.stdout, out.stderr)


def test_typescript_type_errors_are_not_checked(engine: JavaScriptEngine) -> None:
    out = run(
        engine, "const n: number = 'not a number' as any; console.log(n)", language="typescript"
    )
    assert (0, "not a number\n") == (out.exit_code, out.stdout)


def test_typescript_syntax_error(engine: JavaScriptEngine) -> None:
    out = run(engine, "let x: = 1", language="typescript")
    assert 1 == out.exit_code
    assert out.stderr.startswith("SyntaxError:")


def test_typescript_function(engine: JavaScriptEngine) -> None:
    code = "export async function execute(input: { a: number }): Promise<number> { return input.a + 1 }"
    out = call(engine, code, '{"a": 41}', language="typescript")
    assert (OutputStatus.VALID, "42", 0) == (out.output_status, out.output_json, out.exit_code)


# ---------------------------------------------------------------------- functions


@pytest.mark.parametrize(
    "code",
    [
        "function execute(input) { return {got: input} }",
        "export function execute(input) { return {got: input} }",
        "async function execute(input) { await null; return {got: input} }",
        "export const execute = async (input) => ({got: input})",
        "module.exports = { execute: (input) => ({got: input}) }",
    ],
)
def test_function_forms(engine: JavaScriptEngine, code: str) -> None:
    out = call(engine, code, '{"x": [1, 2]}')
    assert (0, OutputStatus.VALID) == (out.exit_code, out.output_status), out.stderr
    assert {"got": {"x": [1, 2]}} == json.loads(out.output_json or "")


def test_function_input_defaults_to_null(engine: JavaScriptEngine) -> None:
    out = call(engine, "function execute(input) { return input === null }")
    assert (OutputStatus.VALID, "true") == (out.output_status, out.output_json)


def test_function_returning_nothing_is_null(engine: JavaScriptEngine) -> None:
    out = call(engine, "function execute() {}")
    assert (0, OutputStatus.VALID, "null") == (out.exit_code, out.output_status, out.output_json)


def test_function_output_does_not_mix_with_console(engine: JavaScriptEngine) -> None:
    code = "function execute(i) { console.log('to stdout'); console.error('to stderr'); return 1 }"
    out = call(engine, code)
    assert ("to stdout\n", "to stderr\n", "1") == (out.stdout, out.stderr, out.output_json)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=15,
)


def as_doubles(value: Any) -> Any:
    """JSON numbers as JS sees them: 4.6e16 comes back as 46399261831164220, the same double."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list):
        return [as_doubles(v) for v in value]
    return {k: as_doubles(v) for k, v in value.items()}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values)
def test_identity_function_round_trips_json(engine: JavaScriptEngine, value: Any) -> None:
    out = call(engine, "function execute(input) { return input }", json.dumps(value))
    assert (0, OutputStatus.VALID) == (out.exit_code, out.output_status), out.stderr
    assert as_doubles(json.loads(json.dumps(value))) == as_doubles(
        json.loads(out.output_json or "")
    )


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("return 10n", "BigInt"),
        ("const o = {}; o.o = o; return o", "circular"),
        ("return () => 1", "function"),
        ("return Symbol('s')", "symbol"),
    ],
)
def test_function_unserialisable_result(engine: JavaScriptEngine, body: str, why: str) -> None:
    out = call(engine, f"function execute() {{ {body} }}")
    assert OutputStatus.JSON_SERIALIZATION_ERROR == out.output_status
    assert out.output_json is None
    assert 1 == out.exit_code
    assert why in out.stderr


def test_function_throw_is_error(engine: JavaScriptEngine) -> None:
    out = call(engine, "async function execute() { throw new Error('bad input') }")
    assert (1, OutputStatus.ERROR, None) == (out.exit_code, out.output_status, out.output_json)
    assert out.stderr.startswith("Error: bad input\n    at execute (main.js:1")


def test_function_missing_execute_is_error(engine: JavaScriptEngine) -> None:
    out = call(engine, "function run() { return 1 }")
    assert (1, OutputStatus.ERROR) == (out.exit_code, out.output_status)
    assert "no function named execute is defined" in out.stderr


def test_function_exit_before_return_is_error(engine: JavaScriptEngine) -> None:
    out = call(engine, "function execute() { process.exit(0) }")
    assert (0, OutputStatus.ERROR, None) == (out.exit_code, out.output_status, out.output_json)


# ------------------------------------------------------------------------- limits


def test_deadline(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=0.5, memory_limit_bytes=64 << 20, fuel=None, max_output_bytes=1 << 20
    )
    start = time.monotonic()
    out = run(engine, "console.log('started'); while (true) {}", limits=limits)
    elapsed = time.monotonic() - start
    assert (1, LimitHit.EXECUTION_TIMEOUT, "started\n") == (
        out.exit_code,
        out.limit_hit,
        out.stdout,
    )
    assert 0.45 <= elapsed < 1.5


def test_deadline_covers_pending_jobs_and_timers(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=0.3, memory_limit_bytes=64 << 20, fuel=None, max_output_bytes=1 << 20
    )
    for code in [
        "(async () => { while (true) await null })()",
        "setInterval(() => {}, 1)",
        "await new Promise(r => setTimeout(r, 5000))",
    ]:
        start = time.monotonic()
        out = run(engine, code, limits=limits)
        assert LimitHit.EXECUTION_TIMEOUT == out.limit_hit, code
        assert time.monotonic() - start < 1.2, code


@pytest.mark.parametrize("fuel", [None, 10**12], ids=["unmetered", "metered"])
def test_deadline_holds_in_long_native_calls(engine: JavaScriptEngine, fuel: int | None) -> None:
    # Sorting does not poll QuickJS's interrupt handler; the epoch backstop must stop it, in
    # both builds (one ticker advances both engines' epochs). The array is built (polled, about
    # 0.5 s) before the deadline; the sort alone would take about 2.5 s more.
    limits = RunLimits(
        deadline_s=0.7, memory_limit_bytes=512 << 20, fuel=fuel, max_output_bytes=1 << 20
    )
    code = (
        "const a = new Array(2e6); for (let i = 0; i < 2e6; i++) a[i] = (i * 7919) % 1000003;"
        " a.sort(); console.log('sorted')"
    )
    start = time.monotonic()
    out = run(engine, code, limits=limits)
    assert (LimitHit.EXECUTION_TIMEOUT, "") == (out.limit_hit, out.stdout)
    assert time.monotonic() - start < 1.8


def test_memory_bomb_hits_memory_limit(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=20.0, memory_limit_bytes=64 << 20, fuel=None, max_output_bytes=1 << 20
    )
    start = time.monotonic()
    out = run(engine, "let a = []; while (true) a.push('x'.repeat(1000))", limits=limits)
    assert (1, LimitHit.MEMORY_SIZE) == (out.exit_code, out.limit_hit)
    assert time.monotonic() - start < 10


def test_memory_bomb_in_function_is_error(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=20.0, memory_limit_bytes=64 << 20, fuel=None, max_output_bytes=1 << 20
    )
    code = "function execute() { const a = []; while (true) a.push(new Array(1000).fill(1)) }"
    out = call(engine, code, limits=limits)
    assert (LimitHit.MEMORY_SIZE, OutputStatus.ERROR) == (out.limit_hit, out.output_status)


def test_huge_allocation_is_memory_limit(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=10.0, memory_limit_bytes=64 << 20, fuel=None, max_output_bytes=1 << 20
    )
    out = run(
        engine,
        "const b = new ArrayBuffer(200 * 1024 * 1024); console.log(b.byteLength)",
        limits=limits,
    )
    assert (1, LimitHit.MEMORY_SIZE) == (out.exit_code, out.limit_hit)


def test_output_flood_hits_output_limit(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=20.0, memory_limit_bytes=64 << 20, fuel=None, max_output_bytes=64 << 10
    )
    start = time.monotonic()
    out = run(engine, "while (true) console.log('x'.repeat(100))", limits=limits)
    assert (1, LimitHit.OUTPUT_SIZE) == (out.exit_code, out.limit_hit)
    assert 64 << 10 == len(out.stdout.encode())
    assert out.stdout.startswith("x" * 100 + "\n")
    assert time.monotonic() - start < 5


def test_stderr_flood_hits_output_limit(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=20.0, memory_limit_bytes=64 << 20, fuel=None, max_output_bytes=1000
    )
    out = run(engine, "console.log('ok'); while (true) console.error('é'.repeat(7))", limits=limits)
    assert (LimitHit.OUTPUT_SIZE, "ok\n") == (out.limit_hit, out.stdout)
    assert len(out.stderr.encode()) <= 1000
    assert set(out.stderr) <= {"é", "\n"}


def test_fuel_cap(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=20.0, memory_limit_bytes=64 << 20, fuel=5_000_000, max_output_bytes=1 << 20
    )
    out = run(engine, "console.log('before'); while (true) {}", limits=limits)
    assert (1, LimitHit.FUEL, "before\n") == (out.exit_code, out.limit_hit, out.stdout)
    assert 5_000_000 == out.fuel_used


def test_fuel_is_reported_and_deterministic(engine: JavaScriptEngine) -> None:
    code = "let s = 0; for (let i = 0; i < 10000; i++) s += i; console.log(s)"
    generous = RunLimits(
        deadline_s=20.0, memory_limit_bytes=64 << 20, fuel=10**12, max_output_bytes=1 << 20
    )
    first, second = run(engine, code, limits=generous), run(engine, code, limits=generous)
    assert first.fuel_used is not None and first.fuel_used > 10000
    assert first.fuel_used == second.fuel_used
    assert first.limit_hit is None
    limits = RunLimits(
        deadline_s=20.0, memory_limit_bytes=64 << 20, fuel=first.fuel_used, max_output_bytes=1 << 20
    )
    exact = run(engine, code, limits=limits)
    assert (0, None) == (exact.exit_code, exact.limit_hit)


@pytest.mark.parametrize("language", ["javascript", "typescript"])
def test_the_metered_and_unmetered_builds_agree(engine: JavaScriptEngine, language: str) -> None:
    # Runs with a fuel cap use the fuel-counting build, the others a build without it.
    code = "const n: number = [1, 2, 3].reduce((a, b) => a + b); console.log(n, typeof process)"
    code = code if language == "typescript" else code.replace(": number", "")
    capped = RunLimits(
        deadline_s=20.0, memory_limit_bytes=64 << 20, fuel=10**10, max_output_bytes=1 << 20
    )
    metered = run(engine, code, language=language, limits=capped)
    unmetered = run(engine, code, language=language)
    assert (0, "6 object\n", "") == (metered.exit_code, metered.stdout, metered.stderr)
    assert (metered.exit_code, metered.stdout, metered.stderr, metered.limit_hit) == (
        unmetered.exit_code,
        unmetered.stdout,
        unmetered.stderr,
        unmetered.limit_hit,
    )
    assert metered.fuel_used is not None and metered.fuel_used > 0
    assert unmetered.fuel_used is None


def test_deep_recursion_is_a_clean_error(engine: JavaScriptEngine) -> None:
    out = run(engine, "function f() { return f() } f()")
    assert 1 == out.exit_code
    assert out.limit_hit is None
    assert "RangeError: Maximum call stack size exceeded" in out.stderr
    after = run(engine, "console.log('still fine')")
    assert (0, "still fine\n") == (after.exit_code, after.stdout)


def test_reasonable_recursion_depth_works(engine: JavaScriptEngine) -> None:
    out = run(engine, "function d(n) { return n === 0 ? 0 : 1 + d(n - 1) } console.log(d(3000))")
    assert (0, "3000\n") == (out.exit_code, out.stdout)


def test_tiny_memory_limit_is_memory_limit(engine: JavaScriptEngine) -> None:
    limits = RunLimits(
        deadline_s=5.0, memory_limit_bytes=1 << 20, fuel=None, max_output_bytes=1 << 20
    )
    out = run(engine, "console.log(1)", limits=limits)
    assert (1, LimitHit.MEMORY_SIZE) == (out.exit_code, out.limit_hit)


# --------------------------------------------------------------------- isolation


def test_nothing_carries_over_between_runs(engine: JavaScriptEngine) -> None:
    run(engine, "globalThis.leak = 42; Array.prototype.evil = 1")
    out = run(engine, "console.log(typeof globalThis.leak, [].evil)")
    assert "undefined undefined\n" == out.stdout


def test_math_random_differs_between_runs(engine: JavaScriptEngine) -> None:
    outs = {run(engine, "console.log(Math.random(), Math.random())").stdout for _ in range(3)}
    assert 3 == len(outs)


def test_host_call_door(engine: JavaScriptEngine) -> None:
    seen: list[bytes] = []

    def host_call(request: bytes) -> bytes:
        seen.append(request)
        return b"pong:" + request

    out = run(engine, "console.log(__embedsandbox_host('ping'))", host_call=host_call)
    assert ("pong:ping\n", [b"ping"]) == (out.stdout, seen)
    out = run(engine, "console.log(typeof __embedsandbox_host)")
    assert "undefined\n" == out.stdout


def test_host_call_failure_does_not_leak_host_details(engine: JavaScriptEngine) -> None:
    def host_call(request: bytes) -> bytes:
        raise RuntimeError("secret host detail /home/user/app.py")

    code = "try { __embedsandbox_host('x') } catch (e) { console.log(String(e)) }"
    out = run(engine, code, host_call=host_call)
    assert (0, "Error: host call failed\n") == (out.exit_code, out.stdout)
    assert "secret" not in out.stdout + out.stderr


def test_concurrent_runs(engine: JavaScriptEngine) -> None:
    fuel_limits = RunLimits(
        deadline_s=20.0, memory_limit_bytes=64 << 20, fuel=2_000_000, max_output_bytes=1 << 20
    )
    cases: list[tuple[Invocation, tuple[int, str, LimitHit | None]]] = [
        (Invocation("javascript", "console.log('one')", "script"), (0, "one\n", None)),
        (Invocation("javascript", "console.log('a'); process.exit(7)", "script"), (7, "a\n", None)),
        (
            Invocation("javascript", "while (true) {}", "script", limits=fuel_limits),
            (1, "", LimitHit.FUEL),
        ),
        (
            Invocation("typescript", "const n: number = 2; console.log(n)", "script"),
            (0, "2\n", None),
        ),
    ]
    results: dict[int, list[tuple[int, str, LimitHit | None]]] = {}

    def worker(k: int) -> None:
        got = []
        for _ in range(5):
            out = engine.run(cases[k % len(cases)][0])
            got.append((out.exit_code, out.stdout, out.limit_hit))
        results[k] = got

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(8):
        assert [cases[k % len(cases)][1]] * 5 == results[k]


def test_second_engine_uses_the_compiled_cache(tmp_path: Path) -> None:
    JavaScriptEngine(tmp_path).warmup()
    # the guest with and without fuel counting, the same with the start-up image baked in,
    # and the TypeScript transformer
    assert 5 == len(list(tmp_path.glob("*.cwasm")))
    out = JavaScriptEngine(tmp_path).run(Invocation("javascript", "console.log(1)", "script"))
    assert "1\n" == out.stdout


def test_a_first_run_on_a_cold_cache_compiles_every_build_at_once(tmp_path: Path) -> None:
    # One first-compile message, once: later runs of any kind find everything cached.
    engine = JavaScriptEngine(tmp_path)
    assert not engine._cache_files_present()
    out = engine.run(Invocation("javascript", "console.log(1)", "script"))
    assert "1\n" == out.stdout
    assert 5 == len(list(tmp_path.glob("*.cwasm")))
    assert JavaScriptEngine(tmp_path)._cache_files_present()
