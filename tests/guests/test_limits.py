"""Each limit is enforced by the engine, ends the run with a non-zero exit code, names itself
on stderr and in `limit_hit`; fuel used is reported for every run."""

from __future__ import annotations

import time

import pytest

from embedsandbox import Sandbox

from ..conftest import LANGUAGES
from . import snippets

pytestmark = pytest.mark.guest


def _ended_by(result, limit: str, line: str) -> None:  # type: ignore[no-untyped-def]
    assert limit == result.limit_hit
    assert 0 != result.exit_code
    assert f"embedsandbox: the run was ended by its limit: {line}" in result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_execution_timeout_ends_a_cpu_loop(sandbox: Sandbox, language: str) -> None:
    start = time.monotonic()
    result = sandbox.run_script(
        language=language, code=snippets.CPU_LOOP[language], limits={"execution_timeout": 1}
    )
    elapsed = time.monotonic() - start
    _ended_by(result, "execution_timeout", "execution_timeout of 1 s")
    assert 0.9 < elapsed < 5


@pytest.mark.parametrize("language", sorted(snippets.SLEEP_10))
def test_execution_timeout_holds_inside_a_host_call(sandbox: Sandbox, language: str) -> None:
    start = time.monotonic()
    result = sandbox.run_script(
        language=language, code=snippets.SLEEP_10[language], limits={"execution_timeout": 1}
    )
    assert time.monotonic() - start < 5
    _ended_by(result, "execution_timeout", "execution_timeout of 1 s")


@pytest.mark.parametrize("language", LANGUAGES)
def test_memory_size_ends_a_memory_bomb(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_script(
        language=language,
        code=snippets.MEMORY_BOMB[language],
        limits={"memory_size": 64, "execution_timeout": 20},
    )
    _ended_by(result, "memory_size", "memory_size of 64 MiB")


@pytest.mark.parametrize("language", sorted(snippets.MEMORY_BOMB_RESCUED))
def test_a_rescued_memory_error_is_still_the_memory_limit(sandbox: Sandbox, language: str) -> None:
    """Threat: a guest that catches the allocation failure and reports success. Contained:
    the host saw the refused memory.grow (`_core/_growth.py`). (JavaScript's engine is not
    watched yet: its InternalError caught by the code is still exit 0.)"""
    result = sandbox.run_script(
        language=language,
        code=snippets.MEMORY_BOMB_RESCUED[language],
        limits={"memory_size": 64, "execution_timeout": 20},
    )
    _ended_by(result, "memory_size", "memory_size of 64 MiB")
    assert result.stdout.startswith("rescued") and result.stdout.endswith("done\n")


@pytest.mark.parametrize("language", LANGUAGES)
def test_fuel_cap_ends_a_busy_loop(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_script(
        language=language, code=snippets.CPU_LOOP[language], limits={"fuel": 50_000_000}
    )
    _ended_by(result, "fuel", "fuel of 50000000 instructions")
    assert result.fuel_used is not None and result.fuel_used >= 50_000_000 * 0.99


@pytest.mark.parametrize("language", LANGUAGES)
def test_fuel_is_deterministic(sandbox: Sandbox, language: str) -> None:
    code = snippets.SUM_TO_1000[language]
    cap = {"fuel": 10**12}  # JavaScript counts fuel only under a cap
    used = {
        sandbox.run_script(language=language, code=code, limits=cap).fuel_used for _ in range(3)
    }
    assert 1 == len(used)
    (fuel,) = used
    assert fuel is not None and fuel > 1000


@pytest.mark.parametrize("language", LANGUAGES)
def test_output_cap_ends_a_flood_and_keeps_the_cap(sandbox: Sandbox, language: str) -> None:
    start = time.monotonic()
    result = sandbox.run_script(
        language=language, code=snippets.OUTPUT_FLOOD[language], limits={"output_bytes": 10_000}
    )
    assert time.monotonic() - start < 10
    _ended_by(result, "output_size", "output_bytes of 10000 bytes per stream")
    assert 10_000 == len(result.stdout.encode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_deep_recursion_is_contained_and_the_host_goes_on(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_script(language=language, code=snippets.DEEP_RECURSION[language])
    assert 0 != result.exit_code
    assert result.stderr
    after = sandbox.run_script(language=language, code=snippets.PRINT[language].format(1))
    assert (0, "1\n") == (after.exit_code, after.stdout)


def test_output_within_the_cap_is_not_a_limit(sandbox: Sandbox) -> None:
    result = sandbox.run_script(
        language="python", code="print('x' * 99)", limits={"output_bytes": 100}
    )
    assert (0, None) == (result.exit_code, result.limit_hit)
