"""The LangChain tools (`embedsandbox.integrations.langchain`) against the real langchain-core:
`tool.invoke` with plain input and with tool calls, and a tool-calling loop driven by a fake
chat model. A model's bad input is a ToolMessage with status "error", never an exception."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

pytest.importorskip("langchain_core")

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from embedsandbox import EgressOptions, Sandbox
from embedsandbox.integrations.langchain import (
    code_tool,
    code_tools,
    sandbox_tools,
    saved_tool,
    saved_tools,
)
from embedsandbox.testing import (
    FakeEngine,
    MockUpstream,
    RawOutcome,
    UpstreamRequest,
    UpstreamResponse,
)

TOKEN = "tok-lc-5c1f0e9d8b7a6f4e3d2c"
ALLOW = {"allow": [{"host": "api.example.com", "auth": {"bearer": {"token": TOKEN}}}]}
ADD_SCHEMA = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    "required": ["a", "b"],
    "additionalProperties": False,
}


def call(name: str, args: Any, call_id: str = "call_1") -> dict[str, Any]:
    return {"name": name, "args": args, "id": call_id, "type": "tool_call"}


@pytest.fixture
def fake() -> Iterator[Sandbox]:
    """A Sandbox whose guests are scripted: for what never reaches a guest."""
    outcome = RawOutcome(exit_code=0, stdout="ran\n", stderr="")
    engines = {"python": FakeEngine(outcome=outcome), "javascript": FakeEngine(outcome=outcome)}
    with Sandbox(store=None, engines=engines) as sb:
        yield sb


BOUND: list[dict[str, Any]] = []


class ToolCallingFake(GenericFakeChatModel):
    """GenericFakeChatModel that accepts `bind_tools` and records what the model was shown."""

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[Any, BaseMessage]:
        BOUND.extend(convert_to_openai_tool(tool) for tool in tools)
        return self


def loop(
    model: Runnable[Any, BaseMessage], tools: list[BaseTool], question: str
) -> list[BaseMessage]:
    """The usual agent loop: call the model, run the tool calls it asks for, until it answers."""
    by_name = {tool.name: tool for tool in tools}
    messages: list[BaseMessage] = [HumanMessage(question)]
    for _ in range(10):
        reply = model.invoke(messages)
        messages.append(reply)
        if not isinstance(reply, AIMessage) or not reply.tool_calls:
            return messages
        for tool_call in reply.tool_calls:
            messages.append(by_name[tool_call["name"]].invoke(tool_call))
    raise AssertionError("the loop did not end")


# -- descriptions and schemas ------------------------------------------------------------------


def test_one_tool_per_language_says_what_the_guest_has(fake: Sandbox) -> None:
    tools = code_tools(fake)
    assert [t.name for t in tools] == [
        "run_python",
        "run_javascript",
        "run_typescript",
        "run_ruby",
        "run_php",
    ]
    python, javascript, typescript, ruby, php = (t.description for t in tools)
    assert "numpy" in python and "pandas" in python and "no network access at all" in python
    assert "not Node.js" in javascript and "No npm packages" in javascript
    assert "types stripped" in typescript
    assert "Ruby 3.4" in ruby
    assert "PHP 8.2" in php and "<?php" in php
    schema = convert_to_openai_tool(tools[0])["function"]["parameters"]
    assert schema["required"] == ["code"]
    assert set(schema["properties"]) == {"code", "stdin"}


def test_the_description_names_allowed_hosts_never_their_credentials(fake: Sandbox) -> None:
    tool = code_tool(fake, "python", http=ALLOW)
    assert "api.example.com" in tool.description
    assert "authenticated by the host" in tool.description
    assert TOKEN not in json.dumps(convert_to_openai_tool(tool))


def test_an_unknown_language_is_refused_when_the_tool_is_made(fake: Sandbox) -> None:
    with pytest.raises(ValueError, match="unknown language 'cobol'"):
        code_tool(fake, "cobol")


# -- bad input from a model: the tool's error result -------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"code": 5}, "code: Input should be a valid string"),
        ({}, "code: Field required"),
        ({"code": "print(1)", "stdin": ["x"]}, "stdin: Input should be a valid string"),
        ({"code": "print(1)", "language": "cobol"}, "language: Extra inputs are not permitted"),
        ({"code": "x = 1\n" * 100_000}, "this tool takes at most 262144 bytes"),
        ({"code": "   "}, "code is empty"),
    ],
)
def test_bad_arguments_are_a_tool_error_with_our_message(
    fake: Sandbox, args: dict[str, Any], message: str
) -> None:
    result = code_tool(fake, "python").invoke(call("run_python", args))
    assert isinstance(result, ToolMessage)
    assert result.status == "error"
    assert message in str(result.content)
    assert len(str(result.content)) < 1000  # the huge code is not echoed back


def test_ainvoke_runs_the_same_checks_off_the_event_loop(fake: Sandbox) -> None:
    tool = code_tool(fake, "python")
    good = asyncio.run(tool.ainvoke(call("run_python", {"code": "print(1)"})))
    bad = asyncio.run(tool.ainvoke(call("run_python", {"code": None})))
    assert (good.status, bad.status) == ("success", "error")
    assert "ran" in good.content and "code: Input should be a valid string" in bad.content


def test_a_string_for_a_schema_tool_is_a_tool_error(fake: Sandbox) -> None:
    tool = fake.tools.create(
        name="add", code="def execute(i): return 1", language="python", input_schema=ADD_SCHEMA
    )
    result = saved_tool(fake, tool).invoke("1 + 2")
    assert "invalid tool arguments" in str(result)


def test_a_saved_tool_refuses_input_its_schema_refuses(fake: Sandbox) -> None:
    tool = fake.tools.create(
        name="add", code="def execute(i): return 1", language="python", input_schema=ADD_SCHEMA
    )
    result = saved_tool(fake, tool).invoke(call("add", {"a": "one"}))
    assert result.status == "error"
    assert "input_schema" in result.content and "'b'" in result.content


def test_a_credential_the_guest_echoes_never_reaches_the_agent() -> None:
    leak = RawOutcome(exit_code=1, stdout=f"token={TOKEN}\n", stderr=f"Bearer {TOKEN}\n")
    with Sandbox(store=None, engines={"python": FakeEngine(outcome=leak)}) as sb:
        result = code_tool(sb, "python", http=ALLOW).invoke(call("run_python", {"code": "1"}))
    assert TOKEN not in str(result.content) and TOKEN not in result.artifact.model_dump_json()
    assert "***" in str(result.content)


def test_saved_tools_lists_every_tool_with_its_schema(fake: Sandbox) -> None:
    fake.tools.create(
        name="add",
        code="def execute(i): return 1",
        language="python",
        description="Adds two integers.",
        input_schema=ADD_SCHEMA,
    )
    fake.tools.create(
        name="echo",
        code="def execute(i): return i",
        language="python",
        input_schema={"type": "string"},
    )
    add, echo = saved_tools(fake)
    assert convert_to_openai_tool(add)["function"]["parameters"]["required"] == ["a", "b"]
    assert add.description.startswith("Adds two integers.")
    # a non-object input is offered wrapped as {"input": ...}
    assert convert_to_openai_tool(echo)["function"]["parameters"]["required"] == ["input"]
    assert [t.name for t in sandbox_tools(fake)][-2:] == ["add", "echo"]


def test_langchain_is_not_imported_by_embedsandbox() -> None:
    probe = "import sys, embedsandbox; print('langchain_core' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


# -- real guests -------------------------------------------------------------------------------


@pytest.mark.guest
@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "import sys; print(sum(map(int, sys.stdin.read().split())))"),
        (
            "javascript",
            "const fs = require('fs'); console.log(fs.readFileSync(0, 'utf8').split(' ').map(Number).reduce((a, b) => a + b))",
        ),
        (
            "typescript",
            "const n: number[] = require('fs').readFileSync(0, 'utf8').split(' ').map(Number); console.log(n.reduce((a, b) => a + b))",
        ),
        ("ruby", "puts $stdin.read.split.map(&:to_i).sum"),
    ],
)
def test_invoke_runs_the_code_in_a_guest(sandbox: Sandbox, language: str, code: str) -> None:
    tool = code_tool(sandbox, language)
    result = tool.invoke(call(f"run_{language}", {"code": code, "stdin": "1 2 39"}))
    assert result.status == "success", result.content
    assert result.content.startswith("exit_code: 0\nstdout:\n42\n")
    assert result.artifact.stdout == "42\n"


@pytest.mark.guest
def test_a_failing_program_is_an_answer_with_its_traceback(sandbox: Sandbox) -> None:
    result = code_tool(sandbox).invoke(call("run_python", {"code": "1 / 0"}))
    assert result.status == "success"
    assert "exit_code: 1" in result.content and "ZeroDivisionError" in result.content


@pytest.mark.guest
def test_a_timeout_is_reported_as_the_limit_hit(sandbox: Sandbox) -> None:
    tool = code_tool(sandbox, limits={"execution_timeout": 1})
    result = tool.invoke(call("run_python", {"code": "while True: pass"}))
    assert "limit_hit: execution_timeout" in result.content
    assert "stopped after 1 seconds" in tool.description


@pytest.mark.guest
def test_a_fake_chat_model_drives_a_tool_calling_loop(tmp_path: Any) -> None:
    sandbox = Sandbox(store=tmp_path / "store.sqlite3")
    sandbox.tools.create(
        name="add",
        code="def execute(input):\n    return input['a'] + input['b']",
        language="python",
        description="Adds two integers.",
        input_schema=ADD_SCHEMA,
    )
    script = iter(
        [
            AIMessage("", tool_calls=[call("run_python", {"code": 7}, "c1")]),
            AIMessage("", tool_calls=[call("run_python", {"code": "print(6 * 7)"}, "c2")]),
            AIMessage(
                "",
                tool_calls=[
                    call("add", {"a": 40, "b": 2}, "c3"),
                    call("run_ruby", {"code": "puts 6 * 7"}, "c4"),
                ],
            ),
            AIMessage("The answer is 42."),
        ]
    )
    tools = sandbox_tools(sandbox, languages=["python", "ruby"])
    model = ToolCallingFake(messages=script).bind_tools(tools)
    with sandbox:
        messages = loop(model, tools, "What is 6 times 7?")
    results = [m for m in messages if isinstance(m, ToolMessage)]
    assert [(m.tool_call_id, m.status) for m in results] == [
        ("c1", "error"),
        ("c2", "success"),
        ("c3", "success"),
        ("c4", "success"),
    ]
    assert "code: Input should be a valid string" in results[0].content
    assert "42" in results[1].content and results[2].content == "42"
    assert messages[-1].content == "The answer is 42."
    assert {t["function"]["name"] for t in BOUND} >= {"run_python", "add"}


@pytest.mark.guest
def test_an_echoed_credential_is_redacted_through_a_real_guest(tmp_path: Any) -> None:
    def echo(request: UpstreamRequest) -> UpstreamResponse:
        return UpstreamResponse.with_json({"auth": request.header("Authorization")})

    upstream = MockUpstream(handler=echo)
    code = (
        "import os, urllib.request\n"
        "print(urllib.request.urlopen('https://api.example.com/me').read().decode())\n"
        "print(dict(os.environ))\n"
    )
    with Sandbox(store=tmp_path / "s.sqlite3", egress=EgressOptions(upstream=upstream)) as sb:
        result = code_tool(sb, http=ALLOW).invoke(call("run_python", {"code": code}))
        history = sb.executions.list().model_dump_json()
    assert upstream.requests[0].header("Authorization") == f"Bearer {TOKEN}"
    assert result.status == "success" and "Bearer ***" in result.content
    assert TOKEN not in result.content + result.artifact.model_dump_json() + history
