"""The `embedsandbox` group with every command, and `main`, which runs it."""

from __future__ import annotations

from collections.abc import Sequence

import click

from ._base import RootGroup
from .executions import executions
from .keys import keys
from .mcp import mcp
from .repl import repl
from .run import run, warmup
from .runtimes import runtimes
from .secrets import secrets
from .serve import serve
from .tools import tools
from .ui import ui

__all__ = ["app", "main"]

PROG_NAME = "embedsandbox"


@click.group(
    cls=RootGroup,
    epilog='Shell completion: eval "$(_EMBEDSANDBOX_COMPLETE=bash_source embedsandbox)" '
    "in ~/.bashrc (zsh_source in ~/.zshrc; fish: _EMBEDSANDBOX_COMPLETE=fish_source "
    "embedsandbox | source).",
)
def app() -> None:
    """Run untrusted code in WebAssembly guests, in this process.

    Exit codes: `run` exits with its guest's; otherwise 2 is a usage error or a refused
    request, 3 something not found, 5 a language or runtime unavailable, 74 a store that
    cannot be used, 70 a bug of ours.
    """


for _command in (run, warmup, repl, serve, keys, tools, runtimes, secrets, executions, mcp, ui):
    app.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `embedsandbox` with `argv` (default: `sys.argv[1:]`); return its exit code.

    Never raises `SystemExit`: a usage error returns 2 after printing it, `--help` returns 0.
    """
    try:
        app.main(args=None if argv is None else list(argv), prog_name=PROG_NAME)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0  # not reached: click's standalone mode always exits
