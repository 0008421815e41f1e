"""`embedsandbox mcp`: an MCP server on a project's store, over stdio or streamable HTTP."""

from __future__ import annotations

import logging
from typing import Any

import click

from .._egress import EgressOptions
from .._keys import KeyStore, project_store_path
from .._sandbox import Sandbox
from ._base import Command
from ._compile import warm
from ._params import JSON_VALUE, store_options

__all__ = ["mcp"]

_LOG_LEVELS = ["critical", "error", "warning", "info", "debug", "trace"]


@click.command(cls=Command)
@click.option(
    "--http", "over_http", is_flag=True, help="Serve streamable HTTP at /mcp instead of stdio."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address (--http).")
@click.option("--port", type=int, default=8000, show_default=True, help="The port (--http).")
@store_options
@click.option(
    "--allow-http",
    "allow_http",
    type=JSON_VALUE,
    metavar="JSON",
    help='Hosts every run may reach, with credentials by secret id: {"allow": [{"host": '
    '"api.example.com", "auth": {"bearer": {"secret_id": "..."}}}]}.',
)
@click.option(
    "--no-model-http",
    is_flag=True,
    help="Calls may not add hosts of their own (only --allow-http's are reachable).",
)
@click.option(
    "--allow-private-network",
    "private_networks",
    multiple=True,
    metavar="CIDR",
    help="A non-public range guests may reach, e.g. 127.0.0.1/32 (repeatable).",
)
@click.option(
    "--log-level",
    type=click.Choice(_LOG_LEVELS, case_sensitive=False),
    default="warning",
    show_default=True,
    help="uvicorn's log level (--http).",
)
@click.pass_context
def mcp(
    ctx: click.Context,
    over_http: bool,
    host: str,
    port: int,
    project: str,
    store: str | None,
    allow_http: Any,
    no_model_http: bool,
    private_networks: tuple[str, ...],
    log_level: str,
) -> int:
    """Serve the sandbox as MCP tools (run_code, run_function, sessions, saved tools).

    Over stdio by default, for an MCP client that starts this command. With --http, over
    streamable HTTP at http://HOST:PORT/mcp; every request then needs an API key of the
    project (`embedsandbox keys create`), as `embedsandbox serve` does. Needs the `mcp`
    extra (pip install 'embedsandbox[mcp]'); exits 2 without it.
    """
    try:
        from ..integrations.mcp import create_server, http_app
    except ImportError as exc:
        click.echo(
            "embedsandbox: error: the MCP server needs the mcp extra "
            f"(pip install 'embedsandbox[mcp]'): {exc}",
            err=True,
        )
        return 2
    egress = EgressOptions(allow_private_networks=list(private_networks))
    sandbox = ctx.with_resource(Sandbox(store=project_store_path(project, store), egress=egress))
    server = create_server(sandbox, http=allow_http, model_http=not no_model_http)
    for language in ("python", "javascript"):
        warm(sandbox, language)  # a first compile here, with progress on stderr
    if not over_http:
        server.run("stdio")
        return 0
    import uvicorn

    keys = KeyStore(store=store)
    ctx.call_on_close(keys.close)
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"embedsandbox: MCP over HTTP at http://{host}:{port}/mcp", err=True)
    uvicorn.run(http_app(server, keys, project, host), host=host, port=port, log_level=log_level)
    return 0
