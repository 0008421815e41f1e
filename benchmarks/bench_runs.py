"""Per-run cost of fresh guests against native baselines measured in the same run.

    python benchmarks/bench_runs.py            # 50 runs per workload (medians, p95, ratios)
    python benchmarks/bench_runs.py --runs 10  # quicker

Every workload runs a FRESH guest each time (nothing is reused between runs). Each row is
compared with a baseline measured in this same process and run, because the machine is
noisy: a native `python -c` / `node -e` subprocess, or the same code executed in-process
(CPython `exec`, or QuickJS through quickjs-rs with no sandbox around it). To add a peer,
append a `Case` whose `run` calls the peer's API.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil

from embedsandbox import Sandbox

FIB_PY = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(25))"
FIB_JS = "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }\nconsole.log(fib(25))"
IDENTITY = {
    "python": "def execute(input):\n    return input",
    "javascript": "function execute(input) { return input }",
}
# ~100 KB of JSON: 1000 records
BIG_INPUT = [
    {"id": i, "name": f"item-{i}", "tags": ["a", "b", "c"], "score": i * 0.5} for i in range(1000)
]


@dataclass
class Case:
    name: str
    run: Callable[[], object]
    baseline_name: str
    baseline: Callable[[], object] | None


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # one warm-up call: compile caches, imports
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def _checked(result: object) -> object:
    exit_code = getattr(result, "exit_code", None)
    if exit_code is None:
        exit_code = result.execution.exit_code  # type: ignore[attr-defined]
    if exit_code != 0:
        raise SystemExit(f"benchmark run failed: {result}")
    return result


def cases(sb: Sandbox) -> list[Case]:
    node = shutil.which("node")

    def native(argv: list[str]) -> Callable[[], object]:
        return lambda: subprocess.run(argv, check=True, capture_output=True)

    def quickjs_inprocess(code: str) -> Callable[[], object]:
        import quickjs_rs

        def run() -> object:
            with quickjs_rs.Runtime() as rt:
                ctx = rt.new_context(timeout=60)
                return ctx.eval(code)

        return run

    def exec_inprocess(code: str) -> Callable[[], object]:
        compiled = compile(code.replace("print(", "str("), "<bench>", "exec")
        return lambda: exec(compiled, {})  # noqa: S102 - our own benchmark code

    node_hello = native([node, "-e", "console.log('hello')"]) if node else None
    py_hello = native([sys.executable, "-S", "-c", "print('hello')"])
    big = json.dumps(BIG_INPUT)
    return [
        Case(
            "python hello-world script",
            lambda: _checked(sb.run_script(language="python", code="print('hello')")),
            "python -c subprocess",
            py_hello,
        ),
        Case(
            "python identity function",
            lambda: _checked(
                sb.run_function(language="python", code=IDENTITY["python"], input={"x": 1})
            ),
            "python -c subprocess",
            py_hello,
        ),
        Case(
            "python fib(25)",
            lambda: _checked(sb.run_script(language="python", code=FIB_PY)),
            "CPython exec in-process",
            exec_inprocess(FIB_PY),
        ),
        Case(
            "python 100 KB JSON function",
            lambda: _checked(
                sb.run_function(language="python", code=IDENTITY["python"], input=BIG_INPUT)
            ),
            "json loads+dumps in-process",
            lambda: json.dumps(json.loads(big)),
        ),
        Case(
            "javascript hello-world script",
            lambda: _checked(sb.run_script(language="javascript", code="console.log('hello')")),
            "node -e subprocess",
            node_hello,
        ),
        Case(
            "javascript identity function",
            lambda: _checked(
                sb.run_function(language="javascript", code=IDENTITY["javascript"], input={"x": 1})
            ),
            "node -e subprocess",
            node_hello,
        ),
        Case(
            "javascript fib(25)",
            lambda: _checked(sb.run_script(language="javascript", code=FIB_JS)),
            "quickjs-rs in-process, no sandbox",
            quickjs_inprocess(FIB_JS.replace("console.log(fib(25))", "fib(25)")),
        ),
        Case(
            "javascript 100 KB JSON function",
            lambda: _checked(
                sb.run_function(language="javascript", code=IDENTITY["javascript"], input=BIG_INPUT)
            ),
            "json loads+dumps in-process",
            lambda: json.dumps(json.loads(big)),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", help="run only the workloads whose name contains this")
    options = parser.parse_args()
    process = psutil.Process(os.getpid())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    )
    print(f"runs per workload: {options.runs} (after one warm-up run)\n")
    with Sandbox() as sb:
        sb.warmup(["python", "javascript"] if not options.only else [options.only.split()[0]])
        rss_start = process.memory_info().rss
        header = f"| {'workload':34} | {'p50 ms':>8} | {'p95 ms':>8} | {'baseline':34} | {'p50 ms':>8} | {'ratio':>7} |"
        print(header)
        print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|")
        for case in cases(sb):
            if options.only and options.only not in case.name:
                continue
            ours = _timed(case.run, options.runs)
            ours_p50 = statistics.median(ours)
            if case.baseline is not None:
                base = statistics.median(_timed(case.baseline, options.runs))
                base_text, ratio = f"{base:8.2f}", f"{ours_p50 / base:6.2f}x"
            else:
                base_text, ratio = "     n/a", "    n/a"
            print(
                f"| {case.name:34} | {ours_p50:8.2f} | {_p95(ours):8.2f} | "
                f"{case.baseline_name:34} | {base_text} | {ratio:>7} |",
                flush=True,
            )
        grown = (process.memory_info().rss - rss_start) / (1 << 20)
        print(
            f"\nprocess RSS after warm-up: {rss_start / (1 << 20):.0f} MiB; grew {grown:+.0f} MiB over all runs"
        )


if __name__ == "__main__":
    main()
