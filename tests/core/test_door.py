"""The host door's framing (`_core/_door.py`) and the one outcome classifier (`_core/_outcome.py`)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from embedsandbox._engines._core._door import OPS, FunctionResult, read_result, split
from embedsandbox._engines._core._outcome import outcome
from embedsandbox.models import LimitHit, OutputStatus

ops = st.sampled_from(sorted(OPS))


@given(ops, st.text())
def test_a_framed_message_splits_into_its_op_and_payload(op: str, payload: str) -> None:
    assert (op, payload) == split(f"{op}:{payload}")
    assert (op.encode(), payload.encode()) == split(f"{op}:{payload}".encode())


@given(st.text())
def test_an_unframed_message_has_no_op_and_loses_nothing(message: str) -> None:
    op, payload = split(message)
    if op:
        assert message == f"{op}:{payload}"
    else:
        assert payload == message


def test_what_is_not_a_frame() -> None:
    for message in ("", "out", ":x", "OUT:x", "out-put:x", "a" * 17 + ":x", '{"op": "http"}'):
        assert ("", message) == split(message), message
    assert ("out", "a:b") == split("out:a:b")  # only the first colon frames


def test_a_result_is_read_the_same_for_every_guest() -> None:
    assert FunctionResult(OutputStatus.VALID, "[1]") == read_result("valid:[1]", 100)
    assert FunctionResult(OutputStatus.ERROR) == read_result("error:", 100)
    jse = FunctionResult(OutputStatus.JSON_SERIALIZATION_ERROR)
    assert jse == read_result("json_serialization_error:no JSON for a set", 100)
    assert jse == read_result("valid:{not json", 100)
    assert jse == read_result("valid:" + "[" * 100_000 + "]" * 100_000, 1 << 20)
    assert FunctionResult(OutputStatus.ERROR) == read_result("nonsense", 100)
    over = read_result("valid:" + json.dumps("x" * 200), 100)
    assert (OutputStatus.ERROR, LimitHit.OUTPUT_SIZE) == (over.status, over.limit)
    # counted in UTF-8 bytes, like a stream
    assert read_result("valid:" + json.dumps("\u4e2d" * 30, ensure_ascii=False), 89).limit
    assert not read_result("valid:" + json.dumps("\u4e2d" * 29, ensure_ascii=False), 89).limit


def test_the_outcome_rules() -> None:
    done = outcome(
        entry="script", exit_code=0, stdout="a", stderr="", fuel_used=5, limit=None, result=None
    )
    assert (0, "a", 5, None, None) == (
        done.exit_code,
        done.stdout,
        done.fuel_used,
        done.limit_hit,
        done.output_status,
    )
    stopped = outcome(
        entry="script",
        exit_code=None,
        stdout="",
        stderr="",
        fuel_used=None,
        limit=None,
        result=None,
    )
    assert 1 == stopped.exit_code
    limited = outcome(
        entry="function",
        exit_code=0,
        stdout="",
        stderr="",
        fuel_used=None,
        limit=LimitHit.FUEL,
        result=FunctionResult(OutputStatus.VALID, "1"),
    )
    assert (1, OutputStatus.ERROR, None) == (
        limited.exit_code,
        limited.output_status,
        limited.output_json,
    )
    valid = outcome(
        entry="function",
        exit_code=0,
        stdout="",
        stderr="",
        fuel_used=None,
        limit=None,
        result=FunctionResult(OutputStatus.VALID, "[1]"),
    )
    assert (0, OutputStatus.VALID, "[1]") == (
        valid.exit_code,
        valid.output_status,
        valid.output_json,
    )
    big = outcome(
        entry="function",
        exit_code=0,
        stdout="",
        stderr="",
        fuel_used=None,
        limit=None,
        result=FunctionResult(OutputStatus.ERROR, limit=LimitHit.OUTPUT_SIZE),
    )
    assert (1, LimitHit.OUTPUT_SIZE, OutputStatus.ERROR) == (
        big.exit_code,
        big.limit_hit,
        big.output_status,
    )
    silent = outcome(
        entry="function", exit_code=0, stdout="", stderr="", fuel_used=None, limit=None, result=None
    )
    assert OutputStatus.ERROR == silent.output_status
