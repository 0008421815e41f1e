"""What every framework integration shares: tool descriptions, input checks, result text.

No framework is imported here. Each integration maps `ToolInputError` (and the Sandbox's own
`EmbedSandboxError`s, turned into one by `run_code` and `run_saved_tool`) to its framework's
tool-error path, so a model's bad input becomes a message the model reads, never a crash.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

from .._sandbox import Sandbox
from ..errors import EmbedSandboxError
from ..models import (
    HTTP,
    MAX_PAGE_SIZE,
    ExecuteFunctionResponse,
    ExecuteResponse,
    ExecuteToolResponse,
    Limits,
    Tool,
)

__all__ = [
    "LANGUAGES",
    "CodeRunner",
    "ToolInputError",
    "all_tools",
    "describe_guest",
    "format_function",
    "format_script",
    "tool_parameters",
]

LANGUAGES = ("python", "javascript", "typescript", "ruby", "php")
"""The languages the integrations offer: all of the API's."""

DEFAULT_MAX_CODE_BYTES = 256 << 10
"""The most code a model may send in one call by default (the Sandbox's own cap is 1 MiB)."""
DEFAULT_MAX_RESULT_CHARS = 20_000
"""The most characters of each of stdout and stderr that go back to the model."""

_GUESTS = {
    "python": (
        "CPython 3.15 compiled to WebAssembly, with the standard library and numpy, pandas, "
        "scipy, scikit-learn, statsmodels, sympy, networkx, matplotlib, seaborn, pillow, lxml, "
        "beautifulsoup4, openpyxl, pypdf, pyyaml, jinja2, regex, python-dateutil, tabulate, "
        "requests and httpx. No pip installs, no threads, no subprocesses, no sockets."
    ),
    "javascript": (
        "QuickJS-ng (not Node.js) compiled to WebAssembly: console, process (argv, env, "
        "exit), fetch, URL, TextEncoder, Buffer, an in-memory fs, top-level await. No npm "
        "packages and no other Node built-in modules."
    ),
    "typescript": (
        "TypeScript with the types stripped (no type checking), run as JavaScript on QuickJS-ng "
        "compiled to WebAssembly: console, process, fetch, URL, TextEncoder, Buffer, an "
        "in-memory fs. No npm packages and no other Node built-in modules."
    ),
    "ruby": (
        "Ruby 3.4 compiled to WebAssembly, without gems: json, set, stringio, uri and "
        "net/http loaded, the rest of the standard library by require (digest, date, time, "
        "csv, yaml, erb, securerandom, ...). No threads, no subprocesses, no sockets."
    ),
    "php": (
        "PHP 8.2 CLI compiled to WebAssembly (start the code with <?php): json, mbstring, "
        "pcre, ctype, bcmath, filter, hash, date, SPL; HTTP through file_get_contents and "
        "curl_* only. 32-bit int, no Fibers, no subprocesses, no sockets, no extensions to add."
    ),
}


class ToolInputError(ValueError):
    """A model's call could not run: its input is invalid (the message says how to fix it)."""


def describe_network(http: HTTP | None) -> str:
    """What the guest may reach, naming hosts only (never a credential)."""
    hosts = [entry.host for entry in (http.allow if http is not None else [])]
    if not hosts:
        return "It has no network access at all."
    authed = [entry.host for entry in http.allow if entry.auth is not None] if http else []
    text = "It has no network access except HTTP(S) to: " + ", ".join(hosts) + "."
    if authed:
        text += (
            " Requests to " + ", ".join(authed) + " are authenticated by the host; the code "
            "never sees nor needs the credentials."
        )
    return text


def describe_guest(language: str, http: HTTP | None = None, limits: Limits | None = None) -> str:
    """A tool description: the language's guest, its network, its time limit, how to answer."""
    if language not in _GUESTS:
        msg = f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}"
        raise ToolInputError(msg)
    parts = [
        f"Run {language} code in a fresh, isolated sandbox and return its exit code, "
        "stdout and stderr. Print what you want to see; nothing persists between calls.",
        f"The sandbox is {_GUESTS[language]}",
        describe_network(http),
    ]
    if limits is not None and limits.execution_timeout is not None:
        parts.append(f"Each run is stopped after {limits.execution_timeout:g} seconds.")
    return " ".join(parts)


def describe_languages(
    languages: Sequence[str], http: HTTP | None = None, limits: Limits | None = None
) -> str:
    """A description for one tool that takes a `language` among several."""
    for language in languages:
        if language not in _GUESTS:
            msg = f"unknown language {language!r}; choose from {', '.join(LANGUAGES)}"
            raise ToolInputError(msg)
    parts = [
        f"Run code in a fresh, isolated sandbox, in one of: {', '.join(languages)}; return "
        "its exit code, stdout and stderr. Print what you want to see; nothing persists "
        "between calls.",
        *(f"For {language}, the sandbox is {_GUESTS[language]}" for language in languages),
        describe_network(http),
    ]
    if limits is not None and limits.execution_timeout is not None:
        parts.append(f"Each run is stopped after {limits.execution_timeout:g} seconds.")
    return " ".join(parts)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit} more characters not shown]"


def format_script(response: ExecuteResponse, max_chars: int = DEFAULT_MAX_RESULT_CHARS) -> str:
    """A run's result as the model reads it: exit code, limit, stdout, stderr, file names."""
    lines = [f"exit_code: {response.exit_code}"]
    if response.limit_hit is not None:
        lines.append(f"limit_hit: {response.limit_hit.value} (the run was stopped)")
    lines.append("stdout:\n" + _clip(response.stdout, max_chars))
    if response.stderr:
        lines.append("stderr:\n" + _clip(response.stderr, max_chars))
    if response.files:
        lines.append("files: " + ", ".join(f.path for f in response.files))
    return "\n".join(lines)


def format_function(
    response: ExecuteFunctionResponse | ExecuteToolResponse,
    max_chars: int = DEFAULT_MAX_RESULT_CHARS,
) -> str:
    """A function or tool result as the model reads it: the output, or why there is none."""
    execution = response.execution
    if response.output_status.value == "valid" and execution.exit_code == 0:
        text = _clip(json.dumps(response.output, ensure_ascii=False), max_chars)
        if execution.stdout:
            text += "\nstdout:\n" + _clip(execution.stdout, max_chars)
        return text
    lines = [f"error: output_status {response.output_status.value}"]
    lines.append(format_script(execution, max_chars))
    return "\n".join(lines)


def _message(exc: EmbedSandboxError) -> str:
    return str(exc) or type(exc).__name__


def all_tools(sandbox: Sandbox) -> list[Tool]:
    """Every tool of `sandbox.tools` at its current revision, oldest first."""
    found: list[Tool] = []
    after: str | None = None
    while True:
        page = sandbox.tools.list(starting_after=after)
        found.extend(page)
        if len(page) < MAX_PAGE_SIZE:
            return found
        after = page.next_starting_after


def tool_parameters(tool: Tool) -> tuple[dict[str, Any], bool]:
    """The JSON Schema of a saved tool's call arguments, and whether the input is wrapped.

    A function-calling model always sends an object; a tool whose `input_schema` is not an
    object schema is offered as `{"input": <its schema>}` (wrapped: True) and unwrapped again.
    """
    schema = tool.as_json_schema()["parameters"]
    if isinstance(schema, dict) and schema.get("type") == "object":
        return schema, False
    return (
        {"type": "object", "properties": {"input": copy.deepcopy(schema)}, "required": ["input"]},
        True,
    )


@dataclasses.dataclass(frozen=True)
class CodeRunner:
    """Runs a model's code on a Sandbox with the options its owner chose; returns text.

    The model chooses only `code` (and `stdin`, and a language when the tool offers several);
    the network policy, credentials, limits and files are the owner's.
    """

    sandbox: Sandbox
    http: HTTP | None = None
    limits: Limits | None = None
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    files: Sequence[Mapping[str, str]] = ()
    max_code_bytes: int = DEFAULT_MAX_CODE_BYTES
    max_result_chars: int = DEFAULT_MAX_RESULT_CHARS

    @classmethod
    def make(
        cls,
        sandbox: Sandbox,
        *,
        http: HTTP | Mapping[str, Any] | None = None,
        limits: Limits | Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        files: Sequence[Mapping[str, str]] = (),
        max_code_bytes: int = DEFAULT_MAX_CODE_BYTES,
        max_result_chars: int = DEFAULT_MAX_RESULT_CHARS,
    ) -> CodeRunner:
        """Check the owner's options once, when the tools are made (errors raise here)."""
        return cls(
            sandbox=sandbox,
            http=HTTP.model_validate(http) if isinstance(http, Mapping) else http,
            limits=Limits.model_validate(limits) if isinstance(limits, Mapping) else limits,
            env=dict(env or {}),
            files=tuple(dict(f) for f in files),
            max_code_bytes=max_code_bytes,
            max_result_chars=max_result_chars,
        )

    def describe(self, language: str) -> str:
        return describe_guest(language, self.http, self._limits())

    def describe_many(self, languages: Sequence[str]) -> str:
        return describe_languages(languages, self.http, self._limits())

    def _limits(self) -> Limits:
        if self.limits is not None and self.limits.execution_timeout is not None:
            return self.limits
        timeout = self.sandbox.limits.execution_timeout
        update = {"execution_timeout": timeout}
        return (self.limits or Limits()).model_copy(update=update)

    def check_code(self, language: Any, code: Any, stdin: Any = "") -> tuple[str, str, str]:
        """The call's language, code and stdin, or `ToolInputError` saying what is wrong."""
        if not isinstance(language, str) or language not in LANGUAGES:
            msg = f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}"
            raise ToolInputError(msg)
        if not isinstance(code, str):
            msg = f"code must be a string of {language} source, got {type(code).__name__}"
            raise ToolInputError(msg)
        if stdin is None:
            stdin = ""
        if not isinstance(stdin, str):
            msg = f"stdin must be a string, got {type(stdin).__name__}"
            raise ToolInputError(msg)
        size = len(code.encode("utf-8", "surrogatepass"))
        if size > self.max_code_bytes:
            msg = (
                f"code is {size} bytes; this tool takes at most {self.max_code_bytes} bytes. "
                "Send a shorter program."
            )
            raise ToolInputError(msg)
        if not code.strip():
            msg = "code is empty; send the program to run"
            raise ToolInputError(msg)
        return language, code, stdin

    def run_script(self, language: Any, code: Any, stdin: Any = "") -> ExecuteResponse:
        """Run the model's code in a fresh guest; bad input raises `ToolInputError`."""
        language, code, stdin = self.check_code(language, code, stdin)
        try:
            response: ExecuteResponse = self.sandbox.run_script(
                language=language,
                code=code,
                stdin=stdin,
                env=dict(self.env),
                files=[dict(f) for f in self.files],
                http=self.http,
                limits=self.limits,
            )
        except EmbedSandboxError as exc:
            raise ToolInputError(_message(exc)) from None
        return response

    def run_code(self, language: Any, code: Any, stdin: Any = "") -> str:
        """`run_script`, as the text the model reads."""
        return format_script(self.run_script(language, code, stdin), self.max_result_chars)

    def run_saved_tool(self, tool: Tool, arguments: Any, wrapped: bool) -> ExecuteToolResponse:
        """Run a saved tool with the model's arguments; bad input raises `ToolInputError`."""
        if wrapped:
            if not isinstance(arguments, Mapping) or "input" not in arguments:
                msg = f"call {tool.name} with an object whose 'input' is the tool's input"
                raise ToolInputError(msg)
            arguments = arguments["input"]
        env = [{"name": name, "value": value} for name, value in self.env.items()]
        try:
            response: ExecuteToolResponse = self.sandbox.run_tool(
                tool.id, input=arguments, env=env, http=self.http, limits=self.limits
            )
        except EmbedSandboxError as exc:
            raise ToolInputError(_message(exc)) from None
        return response

    def describe_tool(self, tool: Tool) -> str:
        """A saved tool's description, and where it runs."""
        base = tool.description.strip() or f"The saved {tool.language.value} tool {tool.name}."
        return (
            f"{base}\n(Runs as {tool.language.value} in an isolated WebAssembly sandbox. "
            f"{describe_network(self.http)})"
        )
