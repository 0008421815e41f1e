"""Throughput of a Ray `SandboxPool` of 2 actors against one in-process Sandbox, and the
per-call cost of going through Ray.

    python benchmarks/bench_ray.py                 # 5 rounds of a 200-run batch (~1 minute)
    python benchmarks/bench_ray.py --rounds 9 --batch 400
    python benchmarks/bench_ray.py --work 100000      # longer runs: a loop in each

The batch is the same for both: Python and JavaScript scripts, half each, small runs (the
kind an agent loop or a grader sends) so that the per-run overhead counts. "in-process" runs
it back to back on one thread of one `Sandbox(store=None)`; "ray pool" sends it through
`SandboxPool(actors=2, store=None).map(...)` on a local `ray.init(num_cpus=2)`. Rounds
alternate between the two, so drift in the machine's speed hits both alike; the medians of
the rounds are compared. Target: >= 1.7x on 2 cores.

Per-call overhead: single `run_script` calls one after another (nothing else in flight),
through the pool and in-process, interleaved; the overhead is the pool's p50 latency minus the
in-process p50 (serialising the request and the result, Ray's actor call and reply).
Target: <= 2 ms. Ray's own floor is shown beside it: the round trip of an actor method that
does nothing, measured in the same loop.

The CPU of every process of the tree (this one, the actors, the raylet, the GCS) per run is the
steadier figure on a loaded machine: what the pool costs the machine beside what one Sandbox
costs it (Ray's idle processes use about 0.05 of a core).

A native control shows what this machine gives two CPU-bound processes at that moment (other
work may be loading it): the time of one CPython busy loop against two at once.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Any

import psutil
import ray

from embedsandbox import ExecuteRequest, Sandbox
from embedsandbox.ray import SandboxPool

_LOOP = "s = 0\nfor i in range(3_000_000): s += i\n"


def _batch(size: int, work: int) -> list[ExecuteRequest]:
    if work:  # a loop of `work` steps in each run: longer runs
        python = "s = 0\nfor k in range({n}): s += k % 7\nprint(s, {i})"
        javascript = "let s = 0; for (let k = 0; k < {n}; k++) s += k % 7; console.log(s, {i})"
    else:
        python, javascript = "print(sum(range({i})))", "console.log({i} * 2)"
    return [
        ExecuteRequest(language="python", code=python.format(n=work, i=i))
        if i % 2
        else ExecuteRequest(language="javascript", code=javascript.format(n=work, i=i))
        for i in range(size)
    ]


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def _native_control() -> float:
    """How much faster two CPython busy loops finish together than one after the other."""

    def spawn(count: int) -> float:
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-S", "-c", _LOOP]) for _ in range(count)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - start

    one = statistics.median(spawn(1) for _ in range(3))
    two = statistics.median(spawn(2) for _ in range(3))
    return 2 * one / two


def _tree_cpu() -> float:
    """CPU seconds of this process and all its descendants: with a local `ray.init`, the
    actors, the raylet, the GCS and Ray's other helpers (their idle cost counts too)."""
    me = psutil.Process()
    total = 0.0
    for proc in [me, *me.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * q))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the batch, each side")
    parser.add_argument("--batch", type=int, default=200, help="runs in one batch")
    parser.add_argument("--calls", type=int, default=300, help="single calls, each side")
    parser.add_argument(
        "--chunk-size", type=int, default=None, help="map's chunk_size (default: its own sizing)"
    )
    parser.add_argument(
        "--work", type=int, default=0, help="loop steps in each batch run (default 0: tiny runs)"
    )
    options = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, Ray {ray.__version__}; {_load()}"
    )
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no report to Ray's servers
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    batch = _batch(options.batch, options.work)
    local = Sandbox(store=None)
    local.warmup(["python", "javascript"])
    pool = SandboxPool(actors=2, store=None, warmup=["python", "javascript"])
    for request in batch[:20]:  # both sides' warm pools and code paths in use
        local.run_script(request)
    list(pool.map(batch[:40]))

    rates: dict[str, list[float]] = {"in-process": [], "ray pool": []}
    cpu: dict[str, list[float]] = {"in-process": [], "ray pool": []}  # ms per run
    outputs: dict[str, list[Any]] = {}
    for _ in range(options.rounds):
        start, used = time.perf_counter(), _tree_cpu()
        outputs["in-process"] = [local.run_script(request).stdout for request in batch]
        rates["in-process"].append(len(batch) / (time.perf_counter() - start))
        cpu["in-process"].append((_tree_cpu() - used) * 1000 / len(batch))
        start, used = time.perf_counter(), _tree_cpu()
        outputs["ray pool"] = [
            result.stdout for result in pool.map(batch, chunk_size=options.chunk_size)
        ]
        rates["ray pool"].append(len(batch) / (time.perf_counter() - start))
        cpu["ray pool"].append((_tree_cpu() - used) * 1000 / len(batch))
    assert outputs["in-process"] == outputs["ray pool"], "the two sides disagree"
    what = f"a loop of {options.work} steps each" if options.work else "tiny runs"
    what += f"; map's chunk_size {options.chunk_size or 'sized by the pool'}"
    print(f"\nbatch of {len(batch)} runs (Python and JavaScript, {what}), {options.rounds} rounds")
    for name, values in rates.items():
        print(
            f"  {name:10}  median {statistics.median(values):7.1f} runs/s   "
            f"(min {min(values):.1f}, max {max(values):.1f})"
        )
    ratio = statistics.median(rates["ray pool"]) / statistics.median(rates["in-process"])
    print(f"  throughput ratio, ray pool / in-process: {ratio:.2f}x  (target >= 1.7x)")
    local_cpu, pool_cpu = statistics.median(cpu["in-process"]), statistics.median(cpu["ray pool"])
    print(
        f"  CPU per run, every process of the tree (Ray's included): in-process "
        f"{local_cpu:.2f} ms, ray pool {pool_cpu:.2f} ms"
    )

    latencies: dict[str, dict[str, list[float]]] = {
        "ray pool": {"python": [], "javascript": []},
        "in-process": {"python": [], "javascript": []},
    }
    floor: list[float] = []  # Ray's own round trip to the actor: a call that does nothing
    actor = pool.handles[0]
    calls = {
        "python": ExecuteRequest(language="python", code="print('hello')"),
        "javascript": ExecuteRequest(language="javascript", code="console.log('hello')"),
    }
    for i in range(options.calls):
        language = "python" if i % 2 else "javascript"
        request = calls[language]
        start = time.perf_counter()
        pool.run_script(request)
        latencies["ray pool"][language].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        local.run_script(request)
        latencies["in-process"][language].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        ray.get(actor.ready.remote())
        floor.append((time.perf_counter() - start) * 1000)
    print(f"\nsingle calls one after another, {options.calls // 2} per language and side")
    for language in ("python", "javascript"):
        remote = latencies["ray pool"][language]
        here = latencies["in-process"][language]
        overhead = statistics.median(remote) - statistics.median(here)
        print(
            f"  {language:10}  ray pool p50 {statistics.median(remote):.2f} ms "
            f"(p95 {_p(remote, 0.95):.2f}), in-process p50 {statistics.median(here):.2f} ms "
            f"(p95 {_p(here, 0.95):.2f}); overhead p50 {overhead:.2f} ms  (target <= 2 ms)"
        )
    print(
        f"  Ray's own round trip to an actor (a method that does nothing): p50 "
        f"{statistics.median(floor):.2f} ms (p95 {_p(floor, 0.95):.2f})"
    )
    pool.close()
    local.close()
    ray.shutdown()
    print(
        f"\nnative control: 2 CPython busy loops at once finish {_native_control():.2f}x "
        f"as fast as one after the other; {_load()}"
    )


if __name__ == "__main__":
    main()
