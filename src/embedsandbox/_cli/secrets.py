"""`embedsandbox secrets create|list|delete`: a project's secrets (values never printed)."""

from __future__ import annotations

import getpass
import sys

import click

from ..errors import RequestValidationError
from ._base import Group
from ._output import print_json, print_table
from ._params import json_option, open_store_sandbox, paging_options, store_options

__all__ = ["secrets"]

_COLUMNS = ["id", "name"]


@click.group(cls=Group)
def secrets() -> None:
    """Manage secrets (values encrypted at rest; guests get them as env variables)."""


def _read_value(name: str) -> str:
    """The secret's value: typed at a hidden prompt, else all of stdin less one final newline."""
    if sys.stdin.isatty():
        return getpass.getpass(f"value of secret {name!r}: ")
    value = sys.stdin.read()
    return value[:-1] if value.endswith("\n") else value


@secrets.command()
@click.option("--name", required=True, help="The secret's name.")
@json_option()
@store_options
@click.pass_context
def create(ctx: click.Context, name: str, as_json: bool, project: str, store: str | None) -> None:
    """Store a secret. Its value is read from stdin (or a prompt), never from argv.

    Exits 2 if the value is empty.
    """
    value = _read_value(name)
    if not value:
        msg = "the secret's value is empty: pipe it to stdin or type it at the prompt"
        raise RequestValidationError(msg)
    secret = open_store_sandbox(ctx, project, store).secrets.create(name=name, value=value)
    if as_json:
        print_json(secret)
    else:
        print_table([secret.model_dump()], _COLUMNS)


@secrets.command("list")
@paging_options
@json_option()
@store_options
@click.pass_context
def list_secrets(
    ctx: click.Context,
    limit: int,
    starting_after: str | None,
    as_json: bool,
    project: str,
    store: str | None,
) -> None:
    """List the secrets by id and name (one page; never their values)."""
    page = open_store_sandbox(ctx, project, store).secrets.list(limit, starting_after)
    if as_json:
        print_json(page)
    else:
        print_table([secret.model_dump() for secret in page], _COLUMNS)


@secrets.command()
@click.argument("secret_id", metavar="ID")
@json_option()
@store_options
@click.pass_context
def delete(
    ctx: click.Context, secret_id: str, as_json: bool, project: str, store: str | None
) -> None:
    """Delete the secret ID and its value. Exits 3 if there is none.

    Runs and tools that name the id are refused from then on ("secret ... does not exist").
    """
    secret = open_store_sandbox(ctx, project, store).secrets.delete(secret_id)
    if as_json:
        print_json(secret)
    else:
        print_table([secret.model_dump()], _COLUMNS)
