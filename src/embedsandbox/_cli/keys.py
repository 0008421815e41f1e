"""`embedsandbox keys create|list|revoke`: the server's API keys.

They live in `keys.sqlite3`, or in the PostgreSQL database `--store` names.
"""

from __future__ import annotations

import dataclasses

import click

from .._keys import DEFAULT_PROJECT, KeyStore
from ._base import Group
from ._output import print_json, print_table
from ._params import json_option, store_option

__all__ = ["keys"]

_COLUMNS = ["id", "project", "name", "created_at", "revoked"]


def _open(ctx: click.Context, store: str | None) -> KeyStore:
    keys = KeyStore(store=store)
    ctx.call_on_close(keys.close)
    return keys


@click.group(cls=Group)
def keys() -> None:
    """Manage the server's API keys.

    A key is shown once, when it is created; only its hash is stored. Each key belongs to a
    project, and the server gives every project its own store. Keys live in keys.sqlite3 in
    the data folder, or, with --store postgresql://..., in that database (every server on
    it sees them).
    """


@keys.command()
@click.option("--project", default=DEFAULT_PROJECT, show_default=True, help="The key's project.")
@click.option("--name", default="", help="A note to tell keys apart.")
@json_option()
@store_option
@click.pass_context
def create(ctx: click.Context, project: str, name: str, as_json: bool, store: str | None) -> None:
    """Create an API key for a project and print it (the only time it is shown)."""
    record, key = _open(ctx, store).create(project, name)
    if as_json:
        print_json({"id": record.id, "key": key, "project": record.project})
        return
    click.echo(f"id:      {record.id}\nproject: {record.project}\nkey:     {key}")
    click.echo("Keep the key now: it is not shown again.", err=True)


@keys.command("list")
@json_option()
@store_option
@click.pass_context
def list_keys(ctx: click.Context, as_json: bool, store: str | None) -> None:
    """List the API keys, oldest first, revoked ones included (never the keys themselves)."""
    rows = [dataclasses.asdict(record) for record in _open(ctx, store).list()]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, _COLUMNS)


@keys.command()
@click.argument("key_id", metavar="ID")
@json_option()
@store_option
@click.pass_context
def revoke(ctx: click.Context, key_id: str, as_json: bool, store: str | None) -> None:
    """Revoke the API key ID (key_...); requests with it are refused from now on.

    Exits 3 if no key has this id.
    """
    row = dataclasses.asdict(_open(ctx, store).revoke(key_id))
    if as_json:
        print_json(row)
    else:
        print_table([row], _COLUMNS)
