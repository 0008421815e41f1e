"""What the commands print: JSON, a plain table, a guest's output streams, a run's result."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click
from pydantic import BaseModel

from ..models import ExecuteFunctionResponse, ExecuteResponse, ExecuteToolResponse

__all__ = [
    "print_function_result",
    "print_json",
    "print_script_result",
    "print_table",
    "write_stderr",
    "write_stdout",
]

_CELL_CHARS = 60


def print_json(value: Any) -> None:
    """Print `value` (a pydantic model, or JSON-able data) as indented JSON on stdout."""
    if isinstance(value, BaseModel):
        click.echo(value.model_dump_json(indent=2))
    else:
        click.echo(json.dumps(value, indent=2))


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """Print `rows` as a table of `columns`, a header of their upper-cased names first.

    A missing value shows as `-`; newlines become spaces and a cell is cut at 60 characters.
    """
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = [[c.upper() for c in columns], *cells]
    for line in lines:
        click.echo("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    text = str(value).replace("\n", " ")
    return text if len(text) <= _CELL_CHARS else text[: _CELL_CHARS - 3] + "..."


def write_stdout(text: str) -> None:
    """Write a guest's text to stdout exactly (no newline added, ANSI codes kept)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def write_stderr(text: str) -> None:
    """Write a guest's text to stderr exactly (no newline added, ANSI codes kept)."""
    sys.stderr.write(text)
    sys.stderr.flush()


def print_script_result(result: ExecuteResponse, *, as_json: bool) -> int:
    """Print a script's stdout and stderr (or the whole response as JSON); return its exit code.

    An exit code outside 0 to 255 (a guest's own) becomes 1, as a process cannot exit with it.
    """
    if as_json:
        print_json(result)
    else:
        write_stdout(result.stdout)
        write_stderr(result.stderr)
    return result.exit_code if 0 <= result.exit_code <= 255 else 1


def print_function_result(
    result: ExecuteFunctionResponse | ExecuteToolResponse, *, as_json: bool
) -> int:
    """Print a function's or tool's output as JSON on stdout; return 0 if it was valid, else 1.

    What the guest printed goes to stderr, so stdout holds the output alone. With `as_json`,
    the whole response is printed instead.
    """
    valid = result.output_status == "valid"
    if as_json:
        print_json(result)
        return 0 if valid else 1
    write_stderr(result.execution.stdout)
    write_stderr(result.execution.stderr)
    if valid:
        click.echo(json.dumps(result.output))
    else:
        click.echo(f"embedsandbox: output_status {result.output_status.value}", err=True)
    return 0 if valid else 1
