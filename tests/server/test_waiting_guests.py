"""Guests that wait (a sleep, a timer, a host call) give their worker back (issue 12).

The pool's logic runs in-process against fake calls; the engines' reports run real guests
under a recording hook; the server's behaviour runs on a real `embedsandbox serve`.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from embedsandbox import Sandbox
from embedsandbox._engines._base import Invocation, RunLimits
from embedsandbox._engines._waiting import current_hook, use_hook, waiting
from embedsandbox.server import ServerOptions, create_app
from embedsandbox.server._pool import Busy, Pool

from .conftest import Server, start_server, stop_server

# -- the pool, in-process ----------------------------------------------------------------------


class _Gauge:
    """How many calls are inside a CPU section at once, at most."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = self.peak = 0

    def cpu(self, seconds: float) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass
        with self._lock:
            self.now -= 1


def _gather(pool: Pool, calls: list[tuple[Callable[[], Any], str]]) -> list[Any]:
    async def main() -> list[Any]:
        try:
            return await asyncio.gather(
                *(pool.run(call, key) for call, key in calls), return_exceptions=True
            )
        finally:
            await asyncio.to_thread(pool.close)

    return asyncio.run(main())


def test_waiting_runs_give_their_slot_back() -> None:
    pool = Pool(2, queue_timeout_s=5, max_waiting=64)
    gauge = _Gauge()

    def sleeper() -> str:
        gauge.cpu(0.01)
        with waiting():
            time.sleep(1)
        gauge.cpu(0.01)
        return "slept"

    start = time.monotonic()
    results = _gather(pool, [(sleeper, "") for _ in range(40)])
    assert results == ["slept"] * 40
    assert time.monotonic() - start < 4  # one after another would be 20 s
    assert gauge.peak <= 2
    assert (pool.busy, pool.parked, pool.waiting) == (0, 0, 0)


def test_cpu_bound_runs_stay_within_the_workers_while_others_wait() -> None:
    pool = Pool(2, queue_timeout_s=10, max_waiting=64)
    gauge = _Gauge()

    def sleeper() -> None:
        with waiting():
            time.sleep(1.5)
        gauge.cpu(0.05)

    def spinner() -> None:
        gauge.cpu(0.3)

    calls = [(sleeper, "") for _ in range(20)] + [(spinner, "") for _ in range(8)]
    start = time.monotonic()
    assert _gather(pool, calls) == [None] * 28
    assert gauge.peak <= 2
    assert time.monotonic() - start < 6


def test_past_max_waiting_a_guest_keeps_its_slot_and_new_runs_get_busy() -> None:
    pool = Pool(1, queue_timeout_s=0.5, max_waiting=2)

    def sleeper() -> str:
        with waiting():
            time.sleep(1.5)
        return "slept"

    async def main() -> list[Any]:
        first = [asyncio.ensure_future(pool.run(sleeper)) for _ in range(3)]
        await asyncio.sleep(0.2)  # two parked, the third waits on the only slot
        assert (pool.parked, pool.busy) == (2, 1)
        late = await asyncio.gather(pool.run(lambda: "late"), return_exceptions=True)
        done = await asyncio.gather(*first)
        await asyncio.to_thread(pool.close)
        return [*done, *late]

    results = asyncio.run(main())
    assert results[:3] == ["slept"] * 3
    assert isinstance(results[3], Busy)


def test_max_waiting_zero_keeps_todays_behaviour() -> None:
    pool = Pool(1, queue_timeout_s=0.3, max_waiting=0)

    def sleeper() -> str:
        with waiting():
            time.sleep(1)
        return "slept"

    results = _gather(pool, [(sleeper, ""), (sleeper, "")])
    assert results[0] == "slept" and isinstance(results[1], Busy)


def test_the_per_key_cap_counts_cpu_slots_only() -> None:
    pool = Pool(4, queue_timeout_s=10, per_key=1, max_waiting=64)
    gauges = {"a": _Gauge(), "b": _Gauge()}

    def run(key: str) -> Callable[[], None]:
        def call() -> None:
            gauges[key].cpu(0.05)
            with waiting():
                time.sleep(0.5)
            gauges[key].cpu(0.05)

        return call

    start = time.monotonic()
    calls = [(run("a"), "a") for _ in range(10)] + [(run("b"), "b") for _ in range(10)]
    assert _gather(pool, calls) == [None] * 20
    assert gauges["a"].peak == 1 and gauges["b"].peak == 1
    # Each key's CPU sections run one at a time (2 x 10 x 0.05 s); the sleeps overlap.
    assert time.monotonic() - start < 3


def test_a_cancelled_request_gives_its_place_back() -> None:
    pool = Pool(1, queue_timeout_s=5, max_waiting=4)

    async def main() -> str:
        blocker = asyncio.ensure_future(pool.run(lambda: time.sleep(0.5)))
        await asyncio.sleep(0.05)
        queued = asyncio.ensure_future(pool.run(lambda: "never"))
        await asyncio.sleep(0.05)
        assert pool.waiting == 1
        queued.cancel()
        await asyncio.sleep(0.05)
        assert pool.waiting == 0
        await blocker
        result = await pool.run(lambda: "after")
        assert (pool.busy, pool.parked) == (0, 0)
        await asyncio.to_thread(pool.close)
        return result

    assert asyncio.run(main()) == "after"


def test_without_a_hook_waiting_does_nothing() -> None:
    assert current_hook() is None
    with waiting():
        pass


# -- the engines report their waits --------------------------------------------------------------


class _Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.lock = threading.Lock()

    def park(self) -> bool:
        with self.lock:
            self.events.append("park")
        return True

    def resume(self) -> None:
        with self.lock:
            self.events.append("resume")


def _host(request: bytes) -> bytes:
    return json.dumps({"error": "no network in this test"}).encode()


@pytest.mark.guest
@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "import time\ntime.sleep(0.05)\nprint('ok')"),
        ("python", "import _host\n_host.call(b'host:{\"op\": \"http\"}')\nprint('ok')"),
        ("javascript", "await new Promise(r => setTimeout(r, 50)); console.log('ok')"),
        ("javascript", "try { await fetch('http://example.com/') } catch {}\nconsole.log('ok')"),
    ],
    ids=["python-sleep", "python-host-call", "javascript-timer", "javascript-fetch"],
)
def test_engines_report_sleeps_and_host_calls(sandbox: Sandbox, language: str, code: str) -> None:
    engine = sandbox._engine(language)
    limits = RunLimits(10.0, 256 << 20, None, 1 << 20)
    invocation = Invocation(language, code, "script", limits=limits, host_call=_host)  # type: ignore[arg-type]
    recorder = _Recorder()
    with use_hook(recorder):
        outcome = engine.run(invocation)
    assert (outcome.exit_code, outcome.stdout) == (0, "ok\n"), outcome.stderr
    assert recorder.events[:2] == ["park", "resume"]
    assert recorder.events == ["park", "resume"] * (len(recorder.events) // 2)
    quiet = _Recorder()
    plain = Invocation(language, "print(1)" if language == "python" else "1", "script")  # type: ignore[arg-type]
    with use_hook(quiet):
        assert engine.run(plain).exit_code == 0
    assert quiet.events == []


# -- a real server -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("waiting-home"), "--workers", "2")
    try:
        yield running
    finally:
        stop_server(running)


def _post(server: Server, key: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        server.url + "/v1/execute",
        json=body,
        headers={"Authorization": f"Bearer {key}"},
        timeout=120,
    )


def _burst(server: Server, key: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(len(bodies)) as threads:
        return list(threads.map(lambda body: _post(server, key, body), bodies))


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "import time\ntime.sleep(1)\nprint('done')"),
        ("javascript", "await new Promise(r => setTimeout(r, 1000)); console.log('done')"),
    ],
)
def test_thirty_sleeping_guests_on_two_workers(
    two_workers: Server, language: str, code: str
) -> None:
    key = two_workers.key()
    _post(two_workers, key, {"language": language, "code": "1"})  # warm the engine
    start = time.monotonic()
    responses = _burst(two_workers, key, [{"language": language, "code": code}] * 30)
    elapsed = time.monotonic() - start
    assert [r.status_code for r in responses] == [200] * 30, responses[0].text
    assert all(r.json()["stdout"] == "done\n" for r in responses)
    assert elapsed < 15, elapsed  # one worker each, 2 at a time: 15 s and 10 got 429


_SPIN = """
import time
start = time.time()
while time.time() - start < 0.6:
    pass
print(start, time.time())
"""


def test_cpu_bound_guests_run_two_at_a_time_beside_sleeping_ones(two_workers: Server) -> None:
    key, other = two_workers.key(), two_workers.key("spinners")
    sleep = {"language": "python", "code": "import time\ntime.sleep(3)\nprint('done')"}
    spin = {"language": "python", "code": _SPIN}
    with ThreadPoolExecutor(40) as threads:
        sleepers = [threads.submit(_post, two_workers, key, sleep) for _ in range(24)]
        time.sleep(0.5)
        metrics = httpx.get(two_workers.url + "/metrics").text
        spinners = [threads.submit(_post, two_workers, k, spin) for k in (key, other) * 4]
        spins = [f.result() for f in spinners]
        slept = [f.result() for f in sleepers]
    assert [r.status_code for r in slept + spins] == [200] * 32
    assert "embedsandbox_pool_parked 0" not in metrics, metrics
    intervals = [tuple(map(float, r.json()["stdout"].split())) for r in spins]
    edges = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    assert peak <= 2, intervals


def test_past_max_waiting_requests_get_429(tmp_path: Path) -> None:
    server = start_server(
        tmp_path / "home", "--workers", "1", "--max-waiting", "2", "--queue-timeout", "1"
    )
    try:
        key = server.key()
        _post(server, key, {"language": "python", "code": "1"})
        sleep = {"language": "python", "code": "import time\ntime.sleep(4)"}
        with ThreadPoolExecutor(3) as threads:
            sleepers = [threads.submit(_post, server, key, sleep) for _ in range(3)]
            time.sleep(1.5)  # two parked, the third holds the only worker in its sleep
            late = _post(server, key, {"language": "python", "code": "print(1)"})
            assert late.status_code == 429, late.text
            body = late.json()
            assert body["code"] == 8 and isinstance(body["message"], str)
            assert late.headers["Retry-After"] == "1"
            assert [f.result().status_code for f in sleepers] == [200] * 3
    finally:
        stop_server(server)


@pytest.mark.parametrize("value", [-1, -(2**40)])
def test_a_negative_max_waiting_is_refused_before_anything_is_opened(
    tmp_path: Path, value: int
) -> None:

    keys = tmp_path / "keys.sqlite3"
    with pytest.raises(ValueError, match="max_waiting must be at least 0"):
        create_app(ServerOptions(max_waiting=value, keys=keys))
    assert not keys.exists()
