"""The `embedsandbox` command: a thin layer over the public API (built on click, in `_cli/`).

embedsandbox run script.py arg1 arg2          # language from the file's extension
embedsandbox run -l javascript -c 'console.log(process.argv.slice(2))' -- a b
embedsandbox run -l python --function -c 'def execute(i): return i' --input '{"x": 1}'
embedsandbox warmup                            # compile the interpreters ahead of time
embedsandbox serve --port 8000                 # the Riza API over HTTP (extra `server`)
embedsandbox keys create --project team-a      # an API key for the server, shown once
embedsandbox tools|runtimes|secrets|executions ...   # the store's objects (`--json`)

Shell completion (bash; zsh_source and fish_source for the others):
eval "$(_EMBEDSANDBOX_COMPLETE=bash_source embedsandbox)"
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from . import _cli

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: `sys.argv[1:]`); return the exit code.

    `run` returns its guest's exit code; a usage error returns 2; an embedsandbox error
    returns its class's `exit_code` (see `embedsandbox.errors`). Never raises `SystemExit`.
    """
    return _cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
