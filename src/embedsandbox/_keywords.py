"""The keywords of `Sandbox.run_script`, `run_function` and `run_tool`, for type checkers.

Each TypedDict lists its request model's fields (`tests/unit/test_keywords.py` holds them to
the models), so that `sb.run_script(langauge="python", ...)` is a type error and an IDE
offers the names; at run time the keywords are validated by the model as before. A value may
be the model's own type or the plain data it is validated from (a dict for `limits`, a
string for `language`). No key is required: a request model may be passed instead, and a
missing `language` or `code` is the model's validation error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict

from .models import (
    HTTP,
    EnvVar,
    File,
    FunctionLanguage,
    Language,
    Limits,
    SessionLanguage,
    SessionLimits,
)

__all__ = ["ExecuteFunctionKeywords", "ExecuteKeywords", "ExecuteToolKeywords", "SessionKeywords"]

_LanguageName = Literal["python", "javascript", "typescript", "ruby", "php"]
_FunctionLanguageName = Literal["python", "javascript", "typescript", "ruby", "php"]
_SessionLanguageName = Literal["python", "javascript", "typescript", "ruby"]


class _RunKeywords(TypedDict, total=False):
    code: str
    env: Mapping[str, str]
    files: Sequence[File | Mapping[str, Any]]
    http: HTTP | Mapping[str, Any] | None
    limits: Limits | Mapping[str, Any] | None
    runtime_revision_id: str | None
    output_files: Sequence[str]


class ExecuteKeywords(_RunKeywords, total=False):
    """`run_script`'s keywords: `ExecuteRequest`'s fields."""

    language: Language | _LanguageName
    args: Sequence[str]
    stdin: str


class ExecuteFunctionKeywords(_RunKeywords, total=False):
    """`run_function`'s keywords: `ExecuteFunctionRequest`'s fields."""

    language: FunctionLanguage | _FunctionLanguageName
    input: Any


class ExecuteToolKeywords(TypedDict, total=False):
    """`run_tool`'s keywords: `ExecuteToolRequest`'s fields."""

    input: Any
    env: Sequence[EnvVar | Mapping[str, Any]]
    http: HTTP | Mapping[str, Any] | None
    revision_id: str | None
    limits: Limits | Mapping[str, Any] | None
    output_files: Sequence[str]


class SessionKeywords(TypedDict, total=False):
    """`session`'s keywords: `CreateSessionRequest`'s fields."""

    language: SessionLanguage | _SessionLanguageName
    args: Sequence[str]
    env: Mapping[str, str]
    files: Sequence[File | Mapping[str, Any]]
    http: HTTP | Mapping[str, Any] | None
    runtime_revision_id: str | None
    limits: Limits | Mapping[str, Any] | None
    session_limits: SessionLimits | Mapping[str, Any] | None
