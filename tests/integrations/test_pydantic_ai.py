"""The pydantic-ai tools and toolset (`embedsandbox.integrations.pydantic_ai`) under a real
`Agent`, driven offline by `FunctionModel` (scripted tool calls) and `TestModel` (calls every
tool). A model's bad call is a failed tool result with our message, and the run goes on."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("pydantic_ai")

from pydantic_ai import Agent
from pydantic_ai.messages import (
    ModelMessage,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from embedsandbox import EgressOptions, Sandbox
from embedsandbox.integrations.pydantic_ai import (
    code_tool,
    run_code_tool,
    sandbox_toolset,
    saved_tool,
)
from embedsandbox.testing import (
    FakeEngine,
    MockUpstream,
    RawOutcome,
    UpstreamRequest,
    UpstreamResponse,
)

TOKEN = "tok-pai-5c1f0e9d8b7a6f4e3d2c"
ALLOW = {"allow": [{"host": "api.example.com", "auth": {"bearer": {"token": TOKEN}}}]}
ADD = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    "required": ["a", "b"],
}


def scripted(*turns: list[Any]) -> tuple[FunctionModel, list[AgentInfo]]:
    """A FunctionModel answering each request with the next turn's parts."""
    remaining = iter(turns)
    seen: list[AgentInfo] = []

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info)
        return ModelResponse(parts=next(remaining))

    return FunctionModel(respond), seen


def run(agent: Agent[Any, Any], prompt: str) -> Any:
    """`agent.run` in a loop of its own, closed after (`run_sync` leaves its loop open and set)."""
    return asyncio.run(agent.run(prompt))


def returns(messages: list[ModelMessage]) -> list[ToolReturnPart]:
    return [p for m in messages for p in m.parts if isinstance(p, ToolReturnPart)]


@pytest.fixture
def fake() -> Iterator[Sandbox]:
    outcome = RawOutcome(exit_code=0, stdout="ran\n", stderr="")
    with Sandbox(store=None, engines={"python": FakeEngine(outcome=outcome)}) as sb:
        yield sb


def test_pydantic_ai_is_not_imported_by_embedsandbox() -> None:
    probe = "import sys, embedsandbox; print('pydantic_ai' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_the_tools_the_model_is_shown(fake: Sandbox) -> None:
    fake.tools.create(
        name="add",
        code="def execute(i): return 1",
        language="python",
        description="Adds two integers.",
        input_schema=ADD,
    )
    model, seen = scripted([TextPart("done")])
    agent = Agent(model, toolsets=[sandbox_toolset(fake, ["python", "ruby"], http=ALLOW)])
    run(agent, "go")
    run_code, add = seen[0].function_tools
    assert run_code.name == "run_code"
    assert run_code.parameters_json_schema["properties"]["language"]["enum"] == ["python", "ruby"]
    assert "numpy" in (run_code.description or "") and "Ruby 3.4" in (run_code.description or "")
    assert "api.example.com" in (run_code.description or "")
    assert add.name == "add" and add.parameters_json_schema["required"] == ["a", "b"]
    assert TOKEN not in json.dumps([t.__dict__ for t in seen[0].function_tools], default=str)


def test_bad_calls_are_failed_tool_results_and_the_run_goes_on(fake: Sandbox) -> None:
    fake.tools.create(
        name="add", code="def execute(i): return 1", language="python", input_schema=ADD
    )
    model, _ = scripted(
        [ToolCallPart("run_code", {"language": "cobol", "code": "x"}, tool_call_id="a")],
        [ToolCallPart("run_code", {"language": "python", "code": 5}, tool_call_id="b")],
        [ToolCallPart("run_code", {"language": "python", "code": "x" * 300_000}, tool_call_id="c")],
        [
            ToolCallPart(
                "run_code", {"language": "python", "code": "1", "shell": True}, tool_call_id="d"
            )
        ],
        [ToolCallPart("add", {"a": "one"}, tool_call_id="e")],
        [ToolCallPart("run_code", {"language": "python", "code": "print(1)"}, tool_call_id="f")],
        [TextPart("done")],
    )
    result = run(Agent(model, toolsets=[sandbox_toolset(fake)]), "go")
    assert result.output == "done"
    parts = returns(result.all_messages())
    assert [p.outcome for p in parts] == ["failed"] * 5 + ["success"]
    messages = [str(p.content) for p in parts]
    assert "unknown language 'cobol'" in messages[0]
    assert "code must be a string" in messages[1]
    assert "this tool takes at most 262144 bytes" in messages[2] and len(messages[2]) < 500
    assert "unknown arguments ['shell']" in messages[3]
    assert "input_schema" in messages[4]
    assert "ran" in messages[5]


def test_an_unknown_language_is_refused_when_the_tool_is_made(fake: Sandbox) -> None:
    with pytest.raises(ValueError, match="cobol"):
        code_tool(fake, "cobol")
    with pytest.raises(ValueError, match="cobol"):
        run_code_tool(fake, ["python", "cobol"])


def test_a_credential_the_guest_echoes_never_reaches_the_model() -> None:
    leak = RawOutcome(exit_code=0, stdout=f"token={TOKEN}\n", stderr=f"Bearer {TOKEN}\n")
    with Sandbox(store=None, engines={"python": FakeEngine(outcome=leak)}) as sb:
        model, _ = scripted(
            [ToolCallPart("run_python", {"code": "1"}, tool_call_id="a")], [TextPart("ok")]
        )
        result = run(Agent(model, tools=[code_tool(sb, http=ALLOW)]), "go")
    dump = result.all_messages_json().decode()
    assert TOKEN not in dump and "***" in dump


@pytest.mark.guest
def test_a_function_model_runs_code_and_a_saved_tool(tmp_path: Any) -> None:
    with Sandbox(store=tmp_path / "s.sqlite3") as sb:
        sb.tools.create(
            name="add",
            code="def execute(input):\n    return input['a'] + input['b']",
            language="python",
            input_schema=ADD,
        )
        model, _ = scripted(
            [
                ToolCallPart(
                    "run_code", {"language": "python", "code": "print(6 * 7)"}, tool_call_id="a"
                ),
                ToolCallPart(
                    "run_code",
                    {"language": "javascript", "code": "console.log(6 * 7)"},
                    tool_call_id="b",
                ),
            ],
            [ToolCallPart("add", {"a": 40, "b": 2}, tool_call_id="c")],
            [TextPart("42")],
        )
        result = run(Agent(model, toolsets=[sandbox_toolset(sb)]), "What is 6 * 7?")
    python, javascript, add = returns(result.all_messages())
    assert python.content == javascript.content == "exit_code: 0\nstdout:\n42\n"
    assert add.content == "42"
    assert result.output == "42"


@pytest.mark.guest
def test_test_model_calls_every_tool() -> None:
    with Sandbox(store=None) as sb:
        echo_tool = sb.tools.create(
            name="echo",
            code="def execute(input):\n    return input",
            language="python",
            input_schema={"type": "string"},
        )
        agent = Agent(TestModel(), tools=[code_tool(sb, "ruby"), saved_tool(sb, echo_tool.id)])
        result = run(agent, "go")
    # TestModel makes up arguments: the Ruby code is a random string (a NameError, not a crash)
    ruby, echo = returns(result.all_messages())
    assert ruby.outcome == "success" and "exit_code: 1" in str(ruby.content)
    assert echo.outcome == "success"


@pytest.mark.guest
def test_an_echoed_credential_is_redacted_through_a_real_guest() -> None:
    def echo(request: UpstreamRequest) -> UpstreamResponse:
        return UpstreamResponse.with_json({"auth": request.header("Authorization")})

    code = "import urllib.request\nprint(urllib.request.urlopen('https://api.example.com/').read().decode())"
    with Sandbox(store=None, egress=EgressOptions(upstream=MockUpstream(handler=echo))) as sb:
        model, _ = scripted(
            [ToolCallPart("run_python", {"code": code}, tool_call_id="a")], [TextPart("ok")]
        )
        result = run(Agent(model, tools=[code_tool(sb, http=ALLOW)]), "go")
    dump = result.all_messages_json().decode()
    assert "Bearer ***" in dump and TOKEN not in dump
