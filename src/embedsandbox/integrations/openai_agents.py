"""OpenAI Agents SDK function tools that run a model's code in this process's Sandbox.

    from agents import Agent, Runner
    from embedsandbox import Sandbox
    from embedsandbox.integrations.openai_agents import sandbox_tools

    sb = Sandbox()
    agent = Agent(name="analyst", tools=sandbox_tools(sb))
    Runner.run_sync(agent, "What is the 20th Fibonacci number?")

Each factory returns an `agents.FunctionTool`, what `@function_tool` makes, built directly
(the SDK's documented way for a tool that is not a Python function) so that a model's bad
arguments reach it with our message: `function_tool`'s own validation answers only "Invalid
JSON input for tool". `run_code_tool(sandbox)` is `run_code` (`{language, code, stdin}`, a
strict schema with the languages as an enum); `code_tool(sandbox, language)` is
`run_<language>` (`{code, stdin}`); `saved_tool(sandbox, tool)` runs a tool of
`sandbox.tools` with its `input_schema` (not strict: the schema is the tool's). A bad call (an
unknown language, the wrong types, invalid JSON, code too large, input the schema refuses)
returns `error: ...` as the tool's output, for the model to read and correct; the run goes on.
The network policy, credentials (injected by the gateway, redacted from results), limits and
env are the caller's.

Install with `pip install 'embedsandbox[openai-agents]'`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable
from typing import Any

from agents import FunctionTool
from agents.tool_context import ToolContext

from .._sandbox import Sandbox
from ..models import Tool as SavedTool
from ._common import (
    LANGUAGES,
    CodeRunner,
    ToolInputError,
    all_tools,
    format_function,
    tool_parameters,
)

__all__ = ["code_tool", "run_code_tool", "sandbox_tools", "saved_tool"]

_CODE = {"type": "string", "description": "The complete program. Print the results you need."}
_STDIN = {
    "anyOf": [{"type": "string"}, {"type": "null"}],
    "description": "Text for the program's standard input, or null.",
}
_MAX_ERROR_CHARS = 2000


def _arguments(raw: str, allowed: set[str] | None) -> dict[str, Any]:
    try:
        arguments = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as exc:
        msg = f"the arguments are not valid JSON ({exc.msg} at character {exc.pos})"
        raise ToolInputError(msg) from None
    except RecursionError:
        msg = "the arguments are nested too deeply"
        raise ToolInputError(msg) from None
    if not isinstance(arguments, dict):
        msg = f"the arguments must be a JSON object, got {type(arguments).__name__}"
        raise ToolInputError(msg)
    if allowed is not None:
        unknown = sorted(set(arguments) - allowed)
        if unknown:
            msg = f"unknown arguments {unknown}; this tool takes {sorted(allowed)}"
            raise ToolInputError(msg)
    return arguments


def _invoker(
    run: Callable[[dict[str, Any]], str], allowed: set[str] | None
) -> Callable[[ToolContext[Any], str], Any]:
    async def invoke(context: ToolContext[Any], raw: str) -> str:
        try:
            arguments = _arguments(raw, allowed)
            return await asyncio.to_thread(run, arguments)
        except ToolInputError as exc:
            return f"error: {str(exc)[:_MAX_ERROR_CHARS]}"

    return invoke


def code_tool(sandbox: Sandbox, language: str = "python", **options: Any) -> FunctionTool:
    """A tool `run_<language>` (`{code, stdin}`) that runs code in a fresh guest.

    `options`: `http`, `limits`, `env`, `files`, `max_code_bytes`, `max_result_chars` (see
    `CodeRunner.make`). Raises ValueError for an unknown language.
    """
    runner = CodeRunner.make(sandbox, **options)
    if language not in LANGUAGES:
        msg = f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}"
        raise ValueError(msg)

    def run(arguments: dict[str, Any]) -> str:
        return runner.run_code(language, arguments.get("code"), arguments.get("stdin"))

    schema = {
        "type": "object",
        "properties": {"code": _CODE, "stdin": _STDIN},
        "required": ["code", "stdin"],
        "additionalProperties": False,
    }
    return FunctionTool(
        name=f"run_{language}",
        description=runner.describe(language),
        params_json_schema=schema,
        on_invoke_tool=_invoker(run, {"code", "stdin"}),
        strict_json_schema=True,
    )


def run_code_tool(
    sandbox: Sandbox,
    languages: Iterable[str] = LANGUAGES,
    *,
    name: str = "run_code",
    **options: Any,
) -> FunctionTool:
    """One tool (`{language, code, stdin}`) for several languages (default all four)."""
    runner = CodeRunner.make(sandbox, **options)
    offered = list(languages)
    description = runner.describe_many(offered)  # ToolInputError (a ValueError) if unknown

    def run(arguments: dict[str, Any]) -> str:
        language = arguments.get("language")
        if language not in offered:
            msg = f"unknown language {language!r}; this tool runs {', '.join(offered)}"
            raise ToolInputError(msg)
        return runner.run_code(language, arguments.get("code"), arguments.get("stdin"))

    schema = {
        "type": "object",
        "properties": {
            "language": {"type": "string", "enum": offered},
            "code": _CODE,
            "stdin": _STDIN,
        },
        "required": ["language", "code", "stdin"],
        "additionalProperties": False,
    }
    return FunctionTool(
        name=name,
        description=description,
        params_json_schema=schema,
        on_invoke_tool=_invoker(run, {"language", "code", "stdin"}),
        strict_json_schema=True,
    )


def saved_tool(sandbox: Sandbox, tool: SavedTool | str, **options: Any) -> FunctionTool:
    """A tool for one saved tool of `sandbox.tools` (a `Tool` or its id), with its schema."""
    found: SavedTool = sandbox.tools.get(tool) if isinstance(tool, str) else tool
    runner = CodeRunner.make(sandbox, **options)
    parameters, wrapped = tool_parameters(found)

    def run(arguments: dict[str, Any]) -> str:
        response = runner.run_saved_tool(found, arguments, wrapped)
        return format_function(response, runner.max_result_chars)

    return FunctionTool(
        name=found.name,
        description=runner.describe_tool(found),
        params_json_schema=parameters,
        on_invoke_tool=_invoker(run, None),
        strict_json_schema=False,
    )


def sandbox_tools(
    sandbox: Sandbox,
    languages: Iterable[str] = LANGUAGES,
    *,
    saved: bool = True,
    **options: Any,
) -> list[FunctionTool]:
    """`run_code` for `languages` and (`saved`) a tool for every saved tool."""
    tools = [run_code_tool(sandbox, languages, **options)]
    if saved:
        shared = {k: v for k, v in options.items() if k in {"http", "limits", "env"}}
        tools += [saved_tool(sandbox, t, **shared) for t in all_tools(sandbox)]
    return tools
