"""A runtime's own warm-pool sizes: stored, returned, validated and updated.

The builds are irrelevant here: each runtime is created and never waited for (closing the
Sandbox cancels its build), so no test needs pip or npm to finish.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from embedsandbox import Sandbox
from embedsandbox.errors import NotFoundError, RequestValidationError

NOTHING = {"name": "requirements.txt", "contents": "# nothing\n"}


@pytest.fixture
def sb(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(store=tmp_path / "store.sqlite3", runtimes_dir=tmp_path / "artifacts") as sb:
        yield sb


def test_sizes_default_to_none(sb: Sandbox) -> None:
    runtime = sb.runtimes.create("plain", "python", NOTHING)
    assert (None, None) == (runtime.min_cached_instances, runtime.max_cached_instances)
    dumped = sb.runtimes.get(runtime.id).model_dump(mode="json")
    assert {"min_cached_instances": None, "max_cached_instances": None}.items() <= dumped.items()


def test_sizes_round_trip_through_create_get_list_and_reopening(tmp_path: Path) -> None:
    options: dict[str, Any] = {
        "store": tmp_path / "store.sqlite3",
        "runtimes_dir": tmp_path / "artifacts",
    }
    with Sandbox(**options) as sb:
        runtime = sb.runtimes.create(
            "warm", "python", NOTHING, min_cached_instances=2, max_cached_instances=8
        )
        only_max = sb.runtimes.create("off", "python", NOTHING, max_cached_instances=0)
        assert (2, 8) == (runtime.min_cached_instances, runtime.max_cached_instances)
        assert (None, 0) == (only_max.min_cached_instances, only_max.max_cached_instances)
        listed = {r.id: r for r in sb.runtimes.list()}
        assert (2, 8) == (
            listed[runtime.id].min_cached_instances,
            listed[runtime.id].max_cached_instances,
        )
    with Sandbox(**options) as sb:
        again = sb.runtimes.get(runtime.id)
        assert (2, 8) == (again.min_cached_instances, again.max_cached_instances)


def test_the_bounds_are_accepted(sb: Sandbox) -> None:
    low = sb.runtimes.create(
        "low", "python", NOTHING, min_cached_instances=0, max_cached_instances=0
    )
    high = sb.runtimes.create(
        "high", "python", NOTHING, min_cached_instances=64, max_cached_instances=64
    )
    assert (0, 0) == (low.min_cached_instances, low.max_cached_instances)
    assert (64, 64) == (high.min_cached_instances, high.max_cached_instances)


@pytest.mark.parametrize(
    ("sizes", "field"),
    [
        ({"min_cached_instances": -1}, "min_cached_instances"),
        ({"min_cached_instances": 65}, "min_cached_instances"),
        ({"max_cached_instances": -1}, "max_cached_instances"),
        ({"max_cached_instances": 65}, "max_cached_instances"),
        ({"max_cached_instances": True}, "max_cached_instances"),
        ({"min_cached_instances": "2"}, "min_cached_instances"),
        ({"min_cached_instances": 2.0}, "min_cached_instances"),
    ],
)
def test_out_of_range_or_not_an_integer_is_refused(
    sb: Sandbox, sizes: dict[str, Any], field: str
) -> None:
    with pytest.raises(RequestValidationError) as info:
        sb.runtimes.create("bad", "python", NOTHING, **sizes)
    expected = f"invalid runtime: {field} must be null or an integer from 0 to 64"
    assert expected == str(info.value)
    assert [(field,)] == [e["loc"] for e in info.value.errors]
    assert [] == sb.runtimes.list().runtimes  # nothing was stored


def test_min_above_max_is_refused(sb: Sandbox) -> None:
    with pytest.raises(RequestValidationError) as info:
        sb.runtimes.create("bad", "python", NOTHING, min_cached_instances=5, max_cached_instances=2)
    expected = "invalid runtime: min_cached_instances (5) must not exceed max_cached_instances (2)"
    assert expected == str(info.value)
    # One given alone is not compared with the Sandbox's default: the engine reconciles them.
    alone = sb.runtimes.create("alone", "python", NOTHING, min_cached_instances=10)
    assert (10, None) == (alone.min_cached_instances, alone.max_cached_instances)


def test_update_changes_only_what_is_given(sb: Sandbox) -> None:
    runtime = sb.runtimes.create(
        "warm", "python", NOTHING, min_cached_instances=2, max_cached_instances=8
    )
    # The build runs in the background: its end would change `status` between two reads.
    sb.runtimes.revisions.wait(runtime.id, runtime.revision_id, timeout=180)
    updated = sb.runtimes.update(runtime.id, max_cached_instances=16)
    assert (2, 16) == (updated.min_cached_instances, updated.max_cached_instances)
    assert updated == sb.runtimes.get(runtime.id)
    assert updated == sb.runtimes.update(runtime.id)  # nothing given: nothing changes
    reset = sb.runtimes.update(runtime.id, min_cached_instances=None)
    assert (None, 16) == (reset.min_cached_instances, reset.max_cached_instances)
    both = sb.runtimes.update(runtime.id, min_cached_instances=None, max_cached_instances=None)
    assert (None, None) == (both.min_cached_instances, both.max_cached_instances)
    assert runtime.revision_id == both.revision_id  # no new revision, no rebuild


def test_update_checks_the_merged_sizes(sb: Sandbox) -> None:
    runtime = sb.runtimes.create("warm", "python", NOTHING, min_cached_instances=3)
    with pytest.raises(RequestValidationError, match=r"min_cached_instances \(3\) must not"):
        sb.runtimes.update(runtime.id, max_cached_instances=1)
    with pytest.raises(RequestValidationError, match="max_cached_instances must be null or"):
        sb.runtimes.update(runtime.id, max_cached_instances=100)
    kept = sb.runtimes.get(runtime.id)
    assert (3, None) == (kept.min_cached_instances, kept.max_cached_instances)
    lowered = sb.runtimes.update(runtime.id, min_cached_instances=1, max_cached_instances=1)
    assert (1, 1) == (lowered.min_cached_instances, lowered.max_cached_instances)


def test_update_of_an_unknown_runtime(sb: Sandbox) -> None:
    with pytest.raises(NotFoundError, match="rt_missing"):
        sb.runtimes.update("rt_missing", min_cached_instances=1)
    with pytest.raises(NotFoundError):
        sb.runtimes.update("rt_missing")
