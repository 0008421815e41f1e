"""Functions: the input reaches the engine as JSON; the engine's `output_status` decides whether
`output` is shown, and a missing status is an error."""

from __future__ import annotations

from typing import Any

import pytest

from embedsandbox.errors import RequestValidationError
from embedsandbox.testing import FakeEngine, OutputStatus, RawOutcome

from .conftest import MakeSandbox


def test_input_reaches_the_engine_as_json(make_sandbox: MakeSandbox) -> None:
    engine = FakeEngine()
    sb = make_sandbox(engines={"python": engine})
    sb.run_function(language="python", code="def execute(input): ...", input={"n": [1, "x"]})
    invocation = engine.last
    assert ("function", '{"n": [1, "x"]}') == (invocation.entry, invocation.input_json)


def test_default_fake_function_returns_null(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(engines={"python": FakeEngine()})
    r = sb.run_function(language="python", code="")
    assert (None, OutputStatus.VALID, 0) == (r.output, r.output_status, r.execution.exit_code)


def test_returning(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(engines={"javascript": FakeEngine.returning([1, {"a": None}], stdout="hi\n")})
    r = sb.run_function(language="javascript", code="")
    assert ([1, {"a": None}], OutputStatus.VALID, "hi\n") == (
        r.output,
        r.output_status,
        r.execution.stdout,
    )


@pytest.mark.parametrize(
    ("status", "output_json", "expected"),
    [
        (OutputStatus.VALID, '{"a": [1, "x"]}', ({"a": [1, "x"]}, OutputStatus.VALID)),
        (OutputStatus.VALID, "null", (None, OutputStatus.VALID)),
        (OutputStatus.JSON_SERIALIZATION_ERROR, "1", (None, OutputStatus.JSON_SERIALIZATION_ERROR)),
        (OutputStatus.ERROR, '"partial"', (None, OutputStatus.ERROR)),
        (None, "1", (None, OutputStatus.ERROR)),
        (None, None, (None, OutputStatus.ERROR)),
    ],
    ids=["valid", "valid-null", "not-json", "error", "no-status", "nothing"],
)
def test_output_status_decides_the_output(
    make_sandbox: MakeSandbox,
    status: OutputStatus | None,
    output_json: str | None,
    expected: tuple[Any, OutputStatus],
) -> None:
    outcome = RawOutcome(0, "", "", output_json=output_json, output_status=status)
    sb = make_sandbox(engines={"python": FakeEngine(outcome=outcome)})
    r = sb.run_function(language="python", code="")
    assert expected == (r.output, r.output_status)
    stored = sb.executions.get(r.execution.id).details
    assert stored is not None
    assert expected == (stored.response.output, stored.response.output_status)  # type: ignore[union-attr]


def test_input_that_is_not_json_never_reaches_the_engine(make_sandbox: MakeSandbox) -> None:
    engine = FakeEngine()
    sb = make_sandbox(engines={"python": engine})
    with pytest.raises(RequestValidationError, match="nan is not a JSON number"):
        sb.run_function(language="python", code="", input=float("nan"))
    assert [] == engine.invocations
