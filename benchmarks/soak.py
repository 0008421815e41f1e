"""A bounded soak: thousands of mixed runs, then what the process holds compared with before.

    python benchmarks/soak.py                 # 3,000 runs (about 2 minutes on 2 cores)
    python benchmarks/soak.py --runs 500      # quicker
    python benchmarks/soak.py --threads 2     # the same mix from two threads at once

The mix is what a hostile or careless guest does, in every language: plain output, uncaught
errors, `sys.exit`/`process.exit`, each limit hit (time, memory, fuel, output, disk), file
writes, refused egress, functions that return unserialisable values, open-files loops. The
runs go back to back on one Sandbox (its warm pools at their defaults), and the soak reports
threads, open file descriptors, memory maps, RSS and temporary folders of this process before
and after, after a warm-up round of the same mix so that caches and pools already exist in
the "before" figure. A leak shows as growth that the warm-up round did not have.

It prints the table and exits 1 if fds or temp folders grew, if threads started during the
soak are still there after 40 s idle (JavaScript keeps up to 4 guest threads, each for 30 s
idle: growth within that is not a leak), or if RSS grew by more than `--rss-slack-mib`
(default 64 MiB: allocator fragmentation is not a leak).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from embedsandbox import Sandbox


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # "script" or "function"
    language: str
    code: str
    limits: dict[str, Any] | None = None
    http: dict[str, Any] | None = None


_PY_FILES = "for i in range(50):\n    open(f'f{i}.txt', 'w').write('x' * 1000)\nprint('ok')"
_JS_FILES = (
    "import fs from 'fs';\n"
    "for (let i = 0; i < 50; i++) fs.writeFileSync(`f${i}.txt`, 'x'.repeat(1000));\n"
    "console.log('ok')"
)

CASES: list[Case] = [
    Case("py hello", "script", "python", "print('hello')"),
    Case("py error", "script", "python", "raise ValueError('boom')"),
    Case("py exit 3", "script", "python", "import sys; sys.exit(3)"),
    Case("py fuel", "script", "python", "while True: pass", {"fuel": 10**7}),
    Case("py timeout", "script", "python", "while True: pass", {"execution_timeout": 0.2}),
    Case("py memory", "script", "python", "x = bytearray(1 << 30)", {"memory_size": 64}),
    Case("py output", "script", "python", "print('x' * 100_000)", {"output_bytes": 1000}),
    Case(
        "py disk",
        "script",
        "python",
        "open('big', 'wb').write(b'x' * 2_000_000)",
        {"disk_bytes": 1_000_000},
    ),
    Case("py files", "script", "python", _PY_FILES),
    Case(
        "py open files",
        "script",
        "python",
        "fs = []\ntry:\n    while True: fs.append(open('a', 'w'))\nexcept OSError as e:\n    print(e.errno)",
    ),
    Case(
        "py egress refused",
        "script",
        "python",
        "import urllib.request\ntry:\n    urllib.request.urlopen('http://127.0.0.1:9/')\n"
        "except Exception as e:\n    print(type(e).__name__)",
    ),
    Case("py function set", "function", "python", "def execute(input):\n    return {1, 2}"),
    Case("js hello", "script", "javascript", "console.log('hello')"),
    Case("js error", "script", "javascript", "throw new Error('boom')"),
    Case("js exit 3", "script", "javascript", "process.exit(3)"),
    Case("js fuel", "script", "javascript", "while (true) {}", {"fuel": 10**7}),
    Case("js timeout", "script", "javascript", "while (true) {}", {"execution_timeout": 0.2}),
    Case(
        "js microtasks",
        "script",
        "javascript",
        "(async () => { while (true) await null })()",
        {"execution_timeout": 0.2},
    ),
    Case(
        "js memory",
        "script",
        "javascript",
        "const a = []; while (true) a.push('x'.repeat(1e5))",
        {"memory_size": 64},
    ),
    Case(
        "js output",
        "script",
        "javascript",
        "console.log('x'.repeat(100000))",
        {"output_bytes": 1000},
    ),
    Case("js files", "script", "javascript", _JS_FILES),
    Case(
        "js disk",
        "script",
        "javascript",
        "const fs = require('fs'); for (let i = 0; ; i++) fs.writeFileSync('f' + i, 'x'.repeat(1 << 20))",
        {"disk_bytes": 4 << 20},
    ),
    Case(
        "js egress refused",
        "script",
        "javascript",
        "try { await fetch('http://127.0.0.1:9/') } catch (e) { console.log(e.name) }",
    ),
    Case(
        "ts function",
        "function",
        "typescript",
        "export function execute(input: {n: number}) { return (input?.n ?? 1) * 2 }",
    ),
]


def _temp_folders() -> set[str]:
    root = Path(tempfile.gettempdir())
    try:
        return {p.name for p in root.iterdir() if p.name.startswith(("embedsandbox", "tmp"))}
    except OSError:
        return set()


def _snapshot() -> dict[str, int]:
    process = psutil.Process()
    return {
        "threads": threading.active_count(),
        "os threads": process.num_threads(),
        "fds": process.num_fds(),
        "memory maps": len(process.memory_maps(grouped=False)),
        "rss MiB": process.memory_info().rss >> 20,
        "temp folders": len(_temp_folders()),
    }


SETTLE_S = 40.0


def _thread_names() -> Counter[str]:
    # "Thread-12 (fill)" -> "Thread-N (fill)": the kind of thread, not its number.
    return Counter(re.sub(r"\d+", "N", t.name) for t in threading.enumerate())


def _run(sb: Sandbox, case: Case) -> str:
    fields: dict[str, Any] = {"language": case.language, "code": case.code}
    if case.limits:
        fields["limits"] = case.limits
    if case.kind == "function":
        return sb.run_function(**fields, input={"n": 2}).output_status.value
    result = sb.run_script(**fields)
    return result.limit_hit.value if result.limit_hit else f"exit {result.exit_code}"


def _round(sb: Sandbox, runs: int, threads: int, outcomes: Counter[str]) -> float:
    lock = threading.Lock()
    counter = iter(range(runs))

    def worker() -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            case = CASES[index % len(CASES)]
            outcome = _run(sb, case)
            with lock:
                outcomes[f"{case.name}: {outcome}"] += 1

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rss-slack-mib", type=int, default=64)
    options = parser.parse_args()

    with Sandbox(store=None) as sb:
        warm: Counter[str] = Counter()
        _round(sb, len(CASES) * 3, options.threads, warm)
        before_temp = _temp_folders()
        before = _snapshot()
        before_names = _thread_names()
        outcomes: Counter[str] = Counter()
        elapsed = _round(sb, options.runs, options.threads, outcomes)
        after = _snapshot()
        new_threads = sorted((_thread_names() - before_names).elements())
        # Kept threads (JavaScript's guest threads: at most 4, each ending after 30 s idle)
        # may have grown by a busy moment: only threads still there once idle are a leak.
        settled_s = 0.0
        if new_threads:
            start = time.perf_counter()
            while _thread_names() - before_names and time.perf_counter() - start < SETTLE_S:
                time.sleep(0.5)
            settled_s = time.perf_counter() - start
            new_threads = sorted((_thread_names() - before_names).elements())
        after_temp = _temp_folders()
    closed = _snapshot()

    print(
        f"soak: {options.runs} mixed runs ({len(CASES)} cases) from {options.threads} "
        f"thread(s) in {elapsed:.1f} s ({options.runs / elapsed:.0f} runs/s); "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    print(f"{'':14}{'before':>10}{'after':>10}{'growth':>10}{'closed':>10}")
    for name in before:
        print(
            f"{name:14}{before[name]:>10}{after[name]:>10}"
            f"{after[name] - before[name]:>+10}{closed[name]:>10}"
        )
    print("\noutcomes (each case's result, over the soak):")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {count:>6}  {outcome}")

    problems = []
    for name in ("fds", "temp folders"):
        if after[name] > before[name]:
            problems.append(f"{name} grew by {after[name] - before[name]}")
    if settled_s:
        print(f"\nthreads after {settled_s:.0f} s idle: {threading.active_count()}")
    if new_threads:
        problems.append(f"threads still there after {SETTLE_S:.0f} s idle: {new_threads[:10]}")
    if after["rss MiB"] - before["rss MiB"] > options.rss_slack_mib:
        problems.append(f"RSS grew by {after['rss MiB'] - before['rss MiB']} MiB")
    left = after_temp - before_temp
    if left:
        problems.append(f"temp folders left behind: {sorted(left)[:5]}")
    for problem in problems:
        print("LEAK:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
