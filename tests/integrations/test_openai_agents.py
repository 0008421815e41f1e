"""The OpenAI Agents SDK tools (`embedsandbox.integrations.openai_agents`) against the real
`agents` package, invoked the way the SDK's runner invokes a FunctionTool: `on_invoke_tool`
with a ToolContext and the model's arguments as JSON text. A bad call's answer is `error: ...`
with our message, never an exception."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("agents")

from agents import Agent, FunctionTool
from agents.tool_context import ToolContext

from embedsandbox import EgressOptions, Sandbox
from embedsandbox.integrations.openai_agents import (
    code_tool,
    run_code_tool,
    sandbox_tools,
    saved_tool,
)
from embedsandbox.testing import (
    FakeEngine,
    MockUpstream,
    RawOutcome,
    UpstreamRequest,
    UpstreamResponse,
)

TOKEN = "tok-oai-5c1f0e9d8b7a6f4e3d2c"
ALLOW = {"allow": [{"host": "api.example.com", "auth": {"bearer": {"token": TOKEN}}}]}
ADD = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    "required": ["a", "b"],
}


def invoke(tool: FunctionTool, arguments: Any) -> str:
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    context = ToolContext(
        context=None, tool_name=tool.name, tool_call_id="call_1", tool_arguments=raw
    )
    result = asyncio.run(tool.on_invoke_tool(context, raw))
    assert isinstance(result, str)
    return result


@pytest.fixture
def fake() -> Iterator[Sandbox]:
    outcome = RawOutcome(exit_code=0, stdout="ran\n", stderr="")
    engines = {"python": FakeEngine(outcome=outcome), "javascript": FakeEngine(outcome=outcome)}
    with Sandbox(store=None, engines=engines) as sb:
        yield sb


def test_openai_agents_is_not_imported_by_embedsandbox() -> None:
    probe = "import sys, embedsandbox; print('agents' in sys.modules or 'openai' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_the_tools_are_function_tools_an_agent_takes(fake: Sandbox) -> None:
    fake.tools.create(
        name="add",
        code="def execute(i): return 1",
        language="python",
        description="Adds two integers.",
        input_schema=ADD,
    )
    tools = sandbox_tools(fake, ["python", "javascript"], http=ALLOW)
    agent = Agent(name="analyst", tools=list(tools))
    run_code, add = agent.tools
    assert isinstance(run_code, FunctionTool) and run_code.name == "run_code"
    assert run_code.strict_json_schema
    schema = run_code.params_json_schema
    assert schema["properties"]["language"]["enum"] == ["python", "javascript"]
    assert schema["additionalProperties"] is False
    assert "numpy" in run_code.description and "not Node.js" in run_code.description
    assert "api.example.com" in run_code.description
    assert TOKEN not in json.dumps([run_code.description, schema])
    assert isinstance(add, FunctionTool) and add.params_json_schema["required"] == ["a", "b"]
    assert add.description.startswith("Adds two integers.")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"language": "cobol", "code": "x", "stdin": None}, "unknown language 'cobol'"),
        ({"language": "python", "code": 5, "stdin": None}, "code must be a string"),
        ({"language": "python", "code": "1", "stdin": 3}, "stdin must be a string"),
        ({"language": "python", "code": "1", "shell": 1}, "unknown arguments ['shell']"),
        ({"language": "python", "code": "x" * 300_000}, "at most 262144 bytes"),
        ('{"language": "python", "code": ', "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_bad_arguments_are_an_error_answer(fake: Sandbox, arguments: Any, message: str) -> None:
    answer = invoke(run_code_tool(fake), arguments)
    assert answer.startswith("error: ") and message in answer
    assert len(answer) < 2100


def test_an_unknown_language_is_refused_when_the_tool_is_made(fake: Sandbox) -> None:
    with pytest.raises(ValueError, match="cobol"):
        code_tool(fake, "cobol")
    with pytest.raises(ValueError, match="cobol"):
        run_code_tool(fake, ["cobol"])


def test_a_saved_tool_checks_its_schema(fake: Sandbox) -> None:
    tool = fake.tools.create(
        name="add", code="def execute(i): return 1", language="python", input_schema=ADD
    )
    answer = invoke(saved_tool(fake, tool.id), {"a": "one"})
    assert answer.startswith("error: ") and "input_schema" in answer


def test_a_credential_the_guest_echoes_never_reaches_the_model() -> None:
    leak = RawOutcome(exit_code=0, stdout=f"token={TOKEN}\n", stderr=f"Bearer {TOKEN}\n")
    with Sandbox(store=None, engines={"python": FakeEngine(outcome=leak)}) as sb:
        answer = invoke(code_tool(sb, http=ALLOW), {"code": "1", "stdin": None})
    assert TOKEN not in answer and "token=***" in answer


@pytest.mark.guest
def test_the_tools_run_code_in_guests(tmp_path: Any) -> None:
    with Sandbox(store=tmp_path / "s.sqlite3") as sb:
        sb.tools.create(
            name="add",
            code="def execute(input):\n    return input['a'] + input['b']",
            language="python",
            input_schema=ADD,
        )
        run_code, add = sandbox_tools(sb)
        python = invoke(
            run_code,
            {
                "language": "python",
                "code": "import sys; print(len(sys.stdin.read()))",
                "stdin": "abc",
            },
        )
        ruby = invoke(run_code, {"language": "ruby", "code": "puts 6 * 7", "stdin": None})
        typescript = invoke(
            code_tool(sb, "typescript"),
            {"code": "const n: number = 42; console.log(n)", "stdin": None},
        )
        failing = invoke(
            run_code, {"language": "javascript", "code": "throw new Error('no')", "stdin": None}
        )
        total = invoke(add, {"a": 40, "b": 2})
    assert python == "exit_code: 0\nstdout:\n3\n"
    assert ruby == typescript == "exit_code: 0\nstdout:\n42\n"
    assert "exit_code: 1" in failing and "Error: no" in failing
    assert total == "42"


@pytest.mark.guest
def test_an_echoed_credential_is_redacted_through_a_real_guest() -> None:
    def echo(request: UpstreamRequest) -> UpstreamResponse:
        return UpstreamResponse.with_json({"auth": request.header("Authorization")})

    code = "import urllib.request\nprint(urllib.request.urlopen('https://api.example.com/').read().decode())"
    with Sandbox(store=None, egress=EgressOptions(upstream=MockUpstream(handler=echo))) as sb:
        answer = invoke(code_tool(sb, http=ALLOW), {"code": code, "stdin": None})
    assert "Bearer ***" in answer and TOKEN not in answer
