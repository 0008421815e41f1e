"""Threat: a JavaScript guest exhausting what a run gives it (time through work that never
ends, its files, host calls, output). Each has a cap; reaching a named limit ends the run
with `limit_hit`, exit code 1 and a line on stderr. A run ends either by finishing or by a
named limit: never "succeeded" while work was pending.

The guest's files live in its own memory (so within `memory_bytes`, never on the host's
disk); `limits.disk_bytes` and `limits.disk_files` count them, the request's files included.
"""

from __future__ import annotations

import threading

import pytest

from embedsandbox import Sandbox
from embedsandbox._engines._javascript import _run as js_run
from embedsandbox.models import LimitHit, OutputStatus

from ._outcomes import KIB, MIB, ended_by_disk, fine

pytestmark = pytest.mark.guest


def _run(sandbox: Sandbox, code: str, **fields: object):  # type: ignore[no-untyped-def]
    return sandbox.run_script(language="javascript", code=code, **fields)


# -- work that never ends ---------------------------------------------------------------------

ENDLESS = {
    "an await loop": "(async () => { while (true) await null })()",
    "a top-level await loop": "while (true) await null",
    "a self-scheduling then": "function f() { return Promise.resolve().then(f) }\nf()",
    "a then chain without returns": (
        "function f() { Promise.resolve().then(f) }\nf()\nconsole.log('scheduled')"
    ),
    "queueMicrotask": "function f() { queueMicrotask(f) }\nf()",
    "two chains": (
        "function a() { Promise.resolve().then(a) }\nfunction b() { queueMicrotask(b) }\na(); b()"
    ),
    "a microtask that starts timers": (
        "function f() { setTimeout(() => {}, 0); queueMicrotask(f) }\nf()"
    ),
    "a zero timer loop": "function f() { setTimeout(f, 0) }\nf()",
    "an interval": "setInterval(() => {}, 1)",
    "a thenable": "const t = { then(r) { r(t) } }\nPromise.resolve(t)",
    "an async iterator": (
        "const it = { [Symbol.asyncIterator]() { return { next: async () => ({ done: false }) } } }"
        "\nfor await (const _ of it) {}"
    ),
}


@pytest.mark.parametrize("code", ENDLESS.values(), ids=ENDLESS.keys())
@pytest.mark.parametrize("metered", [False, True], ids=["unmetered", "metered"])
def test_endless_work_ends_by_a_named_limit(sandbox: Sandbox, code: str, metered: bool) -> None:
    limits: dict[str, object] = {"execution_timeout": 0.5}
    if metered:
        limits["fuel"] = 5_000_000_000
    result = _run(sandbox, code, limits=limits)
    assert result.limit_hit in (LimitHit.EXECUTION_TIMEOUT, LimitHit.FUEL), (
        result.exit_code,
        result.stderr,
    )
    assert 1 == result.exit_code


def test_endless_work_with_little_fuel_ends_by_fuel(sandbox: Sandbox) -> None:
    result = _run(sandbox, ENDLESS["queueMicrotask"], limits={"fuel": 50_000_000})
    assert (LimitHit.FUEL, 1) == (result.limit_hit, result.exit_code)


@pytest.mark.parametrize(
    "code",
    [
        "function execute(input) { function f() { queueMicrotask(f) } f(); return 1 }",
        "async function execute(input) { while (true) await null }",
        "function execute(input) { return new Promise(() => { setInterval(() => {}, 1) }) }",
    ],
    ids=["pending after returning", "an endless async function", "a promise never settled"],
)
def test_a_function_with_endless_work_is_an_error(sandbox: Sandbox, code: str) -> None:
    response = sandbox.run_function(
        language="javascript", code=code, input=None, limits={"execution_timeout": 0.5}
    )
    assert OutputStatus.ERROR == response.output_status
    assert response.output is None
    assert (LimitHit.EXECUTION_TIMEOUT, 1) == (
        response.execution.limit_hit,
        response.execution.exit_code,
    )


def test_long_but_finite_microtask_chains_finish(sandbox: Sandbox) -> None:
    """A chain longer than one batch of jobs (100,000) still runs to its end."""
    code = (
        "let n = 0\nfunction f() { if (++n < 300000) queueMicrotask(f) }\nf()\n"
        "setTimeout(() => console.log(n), 0)"
    )
    result = _run(sandbox, code)
    fine(result)
    assert "300000\n" == result.stdout


# -- disk bytes -------------------------------------------------------------------------------

BYTE_FLOODS = {
    "one big write": "require('fs').writeFileSync('big', 'x'.repeat(9 << 20))",
    "one big binary write": "require('fs').writeFileSync('big', new Uint8Array(9 << 20))",
    "an append loop": (
        "const fs = require('fs')\nconst s = 'x'.repeat(256 << 10)\n"
        "while (true) fs.appendFileSync('log', s)"
    ),
    "a small append loop": (
        "const fs = require('fs')\nwhile (true) fs.appendFileSync('log', 'line of the log\\n')"
    ),
    "a binary append loop": (
        "const fs = require('fs')\nconst b = new Uint8Array(256 << 10)\n"
        "while (true) fs.appendFileSync('log', b)"
    ),
    "append flag": (
        "const fs = require('fs')\nconst s = 'x'.repeat(256 << 10)\n"
        "while (true) fs.writeFileSync('log', s, { flag: 'a' })"
    ),
    "non-ASCII text": "require('fs').writeFileSync('big', '\\u00e9\\u4e2d'.repeat(2 << 20))",
    "non-ASCII appends": (
        "const fs = require('fs')\nconst s = '\\u4e2d'.repeat(64 << 10)\n"
        "while (true) fs.appendFileSync('log', s)"
    ),
    "many files of 64 KiB": (
        "const fs = require('fs')\nconst s = 'x'.repeat(64 << 10)\n"
        "for (let i = 0; ; i++) fs.writeFileSync('f' + i, s)"
    ),
    "writes in /tmp": (
        "const fs = require('fs')\nfs.mkdirSync('/tmp/a/b', { recursive: true })\n"
        "fs.writeFileSync('/tmp/a/b/c', 'x'.repeat(9 << 20))"
    ),
    "a copy loop": (
        "const fs = require('fs')\nfs.writeFileSync('a', 'x'.repeat(1 << 20))\n"
        "for (let i = 0; ; i++) fs.copyFileSync('a', 'copy' + i)"
    ),
    "rename keeps the bytes counted": (
        "const fs = require('fs')\nfor (let i = 0; ; i++) "
        "{ fs.writeFileSync('new', 'x'.repeat(1 << 20)); fs.renameSync('new', 'kept' + i) }"
    ),
    "fs.promises": (
        "const fs = require('fs/promises')\nconst s = 'x'.repeat(1 << 20)\n"
        "for (let i = 0; ; i++) await fs.writeFile('p' + i, s)"
    ),
    "callbacks": (
        "const fs = require('fs')\nconst s = 'x'.repeat(1 << 20)\n"
        "function w(i) { fs.writeFile('c' + i, s, () => w(i + 1)) }\nw(0)"
    ),
    "after replacing Map.prototype.set": (
        "Map.prototype.set = function () { return this }\n"
        "Map.prototype.get = function () { return 0 }\n"
        "const fs = require('fs')\nfor (let i = 0; ; i++) fs.writeFileSync('m' + i, 'x'.repeat(1 << 20))"
    ),
}


@pytest.mark.parametrize("code", BYTE_FLOODS.values(), ids=BYTE_FLOODS.keys())
def test_writes_past_disk_bytes_end_the_run(sandbox: Sandbox, code: str) -> None:
    result = _run(sandbox, code, limits={"disk_bytes": 8 * MIB, "memory_size": 512})
    ended_by_disk(result, disk_bytes=8 * MIB)


def test_the_default_quota_is_64_mib(sandbox: Sandbox) -> None:
    code = (
        "const fs = require('fs')\nconst s = 'x'.repeat(1 << 20)\n"
        "for (let i = 0; i < {n}; i++) fs.writeFileSync('f' + i, s)\nconsole.log('ok')"
    )
    big = {"memory_size": 512}
    ended_by_disk(_run(sandbox, code.replace("{n}", "65"), limits=big))
    result = _run(sandbox, code.replace("{n}", "60"), limits=big)
    fine(result)
    assert "ok\n" == result.stdout


def test_the_limit_stops_the_guest_at_once(sandbox: Sandbox) -> None:
    """The write past the quota never returns: the guest cannot catch it and go on."""
    code = (
        "console.log('before')\n"
        "try { require('fs').writeFileSync('big', 'x'.repeat(2 << 20)) }"
        " catch (e) { console.log('caught', e) }\n"
        "console.log('after')"
    )
    result = _run(sandbox, code, limits={"disk_bytes": MIB})
    ended_by_disk(result, disk_bytes=MIB)
    assert "before\n" == result.stdout


def test_a_function_past_the_quota_is_an_error(sandbox: Sandbox) -> None:
    code = (
        "function execute(input) {"
        " require('fs').writeFileSync('f', 'x'.repeat(2 << 20)); return 1 }"
    )
    response = sandbox.run_function(
        language="javascript", code=code, input=None, limits={"disk_bytes": MIB}
    )
    assert OutputStatus.ERROR == response.output_status
    assert response.output is None
    ended_by_disk(response.execution, disk_bytes=MIB)


def test_non_ascii_text_counts_its_utf8_bytes(sandbox: Sandbox) -> None:
    # 400 Ki characters of 3 UTF-8 bytes: 1.2 MiB, over 1 MiB though under 1 Mi characters.
    code = "require('fs').writeFileSync('t', '\\u4e2d'.repeat(400 << 10)); console.log('ok')"
    ended_by_disk(_run(sandbox, code, limits={"disk_bytes": MIB}), disk_bytes=MIB)
    # The same count of one-byte characters fits.
    fits = "require('fs').writeFileSync('t', 'x'.repeat(400 << 10)); console.log('ok')"
    fine(_run(sandbox, fits, limits={"disk_bytes": MIB}))


# -- files and folders ------------------------------------------------------------------------

COUNT_FLOODS = {
    "many empty files": "const fs = require('fs')\nfor (let i = 0; ; i++) fs.writeFileSync('f' + i, '')",
    "many files in a folder": (
        "const fs = require('fs')\nfs.mkdirSync('/tmp')\n"
        "for (let i = 0; ; i++) fs.writeFileSync('/tmp/f' + i, '')"
    ),
    "many folders": "const fs = require('fs')\nfor (let i = 0; ; i++) fs.mkdirSync('d' + i)",
    "deep folders": (
        "const fs = require('fs')\nlet p = 'd'\nwhile (true) { fs.mkdirSync(p); p += '/d' }"
    ),
    "recursive mkdir": (
        "const fs = require('fs')\n"
        "for (let i = 0; ; i++) fs.mkdirSync('a' + i + '/b/c/d', { recursive: true })"
    ),
    "exclusive creates": (
        "const fs = require('fs')\nfor (let i = 0; ; i++) fs.writeFileSync('x' + i, '', { flag: 'wx' })"
    ),
}


@pytest.mark.parametrize("code", COUNT_FLOODS.values(), ids=COUNT_FLOODS.keys())
def test_creates_past_disk_files_end_the_run(sandbox: Sandbox, code: str) -> None:
    result = _run(sandbox, code, limits={"disk_files": 200})
    ended_by_disk(result, disk_files=200)


def test_the_default_file_count_is_10000(sandbox: Sandbox) -> None:
    ended_by_disk(_run(sandbox, COUNT_FLOODS["many empty files"]))
    fits = (
        "const fs = require('fs')\nfor (let i = 0; i < 9000; i++) fs.writeFileSync('f' + i, '')\n"
        "console.log(fs.readdirSync('.').length)"
    )
    result = _run(sandbox, fits)
    fine(result)
    assert int(result.stdout) >= 9000


def test_removing_frees_the_count_and_bytes(sandbox: Sandbox) -> None:
    code = """
const fs = require('fs')
const s = 'x'.repeat(100 << 10)
for (let round = 0; round < 5; round++) {
  fs.mkdirSync('d/e', { recursive: true })
  for (let i = 0; i < 50; i++) fs.writeFileSync('d/e/f' + i, s)
  fs.rmSync('d', { recursive: true })
  fs.writeFileSync('big', 'x'.repeat(6 << 20)); fs.unlinkSync('big')
  fs.mkdirSync('e'); fs.rmdirSync('e')
}
console.log('ok')
"""
    result = _run(sandbox, code, limits={"disk_bytes": 8 * MIB, "disk_files": 60})
    fine(result)
    assert "ok\n" == result.stdout


def test_rename_over_frees_the_old_file(sandbox: Sandbox) -> None:
    code = """
const fs = require('fs')
for (let i = 0; i < 20; i++) {
  fs.writeFileSync('new', 'x'.repeat(1 << 20)); fs.renameSync('new', 'current')
}
fs.renameSync('current', 'current')
console.log(fs.statSync('current').size, fs.readdirSync('.').sort().join(','))
"""
    result = _run(sandbox, code, limits={"disk_bytes": 3 * MIB, "disk_files": 5})
    fine(result)
    assert "1048576 current" == result.stdout.strip().replace(",tmp", "")


def test_shrinking_a_long_text_frees_its_bytes(sandbox: Sandbox) -> None:
    """Long texts are counted cheaply until the quota is near; the count stays exact enough
    that what was freed can be used again."""
    code = """
const fs = require('fs')
for (let i = 0; i < 30; i++) {
  fs.writeFileSync('a', '\\u00e9'.repeat(300 << 10))
  fs.appendFileSync('a', 'x'.repeat(100 << 10))
  fs.writeFileSync('a', 'short')
  fs.writeFileSync('b' + (i % 2), 'y'.repeat(400 << 10))
}
console.log(fs.readFileSync('a', 'utf8'))
"""
    result = _run(sandbox, code, limits={"disk_bytes": 2 * MIB})
    fine(result)
    assert "short\n" == result.stdout


# -- the request's own files ------------------------------------------------------------------


def test_request_files_count_in_the_quota(sandbox: Sandbox) -> None:
    files = [{"path": f"in/{i}.txt", "contents": "x" * (300 * KIB)} for i in range(4)]
    code = "console.log('ran')"
    result = _run(sandbox, code, files=files, limits={"disk_bytes": MIB})
    ended_by_disk(result, disk_bytes=MIB)
    assert "" == result.stdout
    result = _run(sandbox, code, files=files, limits={"disk_files": 4})
    ended_by_disk(result, disk_files=4)
    add = "require('fs').writeFileSync('more', 'x'.repeat(200 << 10)); console.log('ran')"
    fine(_run(sandbox, add, files=files, limits={"disk_bytes": 2 * MIB}))
    grow = "require('fs').writeFileSync('more', 'x'.repeat(900 << 10))"
    ended_by_disk(_run(sandbox, grow, files=files, limits={"disk_bytes": 2 * MIB}), 2 * MIB)


def test_a_zero_quota_still_runs_code_that_writes_nothing(sandbox: Sandbox) -> None:
    result = _run(sandbox, "console.log(1)", limits={"disk_bytes": 0, "disk_files": 0})
    fine(result)
    assert "1\n" == result.stdout
    write = "require('fs').writeFileSync('a', '')"
    ended_by_disk(_run(sandbox, write, limits={"disk_files": 0}), disk_files=0)


def test_under_the_quota_files_work_as_before(sandbox: Sandbox) -> None:
    code = """
const fs = require('fs')
console.log(fs.readFileSync('in/data.csv', 'utf8').trim())
fs.mkdirSync('out/deep/er', { recursive: true })
fs.writeFileSync('out/deep/er/a.bin', new Uint8Array([1, 2, 3]))
fs.appendFileSync('out/deep/er/a.bin', 'end')
console.log(fs.statSync('out/deep/er/a.bin').size)
fs.mkdirSync('/tmp')
fs.copyFileSync('out/deep/er/a.bin', '/tmp/b.bin')
fs.renameSync('/tmp/b.bin', '/tmp/c.bin')
console.log(fs.readdirSync('/tmp').join(','), fs.existsSync('/tmp/b.bin'))
const big = 'z'.repeat(16 << 20)
fs.writeFileSync('/tmp/big', big)
console.log(fs.readFileSync('/tmp/big', 'utf8') === big)
fs.unlinkSync('/tmp/big')
"""
    result = _run(sandbox, code, files=[{"path": "in/data.csv", "contents": "a,b\n1,2\n"}])
    fine(result)
    assert result.stdout.splitlines() == ["a,b", "1,2", "6", "c.bin false", "true"]


# -- host calls -------------------------------------------------------------------------------


def test_host_calls_per_run_are_capped(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    assert 100_000 == js_run.MAX_HOST_CALLS
    monkeypatch.setattr(js_run, "MAX_HOST_CALLS", 5)
    # Port 1 on loopback: nothing listens, so each allowed request fails fast in the gateway.
    code = """
const seen = []
for (let i = 0; i < 8; i++) {
  try { await fetch('http://127.0.0.1:1/'); seen.push('ok') }
  catch (e) { seen.push(String(e.cause && e.cause.message || e.message)) }
}
console.log(JSON.stringify(seen))
"""
    result = _run(sandbox, code, http={"allow": [{"host": "127.0.0.1:1"}]})
    fine(result)
    seen = __import__("json").loads(result.stdout)
    assert 8 == len(seen)
    assert all("host calls" not in s for s in seen[:5]), seen
    assert all("host calls; no more are allowed" in s for s in seen[5:]), seen


# -- output -----------------------------------------------------------------------------------


def test_many_tiny_writes_are_kept_and_capped(sandbox: Sandbox) -> None:
    code = "for (let i = 0; i < 200000; i++) process.stdout.write('ab')"
    result = _run(sandbox, code)
    fine(result)
    assert "ab" * 200_000 == result.stdout
    flood = "while (true) process.stdout.write('ab')"
    result = _run(sandbox, flood, limits={"output_bytes": 100_000})
    assert (LimitHit.OUTPUT_SIZE, 1) == (result.limit_hit, result.exit_code)
    assert result.stdout == "ab" * 50_000


@pytest.mark.parametrize("stream", ["log", "error"])
def test_one_huge_write_is_cut_at_the_cap(sandbox: Sandbox, stream: str) -> None:
    code = f"console.{stream}('\\u4e2d'.repeat(20 << 20))"
    result = _run(sandbox, code, limits={"output_bytes": 1000, "memory_size": 512})
    assert (LimitHit.OUTPUT_SIZE, 1) == (result.limit_hit, result.exit_code)
    text = result.stdout if stream == "log" else result.stderr
    assert text.startswith("\u4e2d" * 333)
    assert "\u4e2d" * 334 not in text


# -- threads ----------------------------------------------------------------------------------


def test_runs_add_no_threads_on_the_host(sandbox: Sandbox) -> None:
    code = "setTimeout(() => console.log('t'), 1); Promise.resolve().then(() => console.log('m'))"
    assert "m\nt\n" == _run(sandbox, code).stdout
    before = threading.active_count()
    for _ in range(20):
        assert "m\nt\n" == _run(sandbox, code).stdout
    assert threading.active_count() <= before + 1
