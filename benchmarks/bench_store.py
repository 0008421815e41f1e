"""What recording the execution history costs per run, on SQLite and on PostgreSQL, and 50
concurrent requests across two servers sharing one PostgreSQL store.

Part 1: JavaScript hello-world runs with `store=None` (nothing recorded), a store file and a
PostgreSQL store, interleaved at random, plus the time of the record itself (building it and
its one INSERT) measured inside the runs. Part 2 (`--servers`, on by default): two real
`embedsandbox serve --store postgresql://...` processes on loopback ports, 50 requests sent at
once, alternating between them; the error count and latency.

PostgreSQL is a temporary server started here from Debian's binaries (`tests/_postgres.py`,
with PostgreSQL's default durability: fsync and synchronous commit on), or `--postgres URL`.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' server helpers

from embedsandbox import PoolOptions, Sandbox

CODE = "console.log('hello')"


def _run(sb: Sandbox) -> float:
    start = time.perf_counter()
    sb.run_script(language="javascript", code=CODE)
    return (time.perf_counter() - start) * 1000


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * q))]


def record_costs(folder: str, postgres_url: str, runs: int, *, pool: bool) -> None:
    # Without the warm pool no thread refills guests beside the run: the INSERT's waits for
    # the GIL (after each round trip to the server) are then the run's own.
    options = PoolOptions() if pool else PoolOptions(max_cached_instances=0)
    sandboxes = {
        "store=None": Sandbox(store=None, pool=options),
        "store=file": Sandbox(store=Path(folder) / "store.sqlite3", pool=options),
        "store=postgresql": Sandbox(store=postgres_url, pool=options),
    }
    print(f"warm pool {'on (the default)' if pool else 'off'}:")
    records: dict[str, list[float]] = {"store=file": [], "store=postgresql": []}
    for name in records:
        sb = sandboxes[name]
        original = sb._record

        def timed(build: Any, original: Any = original, name: str = name) -> None:
            start = time.perf_counter()
            original(build)
            records[name].append((time.perf_counter() - start) * 1000)

        sb._record = timed  # type: ignore[method-assign]
    for sb in sandboxes.values():
        sb.warmup(["javascript"])
        for _ in range(20):
            _run(sb)
    for values in records.values():
        values.clear()
    times: dict[str, list[float]] = {name: [] for name in sandboxes}
    for _ in range(runs):
        name = random.choice(list(sandboxes))
        times[name].append(_run(sandboxes[name]))
    for name, values in times.items():
        print(f"{name:17} runs {len(values):4}  run p50 {statistics.median(values):.3f} ms")
    base = statistics.median(records["store=file"])
    for name, values in records.items():
        p50 = statistics.median(values)
        print(
            f"record (build + INSERT), {name:17} p50 {p50:.3f} ms, p95 {_p(values, 0.95):.3f} ms"
            f"  ({p50 / base:.1f}x SQLite's)"
        )
    for sb in sandboxes.values():
        sb.close()


def concurrent_servers(postgres_url: str, requests: int) -> None:
    import httpx
    from tests.server.conftest import cli, start_server, stop_server

    os.environ["EMBEDSANDBOX_SECRET_KEY"] = base64.b64encode(os.urandom(32)).decode()
    with tempfile.TemporaryDirectory() as folder:
        servers = [
            start_server(Path(folder) / name, "--store", postgres_url, "--queue-timeout", "30")
            for name in ("a", "b")
        ]
        try:
            made = cli(servers[0].env, "keys", "create", "--store", postgres_url, "--json")
            key = made.stdout.split('"key": "')[1].split('"')[0]
            headers = {"Authorization": f"Bearer {key}"}
            clients = [httpx.Client(base_url=s.url, headers=headers, timeout=60) for s in servers]
            body = {"language": "javascript", "code": CODE}
            for client in clients:  # one warm request each
                client.post("/v1/execute", json=body)

            def send(i: int) -> tuple[int, float]:
                start = time.perf_counter()
                try:
                    status = clients[i % 2].post("/v1/execute", json=body).status_code
                except httpx.HTTPError:
                    status = 0
                return status, (time.perf_counter() - start) * 1000

            start = time.perf_counter()
            with ThreadPoolExecutor(requests) as pool:
                done = list(pool.map(send, range(requests)))
            wall = (time.perf_counter() - start) * 1000
            errors = sum(1 for status, _ in done if status != 200)
            latencies = [ms for _, ms in done]
            listed = [len(c.get("/v1/executions").json()["data"]) for c in clients]
            print(
                f"{requests} concurrent requests across 2 servers: {errors} errors, "
                f"p50 {statistics.median(latencies):.1f} ms, p95 {_p(latencies, 0.95):.1f} ms, "
                f"all done in {wall:.0f} ms; history listed from each: {listed}"
            )
            for client in clients:
                client.close()
        finally:
            for server in servers:
                stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=900, help="runs in all, three sandboxes")
    parser.add_argument("--requests", type=int, default=50, help="concurrent server requests")
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: a temporary server)")
    parser.add_argument("--no-servers", action="store_true", help="skip the two-server part")
    options = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    server = None
    url = options.postgres
    if url is None:
        from tests import _postgres

        server = _postgres.start(durable=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            for pool in (True, False):
                database = url or server.new_database()  # type: ignore[union-attr]
                record_costs(folder, database, options.runs, pool=pool)
        if not options.no_servers:
            concurrent_servers(url or server.new_database(), options.requests)  # type: ignore[union-attr]
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
