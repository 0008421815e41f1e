"""`embedsandbox.ray` without a cluster: the missing-extra errors, option checks, and the
slots that pick an actor for each run (bounded per actor, replacement by generation)."""

from __future__ import annotations

import sys
import threading

import pytest

from embedsandbox._ray._slots import Slots
from embedsandbox.errors import ConfigurationError, SandboxClosedError
from embedsandbox.ray import SandboxPool, serve_deployment


def test_a_missing_ray_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'embedsandbox\[ray\]'"):
        SandboxPool()


def test_a_missing_ray_serve_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import ray

    monkeypatch.setitem(sys.modules, "ray.serve", None)
    monkeypatch.delattr(ray, "serve", raising=False)  # imported already by tests/ray
    with pytest.raises(ImportError, match=r"pip install 'embedsandbox\[ray-serve\]'"):
        serve_deployment()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"actors": 0}, "actors must be an integer from 1 to 1024, got 0"),
        ({"actors": True}, "actors must be an integer"),
        ({"max_in_flight": 0}, "max_in_flight must be an integer from 1 to 64, got 0"),
        ({"num_cpus": -1}, "num_cpus must be a number of at least 0, got -1"),
        ({"warmup": "python"}, "warmup must be a list of languages"),
    ],
)
def test_options_are_checked_before_ray_starts(options: dict, message: str) -> None:
    import ray

    running = ray.is_initialized()  # (tests/ray's cluster, when the whole suite runs)
    with pytest.raises(ConfigurationError, match=message):
        SandboxPool(**options)
    assert ray.is_initialized() == running


def test_slots_send_to_the_least_loaded_actor_up_to_the_bound() -> None:
    made = iter(["c", "d"])
    slots = Slots(["a", "b"], 2, lambda: next(made))
    taken = [slots.try_acquire() for _ in range(4)]
    assert [s.handle for s in taken if s] == ["a", "b", "a", "b"]
    assert slots.try_acquire() is None  # 2 actors x 2 in flight
    slots.release(taken[1])  # type: ignore[arg-type]
    again = slots.try_acquire()
    assert again is not None and again.handle == "b"


def test_a_replacement_happens_once_per_dead_actor() -> None:
    made = iter(["a2", "a3"])
    slots = Slots(["a", "b"], 2, lambda: next(made))
    first, second = slots.acquire(), slots.acquire()
    on_a = slots.acquire()  # a holds two runs now (first and on_a)
    assert (first.handle, second.handle, on_a.handle) == ("a", "b", "a")
    assert slots.replace(first) == "a"  # the old handle, for the pool to kill
    assert slots.replace(on_a) is None  # the same dead actor: replaced already
    assert slots.handles == ("a2", "b") and slots.replaced == 1
    slots.release(on_a)  # a release for the dead actor leaves the new one's count alone
    fresh = [slots.acquire(), slots.acquire()]
    # a2 holds none and b one: a2 first, then a tie taken in turn
    assert [s.handle for s in fresh] == ["a2", "b"]
    assert slots.try_acquire().handle == "a2"  # type: ignore[union-attr]
    assert slots.try_acquire() is None


def test_acquire_waits_for_a_release_and_close_wakes_it() -> None:
    slots = Slots(["a"], 1, lambda: "x")
    held = slots.acquire()
    got: list[object] = []
    waiter = threading.Thread(target=lambda: got.append(slots.acquire().handle))
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive() and not got
    slots.release(held)
    waiter.join(5)
    assert got == ["a"]
    closing = threading.Thread(target=lambda: pytest.raises(SandboxClosedError, slots.acquire))
    closing.start()
    assert slots.close() == ["a"]
    closing.join(5)
    assert not closing.is_alive()
    with pytest.raises(SandboxClosedError, match="SandboxPool has been closed"):
        slots.try_acquire()
