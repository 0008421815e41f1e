"""`embedsandbox executions list|get`: a project's execution history, newest first."""

from __future__ import annotations

from typing import Any

import click

from ._base import Group
from ._output import print_json, print_table, write_stderr, write_stdout
from ._params import json_option, open_store_sandbox, paging_options, store_options

__all__ = ["executions"]

_COLUMNS = ["id", "language", "type", "exit_code", "duration", "started_at"]


@click.group(cls=Group)
def executions() -> None:
    """Show the execution history (every run, with its request and result)."""


def _row(execution: dict[str, Any]) -> dict[str, Any]:
    """A table row: the execution with its details' `type` (script, function, tool)."""
    return {**execution, "type": (execution.get("details") or {}).get("type")}


@executions.command("list")
@paging_options
@click.option("--only-non-zero-exit-codes", is_flag=True, help="Only failed runs.")
@json_option()
@store_options
@click.pass_context
def list_executions(
    ctx: click.Context,
    limit: int,
    starting_after: str | None,
    only_non_zero_exit_codes: bool,
    as_json: bool,
    project: str,
    store: str | None,
) -> None:
    """List executions, newest first (one page; --json prints it with its details)."""
    sb = open_store_sandbox(ctx, project, store)
    page = sb.executions.list(limit, starting_after, only_non_zero_exit_codes)
    if as_json:
        print_json(page)
    else:
        print_table([_row(e.model_dump(mode="json")) for e in page], _COLUMNS)


@executions.command()
@click.argument("execution_id", metavar="ID")
@json_option()
@store_options
@click.pass_context
def get(
    ctx: click.Context, execution_id: str, as_json: bool, project: str, store: str | None
) -> None:
    """Show the execution ID, then what it printed (its stdout here, its stderr on ours).

    Exits 3 if there is no such execution.
    """
    execution = open_store_sandbox(ctx, project, store).executions.get(execution_id)
    if as_json:
        print_json(execution)
        return
    row = _row(execution.model_dump(mode="json"))
    print_table([row], _COLUMNS)
    if row.get("details"):
        response = row["details"]["response"]
        result = response.get("execution", response)
        click.echo()
        write_stdout(result.get("stdout", ""))
        write_stderr(result.get("stderr", ""))
