"""Smoke test of a php.wasm built by build.sh, under wasmtime's Python bindings.

    python wasm-runtimes/php/smoke.py [path/to/php.wasm]   # default: $PHP_BUILD_DIR/php.wasm

Each check runs a fresh instance of the module with its own WASI argv, env, stdin and one
preopened directory (a temporary folder, seen by PHP as /work), and compares exit code,
stdout and stderr with what PHP itself gives. It prints one line a check and exits 1 if any
failed. The engine needs one feature beyond wasmtime's defaults: `Config.wasm_exceptions`
(setjmp/longjmp, i.e. zend_try/zend_bailout, are Wasm exceptions).

php.wasm is a reactor (patches/0006): `_initialize`, `embedsandbox_startup()` (PHP's modules
started, with WASI's args), then `embedsandbox_request()` (one request: the script and its
args from WASI's args; returns the exit status). Here both run in one instance with one argv;
embedsandbox keeps the memory after the startup as a snapshot and starts every guest from it.
A C exit() inside a request is WASI's proc_exit, which wasmtime refuses above 125 with a trap:
`embedsandbox_exit_status()` then gives the status (patches/0004). `run()` below shows the
pattern an engine adapter needs.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import wasmtime

# -n: no php.ini; errors and warnings on stderr so that stdout is the program's alone.
PHP_FLAGS = ["-n", "-d", "display_errors=stderr", "-d", "error_reporting=E_ALL", "-d", "html_errors=0"]

BASICS = r"""<?php
$data = ["name" => "ünïcode", "n" => 3, "list" => [1, 2.5, true, null], "nested" => ["a" => []]];
echo json_encode($data), "\n";
echo json_encode(json_decode('{"x":[1,{"y":"z"}]}', true)), "\n";
$nums = array_map(fn($x) => $x * $x, range(1, 5));
echo implode(",", $nums), " sum=", array_sum($nums), "\n";
$words = explode(" ", "the quick brown fox");
usort($words, fn($a, $b) => strlen($a) <=> strlen($b) ?: strcmp($a, $b));
echo implode(" ", $words), "\n";
echo strtoupper("abc"), " ", str_pad("7", 3, "0", STR_PAD_LEFT), " ", sprintf("%05.2f|%x|%s", 3.14159, 255, "s"), "\n";
echo str_replace("world", "PHP", "hello world"), " ", ucwords("hello there"), " ", strrev("abc"), "\n";
echo preg_replace('/(\d+)/', '<$1>', "a1b22c333"), " ", preg_match('/^\w+@\w+\.\w+$/', "a@b.cd"), "\n";
try {
    throw new InvalidArgumentException("bad thing", 42);
} catch (Exception $e) {
    echo get_class($e), ": ", $e->getMessage(), " (", $e->getCode(), ")\n";
} finally {
    echo "finally\n";
}
function fact(int $n): int { return $n <= 1 ? 1 : $n * fact($n - 1); }
echo fact(12), " ", PHP_INT_SIZE, " ", PHP_INT_MAX, " ", 2**40, "\n";
echo (new DateTimeImmutable("@86400"))->format("Y-m-d H:i:s"), "\n";
"""

BASICS_OUT = (
    '{"name":"\\u00fcn\\u00efcode","n":3,"list":[1,2.5,true,null],"nested":{"a":[]}}\n'
    '{"x":[1,{"y":"z"}]}\n'
    "1,4,9,16,25 sum=55\n"
    "fox the brown quick\n"
    "ABC 007 03.14|ff|s\n"
    "hello PHP Hello There cba\n"
    "a<1>b<22>c<333> 1\n"
    "InvalidArgumentException: bad thing (42)\n"
    "finally\n"
    "479001600 4 2147483647 1099511627776\n"  # wasm32: PHP's int is 32-bit, larger ones are floats
    "1970-01-02 00:00:00\n"
)

IO = r"""<?php
echo implode("|", $argv), "\n";
echo getenv("GREETING"), " ", getenv("MISSING") === false ? "unset" : "set", "\n";
$in = file_get_contents("php://stdin");
echo "stdin: ", strlen($in), " bytes, ", trim($in), "\n";
file_put_contents("/work/out.txt", "written by php\n");
echo file_get_contents("/work/out.txt");
echo implode(",", array_values(array_diff(scandir("/work"), [".", ".."]))), "\n";
echo file_exists("/etc/passwd") ? "host visible" : "host hidden", "\n";
fwrite(STDERR, "to stderr\n");
exit(3);
"""

EXTENSIONS = r"""<?php
echo mb_strlen("ünïcödé"), " ", mb_strtoupper("straße"), " ", mb_substr("日本語テキスト", 2, 3), "\n";
echo ctype_digit("12345") ? "digits" : "no", " ", ctype_alpha("ab1") ? "alpha" : "not alpha", "\n";
echo count(token_get_all('<?php echo 1 + 2;')), " ", token_name(T_ECHO), "\n";
echo hash("sha256", "abc"), "\n";
echo implode(",", get_loaded_extensions()), "\n";
"""

EXTENSIONS_OUT_PREFIX = (
    "7 STRASSE 語テキ\n"
    "digits not alpha\n"
    "9 T_ECHO\n"
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"
)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float


@dataclass
class Check:
    name: str
    script: str
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes = b""
    exit_code: int = 0
    stdout: str | None = None
    stdout_prefix: str | None = None
    stderr_contains: list[str] = field(default_factory=list)


CHECKS = [
    Check("hello", '<?php echo "hello\\n";', stdout="hello\n"),
    Check("json, arrays, strings, preg, exceptions, dates", BASICS, stdout=BASICS_OUT),
    Check(
        "argv, env, stdin, files in the preopened dir, stderr, exit(3)",
        IO,
        args=["one", "two words"],
        env={"GREETING": "hi"},
        stdin=b"line from stdin\n",
        exit_code=3,
        stdout=(
            "/work/main.php|one|two words\nhi unset\nstdin: 16 bytes, line from stdin\n"
            "written by php\nmain.php,out.txt\nhost hidden\n"
        ),
        stderr_contains=["to stderr"],
    ),
    Check(
        "uncaught exception exits 255 with PHP's message on stderr",
        '<?php echo "before\\n"; throw new RuntimeException("boom");',
        exit_code=255,
        stdout="before\n",
        stderr_contains=["Fatal error: Uncaught RuntimeException: boom"],
    ),
    Check(
        "fatal error (zend_bailout through longjmp) exits 255",
        "<?php function f() { undefined_function(); } f();",
        exit_code=255,
        stdout="",
        stderr_contains=["Call to undefined function undefined_function()"],
    ),
    Check(
        "warnings go to stderr, the script goes on",
        '<?php $a = []; echo $a["k"] ?? "dflt", "\\n"; echo $a["k"]; echo "after\\n";',
        stdout="dflt\nafter\n",
        stderr_contains=['Warning: Undefined array key "k"'],
    ),
    Check(
        "memory_limit is PHP's own error",
        '<?php ini_set("memory_limit", "8M"); $s = str_repeat("x", 16 << 20);',
        exit_code=255,
        stderr_contains=["Allowed memory size of 8388608 bytes exhausted"],
    ),
    Check(
        "Fibers fail cleanly (no stack switching in Wasm)",
        '<?php try { (new Fiber(fn() => 1))->start(); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\\n"; }',
        stdout="FiberError: Fibers are not available in this WebAssembly build of PHP\n",
    ),
    Check(
        "randomness from WASI (random_bytes, random_int, mt_rand)",
        '<?php $a = random_bytes(16); $b = random_bytes(16); echo strlen($a), " ", $a !== $b ? "differ" : "same", " ",'
        ' random_int(7, 7), " ", mt_rand(1, 6) >= 1 ? "mt" : "", "\\n";',
        stdout="16 differ 7 mt\n",
    ),
    Check(
        "bcmath and filter",
        '<?php echo bcadd("12345678901234567890", "1"), " ", bcmul("2.5", "4", 1), " ",'
        ' var_export(filter_var("a@b.cd", FILTER_VALIDATE_EMAIL), true), " ",'
        ' var_export(filter_var("12x", FILTER_VALIDATE_INT), true), "\\n";',
        stdout="12345678901234567891 10.0 'a@b.cd' false\n",
    ),
    Check("mbstring, ctype, tokenizer, hash", EXTENSIONS, stdout_prefix=EXTENSIONS_OUT_PREFIX),
]


def engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    config.wasm_exceptions = True  # the one feature php.wasm needs beyond the defaults
    return wasmtime.Engine(config)


def run(eng: wasmtime.Engine, module: wasmtime.Module, check: Check) -> Result:
    with tempfile.TemporaryDirectory(prefix="php-smoke-") as tmp:
        work = Path(tmp, "work")
        work.mkdir()
        (work / "main.php").write_text(check.script)
        stdin = Path(tmp, "stdin")
        stdin.write_bytes(check.stdin)
        stdout, stderr = Path(tmp, "stdout"), Path(tmp, "stderr")
        wasi = wasmtime.WasiConfig()
        wasi.argv = ["php", *PHP_FLAGS, "/work/main.php", *check.args]
        wasi.env = list(check.env.items())
        wasi.stdin_file = str(stdin)
        wasi.stdout_file = str(stdout)
        wasi.stderr_file = str(stderr)
        wasi.preopen_dir(str(work), "/work")
        store = wasmtime.Store(eng)
        store.set_wasi(wasi)
        linker = wasmtime.Linker(eng)
        linker.define_wasi()
        start = time.perf_counter()
        instance = linker.instantiate(store, module)
        exports = instance.exports(store)
        # A reactor (patches/0006): start the modules, then one request with the same args
        # (a host that keeps the memory between the two makes every guest from it).
        exports["_initialize"](store)
        if exports["embedsandbox_startup"](store) != 0:
            raise SystemExit("embedsandbox_startup failed")
        try:
            code = exports["embedsandbox_request"](store)
        except wasmtime.ExitTrap as e:
            code = e.code
        except wasmtime.WasmtimeError as e:
            if "invalid exit status" not in str(e):
                raise
            code = exports["embedsandbox_exit_status"](store)
        seconds = time.perf_counter() - start
        return Result(code, stdout.read_text(errors="replace"), stderr.read_text(errors="replace"), seconds)


def verdict(check: Check, result: Result) -> list[str]:
    problems = []
    if result.exit_code != check.exit_code:
        problems.append(f"exit code {result.exit_code}, expected {check.exit_code}")
    if check.stdout is not None and result.stdout != check.stdout:
        problems.append(f"stdout {result.stdout!r}, expected {check.stdout!r}")
    if check.stdout_prefix is not None and not result.stdout.startswith(check.stdout_prefix):
        problems.append(f"stdout {result.stdout!r}, expected it to start with {check.stdout_prefix!r}")
    problems += [f"stderr {result.stderr!r} lacks {s!r}" for s in check.stderr_contains if s not in result.stderr]
    return problems


def main() -> int:
    default = Path(os.environ.get("PHP_BUILD_DIR", "/tmp/php-build"), "php.wasm")
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    wasm = path.read_bytes()
    print(f"php.wasm: {path} ({len(wasm)} bytes, sha256 {hashlib.sha256(wasm).hexdigest()})")
    eng = engine()
    start = time.perf_counter()
    module = wasmtime.Module(eng, wasm)
    print(f"compiled in {time.perf_counter() - start:.1f} s (Config.wasm_exceptions = True)")
    failed = 0
    for check in CHECKS:
        try:
            result = run(eng, module, check)
            problems = verdict(check, result)
        except wasmtime.WasmtimeError as e:  # a trap: the module itself failed
            result, problems = None, [f"trap: {str(e).splitlines()[0]}"]
        took = f" ({result.seconds * 1000:.0f} ms)" if result else ""
        print(f"{'ok  ' if not problems else 'FAIL'} {check.name}{took}")
        for problem in problems:
            print(f"       {problem}")
        if result is not None and check.name.startswith("mbstring"):
            print(f"       extensions: {result.stdout.splitlines()[-1] if result.stdout else '?'}")
        failed += bool(problems)
    print(f"{len(CHECKS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
