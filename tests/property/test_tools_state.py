"""A state machine over tools: create, update, execute (current or pinned), get and list,
checked against a plain in-memory model. Runs real JavaScript guests (a few ms each)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
)

from embedsandbox import Sandbox
from embedsandbox.errors import RequestValidationError

pytestmark = pytest.mark.guest

SCHEMAS: list[dict[str, Any] | None] = [
    None,
    {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
    {"type": "object", "properties": {"n": {"type": "string"}}},
]
INPUTS = [{"n": 1}, {"n": "x"}, {}, {"n": 2, "extra": True}]


def _accepts(schema: dict[str, Any] | None, value: dict[str, Any]) -> bool:
    if schema is None:
        return True
    if "n" in schema.get("required", []) and "n" not in value:
        return False
    if "n" not in value:
        return True
    kind = schema["properties"]["n"]["type"]
    return isinstance(value["n"], int if kind == "integer" else str)


def _code(marker: int) -> str:
    return f"function execute(input) {{ return {{marker: {marker}, input}} }}"


@dataclass
class Revision:
    id: str
    name: str
    description: str
    marker: int
    schema: dict[str, Any] | None


@dataclass
class ModelTool:
    id: str
    revisions: list[Revision] = field(default_factory=list)


class ToolsMachine(RuleBasedStateMachine):
    tools = Bundle("tools")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.sb = Sandbox(store=self.folder / "store.sqlite3")
        self.model: dict[str, ModelTool] = {}
        self.order: list[str] = []
        self.runs = 0

    def teardown(self) -> None:
        self.sb.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(
        target=tools,
        name=st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
        marker=st.integers(0, 10**6),
        schema=st.sampled_from(SCHEMAS),
    )
    def create(self, name: str, marker: int, schema: dict[str, Any] | None) -> str:
        tool = self.sb.tools.create(
            name=name, code=_code(marker), language="javascript", input_schema=schema
        )
        self.model[tool.id] = ModelTool(
            tool.id, [Revision(tool.revision_id, name, "", marker, schema)]
        )
        self.order.append(tool.id)
        return tool.id

    @rule(
        target=tools,
        tool_id=consumes(tools),
        description=st.none() | st.text(max_size=10),
        marker=st.none() | st.integers(0, 10**6),
        schema=st.none() | st.sampled_from(SCHEMAS[1:]),
    )
    def update(
        self,
        tool_id: str,
        description: str | None,
        marker: int | None,
        schema: dict[str, Any] | None,
    ) -> Any:
        changes: dict[str, Any] = {}
        last = self.model[tool_id].revisions[-1]
        new = Revision("", last.name, last.description, last.marker, last.schema)
        if description is not None:
            changes["description"] = new.description = description
        if marker is not None:
            changes["code"] = _code(marker)
            new.marker = marker
        if schema is not None:
            changes["input_schema"] = new.schema = schema
        tool = self.sb.tools.update(tool_id, **changes)
        new.id = tool.revision_id
        assert tool.revision_id not in [r.id for r in self.model[tool_id].revisions]
        self.model[tool_id].revisions.append(new)
        return multiple(tool_id)

    @rule(tool_id=tools, pick=st.integers(-1, 5), value=st.sampled_from(INPUTS))
    def execute(self, tool_id: str, pick: int, value: dict[str, Any]) -> None:
        revisions = self.model[tool_id].revisions
        pinned = None if pick < 0 else revisions[pick % len(revisions)]
        expected = pinned or revisions[-1]
        kwargs: dict[str, Any] = {"input": value}
        if pinned is not None:
            kwargs["revision_id"] = pinned.id
        if not _accepts(expected.schema, value):
            with pytest.raises(RequestValidationError):
                self.sb.run_tool(tool_id, **kwargs)
            return
        result = self.sb.run_tool(tool_id, **kwargs)
        self.runs += 1
        assert "valid" == result.output_status, result.execution.stderr
        assert {"marker": expected.marker, "input": value} == result.output
        record = self.sb.executions.get(result.execution.id)
        assert expected.id == record.details.revision_id  # type: ignore[union-attr]

    @rule(tool_id=tools, pick=st.integers(0, 5))
    def get(self, tool_id: str, pick: int) -> None:
        revisions = self.model[tool_id].revisions
        revision = revisions[pick % len(revisions)]
        tool = self.sb.tools.get(tool_id, revision_id=revision.id)
        assert (revision.name, revision.description, revision.schema) == (
            tool.name,
            tool.description,
            tool.input_schema,
        )
        assert _code(revision.marker) == tool.code
        assert revisions[-1].id == self.sb.tools.get(tool_id).revision_id

    @precondition(lambda self: self.order)
    @rule(limit=st.integers(1, 4))
    def list_all(self, limit: int) -> None:
        seen: list[str] = []
        cursor = None
        while True:
            page = self.sb.tools.list(limit=limit, starting_after=cursor)
            seen += [t.id for t in page]
            for tool in page:
                assert self.model[tool.id].revisions[-1].id == tool.revision_id
            if len(page) < limit:
                break
            cursor = page.next_starting_after
        assert self.order == seen

    @invariant()
    def history_has_every_run(self) -> None:
        count = 0
        cursor = None
        while True:
            page = self.sb.executions.list(starting_after=cursor)
            count += len(page)
            if len(page) < 100:
                break
            cursor = page.next_starting_after
        assert self.runs == count


ToolsMachine.TestCase.settings = settings(max_examples=15, stateful_step_count=25, deadline=None)
test_tools_state_machine = ToolsMachine.TestCase
