"""`embedsandbox run` (a script or function in a fresh guest) and `embedsandbox warmup`."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from .._sandbox import Sandbox
from ..models import ExecuteResponse
from ._base import Command
from ._compile import warm
from ._output import print_function_result, print_script_result
from ._params import JSON_VALUE, NAME_VALUE, json_option

__all__ = ["run", "warmup"]

LANGUAGES = ["python", "javascript", "typescript", "ruby", "php"]
_COMPILED = ("python", "javascript", "typescript", "ruby", "php")
_EXTENSIONS = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".rb": "ruby",
    ".php": "php",
}


def _program(
    argv: tuple[str, ...], code: str | None, language: str | None
) -> tuple[str, str, list[str]]:
    """(language, code, args) from the positional words, `-c CODE` and `--language`."""
    if code is not None:
        if language is None:
            msg = "-c CODE needs --language"
            raise click.UsageError(msg)
        return language, code, list(argv)
    if not argv:
        msg = "give a FILE or -c CODE"
        raise click.UsageError(msg)
    path = Path(argv[0])
    language = language or _EXTENSIONS.get(path.suffix)
    if language is None:
        msg = f"cannot tell the language of {path.name!r}; pass --language"
        raise click.UsageError(msg)
    return language, path.read_text(encoding="utf-8"), list(argv[1:])


def _files(items: tuple[str, ...]) -> list[dict[str, str]]:
    """`--file-in GUEST_PATH[=HOST_PATH]` items as request files, read from the host."""
    files = []
    for item in items:
        guest, sep, host = item.partition("=")
        contents = Path(host if sep else guest).read_text(encoding="utf-8")
        files.append({"path": guest, "contents": contents})
    return files


@click.command(
    cls=Command,
    epilog="Arguments that start with '-' go after '--': run -l python -c CODE -- -v.",
)
@click.argument("argv", nargs=-1, type=click.Path(), metavar="[FILE] [ARGS]...")
@click.option("-c", "--code", metavar="CODE", help="The program's source, instead of a FILE.")
@click.option(
    "-l",
    "--language",
    type=click.Choice(LANGUAGES),
    help="The language (default: from the FILE's extension).",
)
@click.option(
    "-e", "--env", "env", multiple=True, type=NAME_VALUE, help="An env variable (repeatable)."
)
@click.option(
    "-f",
    "--file-in",
    multiple=True,
    metavar="GUEST_PATH[=HOST_PATH]",
    help="Give the guest a file at GUEST_PATH (relative), read from HOST_PATH (repeatable).",
)
@click.option("--stdin", "stdin_text", metavar="TEXT", help="Text for the program's stdin.")
@click.option(
    "--stdin-file",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="PATH",
    help="Read the program's stdin from PATH ('-' for ours).",
)
@click.option(
    "--timeout", type=float, metavar="SECONDS", help="execution_timeout in seconds (default 30)."
)
@click.option("--memory", type=int, metavar="MIB", help="memory_size in MiB (default 128).")
@click.option(
    "--fuel", type=int, metavar="N", help="A cap on WebAssembly instructions (default none)."
)
@click.option(
    "--output-bytes",
    type=int,
    metavar="BYTES",
    help="Bytes kept per output stream (default 1 MiB).",
)
@click.option(
    "-o",
    "--output-file",
    "output_files",
    multiple=True,
    metavar="PATTERN",
    help="Hand back the files the run leaves that match PATTERN ('*.png', 'out/**'; repeatable).",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Where to write those files (default: the working directory).",
)
@click.option("--function", "function_mode", is_flag=True, help="Call the code's execute(input).")
@click.option(
    "--input", "input_value", type=JSON_VALUE, help="The function's input (default null)."
)
@json_option("Print the full response as JSON.")
@click.pass_context
def run(
    ctx: click.Context,
    argv: tuple[str, ...],
    code: str | None,
    language: str | None,
    env: tuple[tuple[str, str], ...],
    file_in: tuple[str, ...],
    stdin_text: str | None,
    stdin_file: str | None,
    timeout: float | None,
    memory: int | None,
    fuel: int | None,
    output_bytes: int | None,
    output_files: tuple[str, ...],
    output_dir: str | None,
    function_mode: bool,
    input_value: Any,
    as_json: bool,
) -> int:
    """Run a FILE or -c CODE in a fresh guest and print what it printed.

    Exits with the guest's exit code (1 if it is outside 0 to 255). With --function, calls
    the code's execute(input) with --input and prints its output as JSON (exit 1 if the
    output is not valid); what the guest printed then goes to stderr.
    """
    language, source, args = _program(argv, code, language)
    has_stdin = stdin_text is not None or stdin_file is not None
    if stdin_text is not None and stdin_file is not None:
        msg = "--stdin and --stdin-file cannot be used together"
        raise click.UsageError(msg)
    if function_mode and (args or has_stdin):
        msg = "--function takes --input, not arguments or stdin"
        raise click.UsageError(msg)
    if not function_mode and ctx.get_parameter_source("input_value") is ParameterSource.COMMANDLINE:
        msg = "--input needs --function"
        raise click.UsageError(msg)
    limits = {
        "execution_timeout": timeout,
        "memory_size": memory,
        "fuel": fuel,
        "output_bytes": output_bytes,
    }
    request: dict[str, Any] = {
        "language": language,
        "code": source,
        "env": dict(env),
        "files": _files(file_in),
        "limits": {k: v for k, v in limits.items() if v is not None},
        "output_files": list(output_files),
    }
    if output_dir is not None and not output_files:
        msg = "--output-dir needs --output-file PATTERN"
        raise click.UsageError(msg)
    with Sandbox() as sandbox:
        if language in _COMPILED:
            warm(sandbox, language)
        if function_mode:
            result = sandbox.run_function(**request, input=input_value)
            save_files(result.execution, output_dir)
            return print_function_result(result, as_json=as_json)
        if stdin_text is not None:
            request["stdin"] = stdin_text
        elif stdin_file is not None:
            with click.open_file(stdin_file, encoding="utf-8") as stream:
                request["stdin"] = stream.read()
        response = sandbox.run_script(**request, args=args)
        save_files(response, output_dir)
        return print_script_result(response, as_json=as_json)


def save_files(response: ExecuteResponse, output_dir: str | None) -> None:
    """Write the files a run handed back under `output_dir` (they stay inside it)."""
    if not response.files and not response.files_left_out:
        return
    root = Path(output_dir or ".").resolve()
    for file in response.files:
        target = (root / file.path).resolve()
        if root not in target.parents:  # the guest's paths are relative; checked again
            click.echo(f"embedsandbox: skipped {file.path!r}: outside {root}", err=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if file.encoding == "base64":
            target.write_bytes(base64.b64decode(file.contents))
        else:
            target.write_text(file.contents, encoding="utf-8")
        click.echo(f"embedsandbox: wrote {target}", err=True)
    for left in response.files_left_out:
        click.echo(f"embedsandbox: left out {left.path!r}: {left.reason}", err=True)
    hidden = response.files_left_out_count - len(response.files_left_out)
    if hidden > 0:
        click.echo(f"embedsandbox: and {hidden} more files left out", err=True)


@click.command(cls=Command)
@click.argument("languages", nargs=-1, type=click.Choice(LANGUAGES), metavar="[LANGUAGE]...")
def warmup(languages: tuple[str, ...]) -> None:
    """Compile the interpreters into the disk cache ahead of time.

    LANGUAGE is python, javascript, ruby or php (default all four). Python takes 1 to 4
    minutes once; Ruby's build is fetched once from the npm registry (30 MB), then compiled;
    PHP's ships in the package and compiles in 5 to 10 seconds.
    """
    with Sandbox() as sandbox:
        for language in languages or ("python", "javascript", "ruby", "php"):
            warm(sandbox, language)
            sandbox.warmup([language])
            click.echo(f"embedsandbox: {language} is ready")
