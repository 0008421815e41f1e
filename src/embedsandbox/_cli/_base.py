"""The click classes every `embedsandbox` command is made of, and the CLI's one error mapping.

`Command` and `Group` differ from click's only in their help: usage lines read
`usage: embedsandbox ...` (as argparse printed them) and `-h` works beside `--help`.
`RootGroup` is the top of the tree; its `invoke` is the only place where an exception becomes
an exit code (`exit_code_for`), so a command only raises or returns its exit code.
"""

from __future__ import annotations

import logging
from typing import Any

import click

from ..errors import EmbedSandboxError

__all__ = ["Command", "Group", "RootGroup", "exit_code_for", "report"]

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class HelpFormatter(click.HelpFormatter):
    """click's formatter with argparse's lowercase `usage:` prefix."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """Write the usage line; `prefix` defaults to `usage: `."""
        super().write_usage(prog, args, "usage: " if prefix is None else prefix)


class Context(click.Context):
    """A click context that formats help with `HelpFormatter`."""

    formatter_class = HelpFormatter


class Command(click.Command):
    """A leaf command (`embedsandbox run`, `embedsandbox keys create`, ...)."""

    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", dict(CONTEXT_SETTINGS))
        super().__init__(*args, **kwargs)


class Group(click.Group):
    """A group of commands; `@group.command()` makes `Command`s, `@group.group()` `Group`s."""

    context_class = Context
    command_class = Command
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", dict(CONTEXT_SETTINGS))
        super().__init__(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The commands in the order they were added (help lists them so)."""
        return list(self.commands)


def exit_code_for(exc: BaseException) -> int:
    """The exit code the command line ends with after `exc` (the CLI's only error mapping).

    An embedsandbox error exits with its class's own `exit_code` (see `embedsandbox.errors`),
    a timeout while waiting (a runtime build) with 1, and any other `OSError` (a file that
    cannot be read) with 2, as a usage error does.
    """
    if isinstance(exc, EmbedSandboxError):
        return exc.exit_code
    if isinstance(exc, TimeoutError):
        return 1
    return 2


def report(exc: BaseException) -> None:
    """Print `exc` on stderr as `embedsandbox: error: MESSAGE (CODE)`, without a traceback.

    CODE is an embedsandbox error's stable `code` slug (`not_found`, `invalid_request`, ...);
    other errors have none.
    """
    code = f" ({exc.code})" if isinstance(exc, EmbedSandboxError) else ""
    click.echo(f"embedsandbox: error: {exc}{code}", err=True)


class RootGroup(Group):
    """The `embedsandbox` group: turns what its commands return or raise into an exit code.

    A command returns its exit code (an `int`; `None` is 0). An `EmbedSandboxError`, or an
    `OSError` such as a missing file, is reported on stderr and exits with `exit_code_for`.
    click's own errors (usage errors exit 2) pass through to click. While a command runs, the
    library's log stays at ERROR: the commands show their own progress.
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command named on the command line and exit with its code."""
        library = logging.getLogger("embedsandbox")
        level = library.level
        library.setLevel(logging.ERROR)
        try:
            code = super().invoke(ctx)
        except BrokenPipeError:
            raise  # stdout closed early (`| head`): click exits quietly
        except (EmbedSandboxError, OSError) as exc:
            report(exc)
            ctx.exit(exit_code_for(exc))
        finally:
            library.setLevel(level)
        ctx.exit(0 if code is None else int(code))
