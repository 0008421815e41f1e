"""`embedsandbox repl`: a read-eval-print loop on a session, for trying the sandbox by hand."""

from __future__ import annotations

import codeop
import sys
from pathlib import Path
from typing import Literal

import click

from .._paths import data_dir
from .._sandbox import Sandbox
from ..errors import SessionClosedError
from ._base import Command
from ._compile import warm

__all__ = ["repl"]

_PROMPTS = {"python": (">>> ", "... "), "ruby": ("irb> ", "irb* ")}
_RUBY_OPENERS = ("def ", "class ", "module ", "begin", "if ", "unless ", "while ", "until ",
                 "case ", "for ")  # fmt: skip
HISTORY_FILE = "repl_history"


def _complete(language: str, source: str) -> bool:
    """Whether `source` is a whole input (else the REPL reads another line)."""
    if source.endswith("\\"):
        return False
    if language == "python":
        try:
            return codeop.compile_command(source, "<input>", "exec") is not None
        except (SyntaxError, ValueError, OverflowError):
            return True  # the guest reports it
    lines = source.splitlines()
    opened = any(line.lstrip().startswith(_RUBY_OPENERS) or line.rstrip().endswith(" do")
                 or " do |" in line for line in lines)  # fmt: skip
    return not opened or source.endswith("\n") or lines[-1].strip() == "end"


def _history() -> Path | None:
    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        return None
    path = data_dir() / HISTORY_FILE
    try:
        readline.read_history_file(path)
    except OSError:
        pass
    return path


@click.command(cls=Command)
@click.option(
    "-l",
    "--language",
    type=click.Choice(sorted(_PROMPTS)),
    default="python",
    show_default=True,
    help="The session's language.",
)
@click.option("--timeout", type=float, metavar="SECONDS", help="Each input's time (default 60).")
def repl(language: Literal["python", "ruby"], timeout: float | None) -> int:
    """A read-eval-print loop on a session: each input runs in the same guest.

    Globals, imports and files stay between inputs; an expression's value is printed.
    Ctrl-D ends it. A limit ends the session (a new one starts). History: in the data folder.
    """
    history = _history() if sys.stdin.isatty() else None
    limits = {"execution_timeout": timeout} if timeout is not None else None
    with Sandbox(store=None) as sandbox:
        warm(sandbox, language)
        session = sandbox.session(language=language, limits=limits)
        first, more = _PROMPTS[language]
        try:
            while True:
                try:
                    source = input(first)
                    while not _complete(language, source):
                        source += "\n" + input(more)
                except EOFError:
                    click.echo()
                    return 0
                except KeyboardInterrupt:
                    click.echo("\nKeyboardInterrupt")
                    continue
                if not source.strip():
                    continue
                try:
                    result = session.run(source, interactive=True)
                except SessionClosedError as exc:
                    click.echo(f"embedsandbox: {exc}", err=True)
                    session = sandbox.session(language=language, limits=limits)
                    continue
                click.echo(result.stdout, nl=False)
                click.echo(result.stderr, nl=False, err=True)
                if session.closed:
                    click.echo("embedsandbox: a new session starts", err=True)
                    session = sandbox.session(language=language, limits=limits)
        finally:
            session.close()
            if history is not None:
                import readline

                try:
                    readline.write_history_file(history)
                except OSError:
                    pass
