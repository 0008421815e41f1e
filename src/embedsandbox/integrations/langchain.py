"""LangChain tools that run a model's code in this process's Sandbox (no server).

    from embedsandbox import Sandbox
    from embedsandbox.integrations.langchain import code_tools, saved_tools

    sb = Sandbox()
    tools = code_tools(sb) + saved_tools(sb)   # run_python, run_javascript, ... and sb.tools
    model_with_tools = chat_model.bind_tools(tools)

`code_tool(sandbox, language)` takes `{code, stdin?}` and answers with the run's exit code,
stdout and stderr (the `ExecuteResponse` is the ToolMessage's `artifact`); `saved_tool` runs a
tool of `sandbox.tools` with the model's arguments checked against its `input_schema`. The
network policy (`http`, whose credentials the gateway injects and redacts), `limits`, `env`
and `files` are the caller's; the model chooses only the code. Bad input from the model (the
wrong types, code too large, input the schema refuses) is the tool's error result, a
ToolMessage with status "error" and our message, never an exception out of the agent loop.

Install with `pip install 'embedsandbox[langchain]'` (langchain-core).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._sandbox import Sandbox
from ..models import HTTP, Limits, Tool
from ._common import (
    DEFAULT_MAX_CODE_BYTES,
    DEFAULT_MAX_RESULT_CHARS,
    LANGUAGES,
    CodeRunner,
    ToolInputError,
    all_tools,
    format_function,
    format_script,
    tool_parameters,
)

__all__ = ["CodeInput", "code_tool", "code_tools", "saved_tool", "saved_tools", "sandbox_tools"]


class CodeInput(BaseModel):
    """The arguments of a `run_<language>` tool."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="The complete program to run. Print the results you need.")
    stdin: str = Field(default="", description="Text for the program's standard input.")


def validation_message(error: ValidationError) -> str:
    """A pydantic error as a model can act on it: each field and what is wrong, no values."""
    problems = "; ".join(
        ".".join(str(part) for part in item["loc"]) + ": " + item["msg"]
        for item in error.errors(include_url=False, include_input=False)[:10]
    )
    return f"invalid tool arguments: {problems}. Call the tool again with valid arguments."


class _SandboxTool(StructuredTool):
    """A StructuredTool whose every input problem comes back as a tool error."""

    def _to_args_and_kwargs(
        self, tool_input: str | dict[str, Any], tool_call_id: str | None
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        try:
            return super()._to_args_and_kwargs(tool_input, tool_call_id)
        except ValidationError:
            raise
        except (ValueError, TypeError) as exc:  # a string for a JSON-schema tool, say
            msg = f"invalid tool arguments: {exc}"
            raise ToolException(msg) from None


def _make(
    func: Callable[..., tuple[str, Any]],
    name: str,
    description: str,
    args_schema: type[BaseModel] | dict[str, Any],
) -> BaseTool:
    def guarded(**arguments: Any) -> tuple[str, Any]:
        try:
            return func(**arguments)
        except ToolInputError as exc:
            raise ToolException(str(exc)) from None

    async def guarded_async(**arguments: Any) -> tuple[str, Any]:
        return await asyncio.to_thread(guarded, **arguments)

    return _SandboxTool.from_function(
        func=guarded,
        coroutine=guarded_async,
        name=name,
        description=description,
        args_schema=args_schema,
        infer_schema=False,
        response_format="content_and_artifact",
        handle_tool_error=True,
        handle_validation_error=validation_message,
    )


def code_tool(
    sandbox: Sandbox,
    language: str = "python",
    *,
    name: str | None = None,
    http: HTTP | Mapping[str, Any] | None = None,
    limits: Limits | Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    files: Sequence[Mapping[str, str]] = (),
    max_code_bytes: int = DEFAULT_MAX_CODE_BYTES,
    max_result_chars: int = DEFAULT_MAX_RESULT_CHARS,
) -> BaseTool:
    """A tool `run_<language>` (input `{code, stdin?}`) that runs code in a fresh guest.

    Args:
        sandbox: The `Sandbox` to run on (its defaults and execution history apply).
        language: python, javascript, typescript or ruby.
        name: The tool's name. Default `run_<language>`.
        http: The guest's network policy (`{"allow": [{"host": ..., "auth": ...}]}`); None:
            no network. Only host names appear in the description.
        limits: Per-run limits over the Sandbox's defaults.
        env: The guest's environment variables.
        files: Files the guest starts with (`{"path", "contents"}`).
        max_code_bytes: The most code the model may send (default 256 KiB).
        max_result_chars: The most characters of stdout and of stderr shown to the model.

    Raises:
        ValueError: `language` is not one of the four; pydantic's ValidationError for an
            invalid `http` or `limits`.

    """
    runner = CodeRunner.make(
        sandbox,
        http=http,
        limits=limits,
        env=env,
        files=files,
        max_code_bytes=max_code_bytes,
        max_result_chars=max_result_chars,
    )
    if language not in LANGUAGES:
        msg = f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}"
        raise ValueError(msg)

    def run(code: str, stdin: str = "") -> tuple[str, Any]:
        response = runner.run_script(language, code, stdin)
        return format_script(response, runner.max_result_chars), response

    return _make(run, name or f"run_{language}", runner.describe(language), CodeInput)


def code_tools(
    sandbox: Sandbox, languages: Iterable[str] = LANGUAGES, **options: Any
) -> list[BaseTool]:
    """`code_tool` for each of `languages` (default all four), with the same `options`."""
    return [code_tool(sandbox, language, **options) for language in languages]


def saved_tool(
    sandbox: Sandbox,
    tool: Tool | str,
    *,
    http: HTTP | Mapping[str, Any] | None = None,
    limits: Limits | Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    max_result_chars: int = DEFAULT_MAX_RESULT_CHARS,
) -> BaseTool:
    """A tool for one saved tool of `sandbox.tools` (a `Tool` or its id), current revision.

    Its name and description are the saved tool's, its arguments its `input_schema` (an
    input that is not an object is offered as `{"input": ...}`). The answer is the output as
    JSON (the `ExecuteToolResponse` is the artifact). `http` may name `secret_id`s.
    """
    found: Tool = sandbox.tools.get(tool) if isinstance(tool, str) else tool
    runner = CodeRunner.make(
        sandbox, http=http, limits=limits, env=env, max_result_chars=max_result_chars
    )
    parameters, wrapped = tool_parameters(found)
    parameters = {"title": found.name, "description": found.description, **parameters}

    def run(**arguments: Any) -> tuple[str, Any]:
        response = runner.run_saved_tool(found, arguments, wrapped)
        return format_function(response, runner.max_result_chars), response

    return _make(run, found.name, runner.describe_tool(found), parameters)


def saved_tools(sandbox: Sandbox, **options: Any) -> list[BaseTool]:
    """`saved_tool` for every tool of `sandbox.tools`, oldest first."""
    return [saved_tool(sandbox, tool, **options) for tool in all_tools(sandbox)]


def sandbox_tools(sandbox: Sandbox, **options: Any) -> list[BaseTool]:
    """The four `code_tools` and every `saved_tools` (`options`: http, limits, env)."""
    shared = {k: v for k, v in options.items() if k in {"http", "limits", "env"}}
    return code_tools(sandbox, **options) + saved_tools(sandbox, **shared)
