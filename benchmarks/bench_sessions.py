"""Sessions and output files (issue 17): a call in a kept guest against a fresh guest per run.

    python benchmarks/bench_sessions.py             # every section
    python benchmarks/bench_sessions.py --runs 100  # more samples per row

Rows, each measured round-robin with its baseline in this same process:
- a session call of `x += 1` (Python, JavaScript, Ruby): p50 latency and CPU per call back
  to back, against the same code as `run_script` (a fresh guest each time);
- `save()` + `resume()` of a Python session holding a 10 MB pandas frame, with pandas in the
  guest state (`Sandbox(python_imports=["pandas"])`), and the snapshot's size;
- a PNG-sized file (23 KB) handed back through `output_files`, against the same run without.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_runs import _load, machine
from embedsandbox import PoolOptions, Sandbox

_X = {"python": "x = 0", "ruby": "x = 0", "javascript": "let x = 0"}
_STEP = "x += 1"


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1e3


def _round_robin(rows: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in rows}
    for fn in rows.values():
        fn()  # warm-up
    for _ in range(runs):
        for name, fn in rows.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return samples


def _cpu_per_call(fn: Callable[[], object], runs: int) -> float:
    start = time.process_time()
    for _ in range(runs):
        fn()
    return (time.process_time() - start) / runs * 1e3


def calls(runs: int) -> dict[str, float]:
    print(
        "\n## A session call against a fresh guest per run (p50 ms; CPU ms per call back to back)"
    )
    print(
        "\n| language | session call p50 | fresh run p50 | ratio | session CPU/call | fresh CPU/run |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    found: dict[str, float] = {}
    with Sandbox(store=None, pool=PoolOptions(max_cached_instances=0)) as sb:
        for language, setup in _X.items():
            session = sb.session(language=language)
            session.run(setup)

            def fresh(language: str = language, setup: str = setup) -> object:
                return sb.run_script(language=language, code=f"{setup}\n{_STEP}")

            rows = {"session": lambda s=session: s.run(_STEP), "fresh": fresh}
            got = _round_robin(rows, runs)
            p_session, p_fresh = _median_ms(got["session"]), _median_ms(got["fresh"])
            cpu_session = _cpu_per_call(rows["session"], runs)
            cpu_fresh = _cpu_per_call(fresh, runs)
            print(
                f"| {language} | {p_session:.3f} | {p_fresh:.3f} | {p_session / p_fresh:.2f}x "
                f"| {cpu_session:.3f} | {cpu_fresh:.3f} |"
            )
            found[language] = p_session
            session.close()
    return found


def save_resume(runs: int) -> tuple[float, float, int]:
    print("\n## save() + resume() of a Python session holding a 10 MB pandas frame")
    with Sandbox(store=None, python_imports=["pandas"]) as sb:
        session = sb.session(language="python")
        session.run(
            "import numpy as np, pandas as pd\n"
            "df = pd.DataFrame({'a': np.arange(1_250_000, dtype='int64')})"
        )
        saves, resumes = [], []
        blob = b""
        for _ in range(max(3, runs // 10)):
            start = time.perf_counter()
            blob = session.save()
            saves.append(time.perf_counter() - start)
            session.close()
            start = time.perf_counter()
            session = sb.resume(blob)
            resumes.append(time.perf_counter() - start)
        assert session.run("print(int(df.a.sum()))").stdout == "781249375000\n"
        session.close()
    save_ms, resume_ms = _median_ms(saves), _median_ms(resumes)
    print(
        f"\nsave p50 {save_ms:.1f} ms, resume p50 {resume_ms:.1f} ms, "
        f"together {save_ms + resume_ms:.1f} ms; snapshot {len(blob) / (1 << 20):.1f} MiB"
    )
    return save_ms, resume_ms, len(blob)


def png(runs: int) -> float:
    print("\n## A PNG-sized file handed back through output_files, against the same run without")
    # 23 KB of bytes (a small matplotlib PNG's size) written by a cheap run, so that the row
    # measures the handing back, not matplotlib (whose savefig alone varies by more).
    code = "open('p.png', 'wb').write(bytes(range(256)) * 90)"
    with Sandbox(store=None) as sb:
        rows = {
            "with": lambda: sb.run_script(language="python", code=code, output_files=["*.png"]),
            "without": lambda: sb.run_script(language="python", code=code),
        }
        got = _round_robin(rows, runs)
    over = _median_ms(got["with"]) - _median_ms(got["without"])
    print(
        f"\nwith p50 {_median_ms(got['with']):.3f} ms, without {_median_ms(got['without']):.3f} "
        f"ms: {over:+.3f} ms for a 23 KB file"
    )
    return over


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="samples per row (default 50)")
    options = parser.parse_args()
    print(machine())
    print(f"{_load()} at the start (other work on the machine makes every figure noisier)")
    found = calls(options.runs)
    save_ms, resume_ms, _ = save_resume(options.runs)
    over = png(options.runs)
    print("\n## Targets (issue 17)\n")
    print("| figure | measured | target | |")
    print("|---|---:|---:|---|")
    rows = [
        ("python session call p50", found["python"], 0.5, "ms"),
        ("javascript session call p50", found["javascript"], 0.2, "ms"),
        ("save + resume, 10 MB pandas frame", save_ms + resume_ms, 100, "ms"),
        ("a PNG over the run itself", over, 1, "ms"),
    ]
    for name, measured, target, unit in rows:
        met = "met" if measured <= target else "missed"
        print(f"| {name} | {measured:.2f} {unit} | <= {target} {unit} | {met} |")
    print(f"\n{_load()} at the end")


if __name__ == "__main__":
    main()
