"""pydantic-ai tools and a toolset that run a model's code in this process's Sandbox.

    from pydantic_ai import Agent
    from embedsandbox import Sandbox
    from embedsandbox.integrations.pydantic_ai import sandbox_toolset

    sb = Sandbox()
    agent = Agent("openai:gpt-5", toolsets=[sandbox_toolset(sb)])

`run_code_tool(sandbox)` is one tool `run_code` with arguments `{language, code, stdin?}`
(`language` an enum of those offered); `code_tool(sandbox, language)` is `run_<language>`
with `{code, stdin?}`; `saved_tool(sandbox, tool)` runs a tool of `sandbox.tools` with its
`input_schema`. `sandbox_toolset(...)` is a `FunctionToolset` of `run_code` and the saved
tools. The arguments are checked by us, so a model's bad call (an unknown language, the wrong
types, code too large, input the schema refuses) is a `ToolFailed`: a failed tool result with
our message that the model reads and adapts to, without using up the tool's retries, so the
run goes on. The network policy, credentials (injected by the gateway, redacted from
results), limits and env are the caller's.

Install with `pip install 'embedsandbox[pydantic-ai]'` (pydantic-ai-slim).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic_ai import Tool
from pydantic_ai.exceptions import ToolFailed
from pydantic_ai.toolsets import FunctionToolset

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

__all__ = ["code_tool", "run_code_tool", "sandbox_toolset", "saved_tool"]

_CODE = {"type": "string", "description": "The complete program. Print the results you need."}
_STDIN = {"type": "string", "description": "Text for the program's standard input."}


def _known(arguments: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(arguments) - allowed)
    if unknown:
        msg = f"unknown arguments {unknown}; this tool takes {sorted(allowed)}"
        raise ToolFailed(msg)


def code_tool(sandbox: Sandbox, language: str = "python", **options: Any) -> Tool[Any]:
    """A tool `run_<language>` (`{code, stdin?}`) that runs code in a fresh guest.

    `options`: `http`, `limits`, `env`, `files`, `max_code_bytes`, `max_result_chars`, as for
    the LangChain tools (see `CodeRunner.make`). Raises ValueError for an unknown language.
    """
    runner = CodeRunner.make(sandbox, **options)
    if language not in LANGUAGES:
        msg = f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}"
        raise ValueError(msg)

    def run(**arguments: Any) -> str:
        _known(arguments, {"code", "stdin"})
        try:
            return runner.run_code(language, arguments.get("code"), arguments.get("stdin", ""))
        except ToolInputError as exc:
            raise ToolFailed(str(exc)) from None

    schema = {
        "type": "object",
        "properties": {"code": _CODE, "stdin": _STDIN},
        "required": ["code"],
        "additionalProperties": False,
    }
    return Tool.from_schema(run, f"run_{language}", runner.describe(language), schema)


def run_code_tool(
    sandbox: Sandbox,
    languages: Iterable[str] = LANGUAGES,
    *,
    name: str = "run_code",
    **options: Any,
) -> Tool[Any]:
    """One tool (`{language, code, stdin?}`) for several languages (default all four)."""
    runner = CodeRunner.make(sandbox, **options)
    offered = list(languages)
    for language in offered:
        if language not in LANGUAGES:
            msg = f"unknown language {language!r}; choose from {', '.join(LANGUAGES)}"
            raise ValueError(msg)

    def run(**arguments: Any) -> str:
        _known(arguments, {"language", "code", "stdin"})
        language = arguments.get("language")
        if language not in offered:
            msg = f"unknown language {language!r}; this tool runs {', '.join(offered)}"
            raise ToolFailed(msg)
        try:
            return runner.run_code(language, arguments.get("code"), arguments.get("stdin", ""))
        except ToolInputError as exc:
            raise ToolFailed(str(exc)) from None

    description = runner.describe_many(offered)
    schema = {
        "type": "object",
        "properties": {
            "language": {"type": "string", "enum": offered},
            "code": _CODE,
            "stdin": _STDIN,
        },
        "required": ["language", "code"],
        "additionalProperties": False,
    }
    return Tool.from_schema(run, name, description, schema)


def saved_tool(sandbox: Sandbox, tool: SavedTool | str, **options: Any) -> Tool[Any]:
    """A tool for one saved tool of `sandbox.tools` (a `Tool` or its id), with its schema."""
    found: SavedTool = sandbox.tools.get(tool) if isinstance(tool, str) else tool
    runner = CodeRunner.make(sandbox, **options)
    parameters, wrapped = tool_parameters(found)

    def run(**arguments: Any) -> str:
        try:
            response = runner.run_saved_tool(found, arguments, wrapped)
        except ToolInputError as exc:
            raise ToolFailed(str(exc)) from None
        return format_function(response, runner.max_result_chars)

    return Tool.from_schema(run, found.name, runner.describe_tool(found), parameters)


def sandbox_toolset(
    sandbox: Sandbox,
    languages: Iterable[str] = LANGUAGES,
    *,
    saved: bool = True,
    **options: Any,
) -> FunctionToolset[Any]:
    """A `FunctionToolset`: `run_code` for `languages`, and (`saved`) every saved tool."""
    tools: list[Tool[Any]] = [run_code_tool(sandbox, languages, **options)]
    if saved:
        shared = {k: v for k, v in options.items() if k in {"http", "limits", "env"}}
        tools += [saved_tool(sandbox, t, **shared) for t in all_tools(sandbox)]
    return FunctionToolset(tools)
