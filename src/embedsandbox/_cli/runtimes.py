"""`embedsandbox runtimes create|list|get|revisions|wait`: custom runtimes (guests' packages)."""

from __future__ import annotations

from pathlib import Path

import click

from ._base import Group
from ._output import print_json, print_table
from ._params import json_option, open_store_sandbox, paging_options, store_options

__all__ = ["runtimes"]

_COLUMNS = ["id", "name", "language", "revision_id", "status"]
_CACHED = click.IntRange(0, 64)


@click.group(cls=Group)
def runtimes() -> None:
    """Manage custom runtimes: packages (requirements.txt, package.json) for guests."""


@runtimes.command()
@click.option("--name", required=True, help="A name for people.")
@click.option(
    "-l",
    "--language",
    required=True,
    type=click.Choice(["python", "javascript"]),
    help="The runtime's language (a JavaScript runtime serves TypeScript too).",
)
@click.option(
    "--manifest",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="requirements.txt or package.json.",
)
@click.option("--imports", help="Python modules to import first (comma separated).")
@click.option(
    "--min-cached-instances",
    type=int,
    metavar="N",
    help="Ready guests kept for this runtime, 0 to 64 (default: the Sandbox's, 1).",
)
@click.option(
    "--max-cached-instances",
    type=int,
    metavar="N",
    help="Most ready guests kept under demand, 0 to 64; 0 turns pooling off "
    "(default: the Sandbox's, 4).",
)
@click.option("--timeout", type=float, metavar="S", help="Stop waiting for the build after S s.")
@json_option()
@store_options
@click.pass_context
def create(
    ctx: click.Context,
    name: str,
    language: str,
    manifest: Path,
    imports: str | None,
    min_cached_instances: int | None,
    max_cached_instances: int | None,
    timeout: float | None,
    as_json: bool,
    project: str,
    store: str | None,
) -> int:
    """Create a runtime and build its first revision, waiting for the build.

    The build runs in this process, so the command waits for it; it exits 0 if the build
    succeeded, 1 if it failed or --timeout passed first.
    """
    sb = open_store_sandbox(ctx, project, store)
    created = sb.runtimes.create(
        name=name,
        language=language,
        manifest_file={"name": manifest.name, "contents": manifest.read_text("utf-8")},
        additional_python_imports=imports,
        min_cached_instances=min_cached_instances,
        max_cached_instances=max_cached_instances,
    )
    sb.runtimes.revisions.wait(created.id, created.revision_id, timeout=timeout)
    runtime = sb.runtimes.get(created.id)
    if as_json:
        print_json(runtime)
    else:
        print_table([runtime.model_dump(mode="json")], _COLUMNS)
    return 0 if runtime.status == "succeeded" else 1


@runtimes.command("list")
@paging_options
@json_option()
@store_options
@click.pass_context
def list_runtimes(
    ctx: click.Context,
    limit: int,
    starting_after: str | None,
    as_json: bool,
    project: str,
    store: str | None,
) -> None:
    """List the runtimes (one page; --json prints the page with its paging fields)."""
    page = open_store_sandbox(ctx, project, store).runtimes.list(limit, starting_after)
    if as_json:
        print_json(page)
    else:
        print_table([runtime.model_dump(mode="json") for runtime in page], _COLUMNS)


@runtimes.command()
@click.argument("runtime_id", metavar="ID")
@json_option()
@store_options
@click.pass_context
def get(
    ctx: click.Context, runtime_id: str, as_json: bool, project: str, store: str | None
) -> None:
    """Show the runtime ID with its newest revision's status. Exits 3 if there is none."""
    runtime = open_store_sandbox(ctx, project, store).runtimes.get(runtime_id)
    if as_json:
        print_json(runtime)
    else:
        print_table([runtime.model_dump(mode="json")], _COLUMNS)


@runtimes.command()
@click.argument("runtime_id", metavar="ID")
@json_option()
@store_options
@click.pass_context
def revisions(
    ctx: click.Context, runtime_id: str, as_json: bool, project: str, store: str | None
) -> None:
    """List the revisions of the runtime ID."""
    page = open_store_sandbox(ctx, project, store).runtimes.revisions.list(runtime_id)
    if as_json:
        print_json(page)
    else:
        rows = [revision.model_dump(mode="json") for revision in page]
        print_table(rows, ["id", "status", "created_at", "message"])


@runtimes.command()
@click.argument("runtime_id", metavar="ID")
@click.option("--revision-id", help="The revision (default: the newest).")
@click.option("--timeout", type=float, metavar="S", help="Give up after S seconds.")
@json_option()
@store_options
@click.pass_context
def wait(
    ctx: click.Context,
    runtime_id: str,
    revision_id: str | None,
    timeout: float | None,
    as_json: bool,
    project: str,
    store: str | None,
) -> int:
    """Wait until a revision's build of the runtime ID ends.

    Exits 0 if it succeeded, 1 if it failed or --timeout passed first.
    """
    sb = open_store_sandbox(ctx, project, store)
    revision_id = revision_id or sb.runtimes.get(runtime_id).revision_id
    revision = sb.runtimes.revisions.wait(runtime_id, revision_id, timeout=timeout)
    if as_json:
        print_json(revision)
    else:
        print_table([revision.model_dump(mode="json")], ["id", "status", "message"])
    return 0 if revision.status == "succeeded" else 1
