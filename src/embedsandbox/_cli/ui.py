"""`embedsandbox ui`: the server on loopback, and the dashboard opened in the browser."""

from __future__ import annotations

import dataclasses
import logging
import socket
import threading
import time
import urllib.request
import webbrowser
from pathlib import Path

import click

from .._keys import DEFAULT_PROJECT, KeyStore
from ._base import Command
from ._compile import compile_before_serving

__all__ = ["ui"]

_READY_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _open_when_ready(url: str) -> None:
    # The browser opens once the server answers, so the first page load does not fail.
    deadline = time.monotonic() + _READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "healthz", timeout=1) as response:  # noqa: S310 - our own loopback URL
                if response.status == 200:
                    webbrowser.open(url)
                    return
        except OSError:
            time.sleep(0.2)
    click.echo(f"embedsandbox: the server did not answer in time; open {url} yourself", err=True)


@click.command(cls=Command)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="The port on 127.0.0.1 (0: a free one).",
)
@click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The default project's store file (default: the default store).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Guests that may run on a core at once (default: the number of CPUs).",
)
@click.option(
    "--new-key",
    is_flag=True,
    help="Create an API key for --project and print it once, to sign in with.",
)
@click.option(
    "--project",
    default=DEFAULT_PROJECT,
    show_default=True,
    help="The project of the key --new-key makes.",
)
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
def ui(
    port: int,
    store: Path | None,
    workers: int | None,
    new_key: bool,
    project: str,
    no_browser: bool,
) -> int:
    """Serve the API on 127.0.0.1 and open the dashboard in the browser.

    The dashboard asks for an API key (from `embedsandbox keys create`, or --new-key) and
    keeps it in the browser tab only; the key is never put in the address. Stops on Ctrl+C.
    Needs the `server` extra; exits 2 without it.
    """
    try:
        from ..server import ServerOptions
        from ..server import serve as serve_http
    except ImportError as exc:
        click.echo(
            "embedsandbox: error: the dashboard needs the server extra "
            f"(pip install 'embedsandbox[server]'): {exc}",
            err=True,
        )
        return 2
    if new_key:
        keys = KeyStore()
        try:
            record, key = keys.create(project, "embedsandbox ui")
        finally:
            keys.close()
        click.echo(f"API key for project {record.project} ({record.id}), shown once: {key}")
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}/"
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options = ServerOptions(store=store)
    if workers is not None:
        options = dataclasses.replace(options, workers=workers)
    compile_before_serving(options.cache_dir)
    click.echo(f"Dashboard: {url} (sign in with an API key; Ctrl+C stops the server)")
    if not no_browser:
        threading.Thread(target=_open_when_ready, args=(url,), daemon=True).start()
    serve_http("127.0.0.1", port, options, log_level="warning")
    return 0
