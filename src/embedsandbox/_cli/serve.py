"""`embedsandbox serve`: the Riza API over HTTP (the `server` extra, FastAPI on uvicorn)."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import click

from ._base import Command
from ._compile import compile_before_serving as _compile_before_serving
from ._params import store_option

__all__ = ["serve"]

_LOG_LEVELS = ["critical", "error", "warning", "info", "debug", "trace"]


@click.command(cls=Command)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to bind.")
@click.option("--port", type=int, default=8000, show_default=True, help="The port to bind.")
@store_option
@click.option(
    "--runtimes-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where built runtime revisions are kept (default: runtimes in the data folder). With "
    "servers on several machines, a folder they all mount at this same path.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Guests that may run on a core at once (default: the number of CPUs); a guest "
    "waiting in a sleep or a host call gives its worker back (see --max-waiting).",
)
@click.option(
    "--processes",
    type=click.IntRange(0, 64),
    default=0,
    show_default=True,
    help="Worker processes per language that run the guests, for throughput across cores "
    "(0: in the server's process).",
)
@click.option(
    "--queue-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds a request waits for a free worker before it gets 429.",
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(min=1),
    default=16 << 20,
    show_default="16 MiB",
    help="The largest request body accepted, in bytes (413 above).",
)
@click.option(
    "--max-runs-per-key",
    type=click.IntRange(min=1),
    help="Guests one API key may run on a core at once; its further runs wait, then get 429 "
    "(default: half the workers, at least 1).",
)
@click.option(
    "--max-waiting",
    type=click.IntRange(min=0),
    default=256,
    show_default=True,
    help="Guests that may wait (a sleep, a timer, a host call) without holding a worker, "
    "over all keys; past it a waiting guest keeps its worker (0: never).",
)
@click.option(
    "--log-level",
    type=click.Choice(_LOG_LEVELS, case_sensitive=False),
    default="info",
    show_default=True,
    help="uvicorn's log level.",
)
def serve(
    host: str,
    port: int,
    store: str | None,
    runtimes_dir: Path | None,
    workers: int | None,
    processes: int,
    queue_timeout: float,
    max_body_bytes: int,
    max_runs_per_key: int | None,
    max_waiting: int,
    log_level: str,
) -> int:
    """Serve the Riza API over HTTP until interrupted.

    Needs the `server` extra (pip install 'embedsandbox[server]'); exits 2 without it. Every
    /v1 request needs an API key from `embedsandbox keys create`. The interpreters are
    compiled (if they are not cached yet) before the server starts listening.
    """
    try:
        from ..server import ServerOptions
        from ..server import serve as serve_http
    except ImportError as exc:
        click.echo(
            "embedsandbox: error: serving needs the server extra "
            f"(pip install 'embedsandbox[server]'): {exc}",
            err=True,
        )
        return 2
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("embedsandbox.server").setLevel(logging.INFO)
    options = ServerOptions(
        store=store,
        runtimes_dir=runtimes_dir,
        queue_timeout_s=queue_timeout,
        max_body_bytes=max_body_bytes,
        processes=processes,
        max_runs_per_key=max_runs_per_key,
        max_waiting=max_waiting,
    )
    if workers is not None:
        options = dataclasses.replace(options, workers=workers)
    _compile_before_serving(options.cache_dir)
    serve_http(host, port, options, log_level=log_level)
    return 0
