"""The `embedsandbox` command line, on click; `embedsandbox.cli.main` is its public entry.

One module per command group (`run`, `serve`, `keys`, `tools`, `runtimes`, `secrets`,
`executions`), over four shared ones: `_base` (the click classes and the one place where an
error becomes an exit code), `_params` (shared options and types), `_output` (JSON, tables,
a run's streams) and `_compile` (a first compile's progress). `_app` puts the groups
together. Nothing here imports `embedsandbox.cli`.
"""

from ._app import app, main

__all__ = ["app", "main"]
