"""Tools: the input is checked against `input_schema` before any engine runs; a run is recorded
as the tool's, with the revision it ran."""

from __future__ import annotations

import pytest

from embedsandbox.errors import RequestValidationError
from embedsandbox.models import ToolExecutionDetails
from embedsandbox.testing import FakeEngine

from .conftest import MakeSandbox

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


def test_input_violating_the_schema_never_reaches_the_engine(make_sandbox: MakeSandbox) -> None:
    engine = FakeEngine()
    sb = make_sandbox(engines={"python": engine})
    tool = sb.tools.create(name="double", code="", language="python", input_schema=SCHEMA)
    with pytest.raises(RequestValidationError):
        sb.run_tool(tool.id, input={"n": "two"})
    assert [] == engine.invocations
    assert [] == list(sb.executions.list())


def test_a_tool_run_is_recorded_with_its_revision(make_sandbox: MakeSandbox) -> None:
    engine = FakeEngine.returning(4)
    sb = make_sandbox(engines={"javascript": engine})
    tool = sb.tools.create(name="double", code="v1", language="typescript", input_schema=SCHEMA)
    sb.tools.update(tool.id, code="v2")
    r = sb.run_tool(tool.id, input={"n": 2}, revision_id=tool.revision_id)
    assert ("v1", "typescript", '{"n": 2}') == (
        engine.last.code,
        engine.last.language,
        engine.last.input_json,
    )
    details = sb.executions.get(r.execution.id).details
    assert isinstance(details, ToolExecutionDetails)
    assert (tool.id, tool.revision_id, 4) == (
        details.tool_id,
        details.revision_id,
        details.response.output,
    )
