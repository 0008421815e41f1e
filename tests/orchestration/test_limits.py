"""Limits: a request's fields over the Sandbox's defaults over the built-in ones, converted once
into the `RunLimits` the engine sees; a limit that ended a run is named in stderr."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedsandbox.models import (
    DEFAULT_DISK_BYTES,
    DEFAULT_DISK_FILES,
    MAX_DISK_BYTES,
    MAX_DISK_FILES,
    MAX_EXECUTION_TIMEOUT_S,
    MAX_FUEL,
    MAX_MEMORY_SIZE_MIB,
    MAX_OUTPUT_BYTES,
    MIN_MEMORY_SIZE_MIB,
    LimitHit,
    Limits,
)
from embedsandbox.testing import FakeEngine, RawOutcome, RunLimits

from .conftest import MakeSandbox, new_sandbox

BUILT_IN = {
    "execution_timeout": 30.0,
    "memory_size": 128,
    "fuel": None,
    "output_bytes": 1 << 20,
    "disk_bytes": DEFAULT_DISK_BYTES,
    "disk_files": DEFAULT_DISK_FILES,
}

FIELDS = {
    "execution_timeout": st.floats(0.001, MAX_EXECUTION_TIMEOUT_S, allow_nan=False),
    "memory_size": st.integers(MIN_MEMORY_SIZE_MIB, MAX_MEMORY_SIZE_MIB),
    "fuel": st.integers(1, MAX_FUEL),
    "output_bytes": st.integers(1, MAX_OUTPUT_BYTES),
    "disk_bytes": st.integers(0, MAX_DISK_BYTES),
    "disk_files": st.integers(0, MAX_DISK_FILES),
}
some_limits = st.fixed_dictionaries({}, optional=FIELDS)


def run_limits(fields: dict[str, Any]) -> RunLimits:
    return RunLimits(
        deadline_s=float(fields["execution_timeout"]),
        memory_limit_bytes=fields["memory_size"] << 20,
        fuel=fields["fuel"],
        max_output_bytes=fields["output_bytes"],
        disk_bytes=fields["disk_bytes"],
        disk_files=fields["disk_files"],
    )


def test_built_in_defaults(make_sandbox: MakeSandbox) -> None:
    engine = FakeEngine()
    make_sandbox(engines={"python": engine}).run_script(language="python", code="")
    assert RunLimits(30.0, 128 << 20, None, 1 << 20, 64 << 20, 10_000) == engine.last.limits


def test_request_over_sandbox_over_built_in(make_sandbox: MakeSandbox) -> None:
    engine = FakeEngine()
    sb = make_sandbox(
        engines={"javascript": engine}, limits=Limits(execution_timeout=5, memory_size=256)
    )
    sb.run_function(language="typescript", code="", limits={"memory_size": 64, "fuel": 1000})
    expected = RunLimits(
        deadline_s=5.0,
        memory_limit_bytes=64 << 20,
        fuel=1000,
        max_output_bytes=1 << 20,
        disk_bytes=DEFAULT_DISK_BYTES,
        disk_files=DEFAULT_DISK_FILES,
    )
    assert expected == engine.last.limits


@given(defaults=some_limits, request=some_limits)
def test_every_field_merges_the_same_way(defaults: dict[str, Any], request: dict[str, Any]) -> None:
    """Property: for each field independently, the request wins, then the Sandbox's default,
    then the built-in value."""
    engine = FakeEngine()
    with (
        TemporaryDirectory() as folder,
        new_sandbox(Path(folder), engines={"python": engine}, limits=Limits(**defaults)) as sb,
    ):
        sb.run_script(language="python", code="", limits=request)
    assert run_limits({**BUILT_IN, **defaults, **request}) == engine.last.limits


@pytest.mark.parametrize(
    ("hit", "line"),
    [
        (LimitHit.EXECUTION_TIMEOUT, "execution_timeout of 2.5 s"),
        (LimitHit.MEMORY_SIZE, "memory_size of 64 MiB"),
        (LimitHit.FUEL, "fuel of 500 instructions"),
        (LimitHit.OUTPUT_SIZE, "output_bytes of 100 bytes per stream"),
        (LimitHit.DISK_SIZE, "disk_bytes of 10 bytes / disk_files of 3 files"),
    ],
)
def test_the_limit_that_ended_a_run_is_named(
    make_sandbox: MakeSandbox, hit: LimitHit, line: str
) -> None:
    engine = FakeEngine(outcome=RawOutcome(137, "", "Traceback", limit_hit=hit, fuel_used=500))
    sb = make_sandbox(engines={"python": engine})
    limits = {
        "execution_timeout": 2.5,
        "memory_size": 64,
        "fuel": 500,
        "output_bytes": 100,
        "disk_bytes": 10,
        "disk_files": 3,
    }
    r = sb.run_script(language="python", code="", limits=limits)
    assert (137, hit, 500) == (r.exit_code, r.limit_hit, r.fuel_used)
    assert f"Traceback\nembedsandbox: the run was ended by its limit: {line}\n" == r.stderr
