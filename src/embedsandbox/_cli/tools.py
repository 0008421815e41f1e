"""`embedsandbox tools create|list|get|exec`: tools in a project's store, and running them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._base import Group
from ._output import print_function_result, print_json, print_table
from ._params import (
    JSON_VALUE,
    NAME_VALUE,
    json_option,
    open_store_sandbox,
    paging_options,
    store_options,
)

__all__ = ["tools"]

_COLUMNS = ["id", "name", "language", "revision_id", "description"]


@click.group(cls=Group)
def tools() -> None:
    """Manage and run tools (code defining execute(input), with an input schema)."""


@tools.command()
@click.option("--name", required=True, help="1 to 64 letters, digits, '_' or '-'.")
@click.option(
    "-l",
    "--language",
    required=True,
    type=click.Choice(["python", "javascript", "typescript", "ruby", "php"]),
    help="The tool's language.",
)
@click.option("-c", "--code", help="Source defining execute(input) (or --file).")
@click.option(
    "--file",
    "source_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file with the source (or -c).",
)
@click.option("--description", default="", help="What the tool does.")
@click.option("--input-schema", type=JSON_VALUE, help="A JSON Schema for the input, as JSON.")
@json_option()
@store_options
@click.pass_context
def create(
    ctx: click.Context,
    name: str,
    language: str,
    code: str | None,
    source_file: Path | None,
    description: str,
    input_schema: Any,
    as_json: bool,
    project: str,
    store: str | None,
) -> None:
    """Create a tool (its first revision) from -c CODE or --file PATH."""
    if code is not None and source_file is not None:
        msg = "-c CODE and --file PATH cannot be used together"
        raise click.UsageError(msg)
    if code is not None:
        source = code
    elif source_file is not None:
        source = source_file.read_text("utf-8")
    else:
        msg = "give -c CODE or --file PATH"
        raise click.UsageError(msg)
    tool = open_store_sandbox(ctx, project, store).tools.create(
        name=name,
        code=source,
        language=language,
        description=description,
        input_schema=input_schema,
    )
    if as_json:
        print_json(tool)
    else:
        print_table([tool.model_dump(mode="json")], _COLUMNS)


@tools.command("list")
@paging_options
@json_option()
@store_options
@click.pass_context
def list_tools(
    ctx: click.Context,
    limit: int,
    starting_after: str | None,
    as_json: bool,
    project: str,
    store: str | None,
) -> None:
    """List the tools (one page; --json prints the page with its paging fields)."""
    page = open_store_sandbox(ctx, project, store).tools.list(limit, starting_after)
    if as_json:
        print_json(page)
    else:
        print_table([tool.model_dump(mode="json") for tool in page], _COLUMNS)


@tools.command()
@click.argument("tool_id", metavar="ID")
@click.option("--revision-id", help="Show this revision (default: the current one).")
@json_option()
@store_options
@click.pass_context
def get(
    ctx: click.Context,
    tool_id: str,
    revision_id: str | None,
    as_json: bool,
    project: str,
    store: str | None,
) -> None:
    """Show the tool ID and its code. Exits 3 if there is no such tool or revision."""
    tool = open_store_sandbox(ctx, project, store).tools.get(tool_id, revision_id)
    if as_json:
        print_json(tool)
        return
    print_table([tool.model_dump(mode="json")], _COLUMNS)
    click.echo()
    click.echo(tool.code)


@tools.command("exec")
@click.argument("tool_id", metavar="ID")
@click.option("--input", "input_value", type=JSON_VALUE, help="The input (default null).")
@click.option("--revision-id", help="Run this revision (default: the current one).")
@click.option(
    "-e", "--env", "env", multiple=True, type=NAME_VALUE, help="An env variable (repeatable)."
)
@click.option(
    "--env-secret",
    multiple=True,
    type=NAME_VALUE,
    metavar="NAME=SECRET_ID",
    help="An env variable holding a stored secret's value (repeatable).",
)
@json_option()
@store_options
@click.pass_context
def exec_tool(
    ctx: click.Context,
    tool_id: str,
    input_value: Any,
    revision_id: str | None,
    env: tuple[tuple[str, str], ...],
    env_secret: tuple[tuple[str, str], ...],
    as_json: bool,
    project: str,
    store: str | None,
) -> int:
    """Run the tool ID and print its output as JSON (what it printed goes to stderr).

    The input is checked against the tool's input schema first (exit 2 if it does not
    match). Exits 0 if the output is valid, 1 if not.
    """
    variables: list[dict[str, str]] = [{"name": n, "value": v} for n, v in env]
    variables += [{"name": n, "secret_id": s} for n, s in env_secret]
    result = open_store_sandbox(ctx, project, store).run_tool(
        tool_id, input=input_value, env=variables, revision_id=revision_id
    )
    return print_function_result(result, as_json=as_json)
