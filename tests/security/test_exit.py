"""Process hygiene at exit: a program that leaves a Sandbox open exits cleanly, with its code.

wasmtime called the guest's output finalizer (a Python callback) on its own tokio thread
when a closed store's output stream was dropped; once the interpreter was finalizing, Python
ended that thread (pthread_exit), and the unwinding through Rust aborted the process with
"panic in a function that cannot unwind" (about one exit in four of a 16-run script). Each
script here runs several times in a subprocess (bounded), in a temporary EMBEDSANDBOX_HOME
whose cache is the real one (nothing recompiles).

A guest that writes has wasmtime call our write callback on a tokio thread; a write there
once the interpreter was finalizing aborted the exit the same way (a daemon thread's run
still printing): so an exit first cancels the turns still running and waits for them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from embedsandbox._sandbox import default_cache_dir

RUNS = 8

_PRELUDE = """
import asyncio, os, sys, threading, time
from embedsandbox import PoolOptions, Sandbox
"""

MIXED = (
    _PRELUDE
    + """
sb = Sandbox(store=None) if sys.argv[1] == "memory" else Sandbox()
sb.run_script(language="python", code="print(1)")
sb.run_script(language="javascript", code="console.log(2)")
sb.run_script(language="typescript", code="let x: number = 3; console.log(x)")
sb.run_function(language="python", code="def execute(i): return i", input={"a": 1})
sb.run_function(language="javascript", code="function execute(i){return i}", input={})
sb.run_script(language="python", code="import urllib.request\\ntry:\\n urllib.request.urlopen('http://example.com')\\nexcept Exception as e: print('refused')")
sb.run_script(language="javascript", code="fetch('http://example.com').catch(() => console.log('refused'))")
r = sb.run_script(language="python", code="while True: pass", limits={"execution_timeout": 0.3})
assert r.limit_hit == "execution_timeout", r
sb.run_script(language="javascript", code="while(true){}", limits={"execution_timeout": 0.3})
r = sb.run_script(language="python", code="x = bytearray(200 << 20)", limits={"memory_size": 64})
assert r.limit_hit == "memory_size", r
sb.run_script(language="python", code="import sys; print('e' * 1000, file=sys.stderr)")
async def main():
    await asyncio.gather(
        sb.run_script_async(language="python", code="print(4)"),
        sb.run_script_async(language="javascript", code="console.log(5)"),
        sb.run_function_async(language="python", code="async def execute(i): return 6", input={}),
    )
asyncio.run(main())
print(sb.run_script(language="python", code="print(9)").stdout, end="")
sys.exit(3)
"""
)

IN_FLIGHT = (
    _PRELUDE
    + """
sb = Sandbox(store=None)
sb.run_script(language="python", code="pass")
sb.run_script(language="javascript", code="1")
def go(language, code):
    sb.run_script(language=language, code=code, limits={"execution_timeout": 60})
for language, code in [
    ("python", "while True: pass"),
    ("python", "while True: print('x' * 100)"),
    ("python", "import time\\nwhile True: time.sleep(0.001)"),
    ("javascript", "while(true){}"),
    ("javascript", "while(true){console.log('x')}"),
]:
    threading.Thread(target=go, args=(language, code), daemon=True).start()
time.sleep(0.5)
print(9)
sys.exit(3)
"""
)

# An atexit hook registered before embedsandbox's own runs after it: it sees how the daemon
# thread's run ended.
CANCELLED = """
import atexit, sys, threading, time
done = {}
@atexit.register
def report():
    for _ in range(1000):  # the cancelled turn has ended; its thread still builds the result
        if "r" in done:
            break
        time.sleep(0.01)
    r = done.get("r")
    print("ended:", r and (r.exit_code, r.stderr.splitlines()[-1]), flush=True)
from embedsandbox import Sandbox
sb = Sandbox(store=None)
started = threading.Event()
def go():
    started.set()
    code = "import time\\nwhile True:\\n    print('x')\\n    time.sleep(0.005)"
    done["r"] = sb.run_script(language="python", code=code, limits={"execution_timeout": 60})
threading.Thread(target=go, daemon=True).start()
started.wait()
time.sleep(0.5)
sys.exit(3)
"""

PROCESSES = (
    _PRELUDE
    + """
if __name__ == "__main__":  # the workers are spawned: they import this file
    sb = Sandbox(store=None, pool=PoolOptions(processes=2))
    sb.run_script(language="python", code="print(7)")
    sb.run_script(language="javascript", code="console.log(8)")
    print(9)
    sys.exit(3)
"""
)


def _run(
    tmp_path: Path, script: str, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    if not home.exists():
        home.mkdir()
        (home / "cache").symlink_to(default_cache_dir())
    file = tmp_path / "script.py"
    file.write_text(textwrap.dedent(script))
    env = {**os.environ, "EMBEDSANDBOX_HOME": str(home)}
    return subprocess.run(
        [sys.executable, str(file), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _assert_clean(done: subprocess.CompletedProcess[str]) -> None:
    assert "panicked" not in done.stderr, done.stderr[-3000:]
    assert (3, "9\n") == (done.returncode, done.stdout[-2:]), done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    from embedsandbox import Sandbox

    with Sandbox(store=None) as sb:  # compile (or load) both interpreters into the cache once
        sb.warmup()


@pytest.mark.parametrize("store", ["memory", "file"])
def test_a_mixed_script_that_never_closes_exits_cleanly(tmp_path: Path, store: str) -> None:
    for _ in range(RUNS):
        _assert_clean(_run(tmp_path, MIXED, store))


def test_runs_still_going_on_daemon_threads_do_not_hold_or_crash_the_exit(tmp_path: Path) -> None:
    for _ in range(RUNS // 2):
        done = _run(tmp_path, IN_FLIGHT, timeout=30)  # their guests have 60 s: not waited for
        _assert_clean(done)


def test_a_run_still_going_at_exit_is_cancelled_before_the_interpreter_finalizes(
    tmp_path: Path,
) -> None:
    done = _run(tmp_path, CANCELLED, timeout=30)  # its guest has 60 s
    assert "panicked" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 3, done.stderr[-3000:]
    assert "ended: (1, 'embedsandbox: the guest was stopped by a WebAssembly trap: cancelled')" in (
        done.stdout
    ), done.stdout[-1000:]


def test_worker_processes_left_open_exit_cleanly(tmp_path: Path) -> None:
    for _ in range(RUNS // 4):
        _assert_clean(_run(tmp_path, PROCESSES))
