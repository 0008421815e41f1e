"""Parameter types and options that several commands share.

`--json` (every listing and show command), `--project` and `--store` (the commands that work
on a project's store), `--limit` and `--starting-after` (listings); `NAME=VALUE` pairs and
JSON values as click parameter types, so a malformed one is a usage error (exit 2).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .._keys import DEFAULT_PROJECT, project_store_path
from .._sandbox import Sandbox

__all__ = [
    "JSON_VALUE",
    "NAME_VALUE",
    "json_option",
    "open_store_sandbox",
    "paging_options",
    "store_option",
    "store_options",
]

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:  # click >= 8.4 types ParamType by its value; older clicks are not generic
    _PairType = click.ParamType[tuple[str, str]]
    _AnyType = click.ParamType[Any]
else:
    _PairType = _AnyType = click.ParamType


class NameValue(_PairType):
    """`NAME=VALUE`, converted to the pair `(NAME, VALUE)`; VALUE may be empty."""

    name = "NAME=VALUE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        """Split `value` at its first `=`; fail (a usage error) if it has none."""
        if isinstance(value, tuple):
            return value
        name, sep, rest = str(value).partition("=")
        if not sep:
            self.fail(f"{value!r} must be NAME=VALUE", param, ctx)
        return name, rest


class JsonValue(_AnyType):
    """A JSON document, converted to its Python value (`null` is `None`)."""

    name = "JSON"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse `value` as JSON; fail (a usage error) if it is not JSON."""
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError as exc:
            self.fail(f"not JSON: {exc}", param, ctx)


NAME_VALUE = NameValue()
JSON_VALUE = JsonValue()


def json_option(help: str = "Print JSON instead of a table.") -> Callable[[F], F]:
    """`--json` (the command's parameter `as_json`), with `help` as its help text."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def store_options(f: F) -> F:
    """`--project` and `--store`: which store the command works on (parameters of those names).

    The same stores `embedsandbox serve` uses: the default project's store is the default
    store (or `--store`); another project's lives in `projects/<name>/` beside it (with a
    PostgreSQL URL, in the schema `<schema>_<name>` of the same database).
    """
    f = store_option(f)
    return click.option(
        "--project",
        default=DEFAULT_PROJECT,
        show_default=True,
        help="The project whose store to use, as the server sees it.",
    )(f)


def store_option(f: F) -> F:
    """`--store` (parameter `store`): a SQLite file path or a PostgreSQL URL."""
    return click.option(
        "--store",
        metavar="PATH|URL",
        help="The default project's store: a SQLite file (default: the default store) or "
        "postgresql://user:password@host:port/database[?schema=name].",
    )(f)


def paging_options(f: F) -> F:
    """`--limit` and `--starting-after`: one page of a listing (same-named parameters)."""
    f = click.option("--starting-after", metavar="ID", help="The last id of the previous page.")(f)
    return click.option(
        "--limit", type=int, default=100, show_default=True, help="At most this many (1 to 100)."
    )(f)


def open_store_sandbox(ctx: click.Context, project: str, store: str | None) -> Sandbox:
    """A Sandbox on `project`'s store, closed when the command ends.

    Raises:
        ConfigurationError: `project` is not a valid project name, or `store` not a store.
        StoreError: the store cannot be opened.

    """
    return ctx.with_resource(Sandbox(store=project_store_path(project, store)))
