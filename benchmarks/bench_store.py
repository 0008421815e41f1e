"""What recording the execution history costs per run: JavaScript hello-world runs with
`store=None` (nothing recorded) and with a store file, interleaved at random, plus the time of
the record itself (building it and the one INSERT) measured inside the runs."""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from embedsandbox import Sandbox

CODE = "console.log('hello')"


def _run(sb: Sandbox) -> float:
    start = time.perf_counter()
    sb.run_script(language="javascript", code=CODE)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=600, help="runs in all, both sandboxes")
    options = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()}")
    with tempfile.TemporaryDirectory() as folder:
        sandboxes = {
            "store=None": Sandbox(store=None),
            "store=file": Sandbox(store=Path(folder) / "store.sqlite3"),
        }
        records: list[float] = []
        recorded = sandboxes["store=file"]
        original = recorded._record

        def timed(build: Any) -> None:
            start = time.perf_counter()
            original(build)
            records.append((time.perf_counter() - start) * 1e6)

        recorded._record = timed  # type: ignore[method-assign]
        for sb in sandboxes.values():
            sb.warmup(["javascript"])
            for _ in range(20):
                _run(sb)
        records.clear()
        times: dict[str, list[float]] = {name: [] for name in sandboxes}
        for _ in range(options.runs):
            name = random.choice(list(sandboxes))
            times[name].append(_run(sandboxes[name]))
        for name, values in times.items():
            print(f"{name:11} runs {len(values):4}  p50 {statistics.median(values):.3f} ms")
        print(
            f"record (build + INSERT) inside the runs: p50 {statistics.median(records):.0f} us, "
            f"p95 {sorted(records)[int(len(records) * 0.95)]:.0f} us"
        )
        for sb in sandboxes.values():
            sb.close()


if __name__ == "__main__":
    main()
