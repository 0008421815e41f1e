"""The warm-pool primitive on its own (`_engines/_pool.py`), with plain objects as guests."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from embedsandbox._engines import _pool
from embedsandbox._engines._pool import Pools, PoolSize, WarmPool, resolve_size


class Maker:
    def __init__(self, fail_first: int = 0) -> None:
        self.numbers = itertools.count()
        self.fail_first = fail_first
        self.discarded: list[int] = []
        self.lock = threading.Lock()

    def make(self) -> int:
        with self.lock:
            number = next(self.numbers)
        if number < self.fail_first:
            msg = "cannot make one yet"
            raise OSError(msg)
        return number

    def discard(self, guest: int) -> None:
        self.discarded.append(guest)


def _pool_of(size: PoolSize, maker: Maker) -> WarmPool[int]:
    return WarmPool("test", maker.make, maker.discard, size)


def test_the_first_run_makes_its_own_and_filling_starts_when_it_ends() -> None:
    maker = Maker()
    pool = _pool_of(PoolSize(1, 2), maker)
    try:
        assert pool.take() is None
        assert pool._thread is None  # nothing competes with the first run
        pool.done()
        assert pool.wait_ready(1, timeout=10)
        assert pool.take() is not None
        assert (pool.hits, pool.misses) == (1, 1)
    finally:
        pool.close()


def test_misses_grow_the_pool_up_to_its_maximum() -> None:
    maker = Maker()
    pool = _pool_of(PoolSize(0, 2), maker)
    try:
        for _ in range(5):  # five runs at once find it empty
            assert pool.take() is None
        for _ in range(5):
            pool.done()
        assert pool.wait_ready(2, timeout=10)
        assert pool.ready_count() == 2  # never more than max_cached
    finally:
        pool.close()


def test_an_idle_pool_shrinks_to_its_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pool, "IDLE_S", 0.2)
    maker = Maker()
    pool = _pool_of(PoolSize(1, 3), maker)
    try:
        for _ in range(3):  # three runs at once find it empty
            assert pool.take() is None
        for _ in range(3):
            pool.done()
        assert pool.wait_ready(3, timeout=10)
        deadline = time.monotonic() + 10
        while pool.ready_count() != 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert pool.ready_count() == 1
        assert len(maker.discarded) >= 2
    finally:
        pool.close()


def test_a_failing_make_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pool, "_RETRY_S", 0.01)
    maker = Maker(fail_first=2)
    pool = _pool_of(PoolSize(1, 1), maker)
    try:
        pool.start()
        assert pool.wait_ready(1, timeout=10)
        assert pool.take() == 2
    finally:
        pool.close()


def test_close_stops_the_filler_and_discards_what_is_ready() -> None:
    maker = Maker()
    pool = _pool_of(PoolSize(2, 2), maker)
    pool.start()
    assert pool.wait_ready(2, timeout=10)
    filler = pool._thread
    pool.close()
    assert filler is not None and not filler.is_alive()
    assert sorted(maker.discarded) == [0, 1]
    assert pool.take() is None


def test_pooling_off() -> None:
    pool = _pool_of(PoolSize(0, 0), Maker())
    assert pool.take() is None
    pool.start()
    assert pool._thread is None


def test_sizes() -> None:
    with pytest.raises(ValueError, match="min_cached_instances <= max_cached_instances"):
        PoolSize(3, 1)
    default = PoolSize(1, 4)
    assert resolve_size(default, None, None) == default
    assert resolve_size(default, 6, None) == PoolSize(6, 6)
    assert resolve_size(default, None, 0) == PoolSize(0, 0)


def test_pools_replace_a_pool_whose_size_changed() -> None:
    maker = Maker()
    pools: Pools[int] = Pools("test", PoolSize(1, 1))
    try:
        first = pools.get("rev", maker.make, maker.discard)
        assert first is pools.get("rev", maker.make, maker.discard)
        second = pools.get("rev", maker.make, maker.discard, PoolSize(0, 2))
        assert second is not first and first._closed
        assert pools.get("off", maker.make, maker.discard, PoolSize(0, 0)) is None
    finally:
        pools.close()
    assert pools.get("rev", maker.make, maker.discard) is None
