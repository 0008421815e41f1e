"""The `embedsandbox` command: a thin layer over the public API.

embedsandbox run script.py arg1 arg2          # language from the file's extension
embedsandbox run -l javascript -c 'console.log(process.argv.slice(2))' -- a b
embedsandbox run -l python --function -c 'def execute(i): return i' --input '{"x": 1}'
embedsandbox warmup                            # compile the interpreters ahead of time
embedsandbox serve --port 8000                 # the Riza API over HTTP (extra `server`)
embedsandbox keys create --project team-a      # an API key for the server, shown once
embedsandbox tools|secrets|executions ...      # the store's objects (`--json` everywhere)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._sandbox import Sandbox
from .errors import EmbedSandboxError
from .models import ExecuteFunctionResponse, ExecuteResponse

_EXTENSIONS = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".rb": "ruby",
    ".php": "php",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="embedsandbox",
        description="Run untrusted code in WebAssembly guests, in this process.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run a script or function in a fresh guest",
        description="Run a file or -c CODE in a fresh guest and print what it printed. "
        "Exits with the guest's exit code.",
    )
    run.add_argument("file", nargs="?", help="the program's file (or use -c)")
    run.add_argument("args", nargs="*", help="arguments for the program (after --)")
    run.add_argument("-c", "--code", help="the program's source, instead of a file")
    run.add_argument(
        "-l",
        "--language",
        choices=["python", "javascript", "typescript", "ruby", "php"],
        help="the language (default: from the file's extension)",
    )
    run.add_argument(
        "-e", "--env", action="append", default=[], metavar="NAME=VALUE", help="an env variable"
    )
    run.add_argument(
        "-f",
        "--file-in",
        action="append",
        default=[],
        metavar="GUEST_PATH[=HOST_PATH]",
        help="give the guest a file at GUEST_PATH (relative), read from HOST_PATH",
    )
    stdin = run.add_mutually_exclusive_group()
    stdin.add_argument("--stdin", help="text for the program's standard input")
    stdin.add_argument(
        "--stdin-file", metavar="PATH", help="read standard input from PATH ('-' for ours)"
    )
    run.add_argument("--timeout", type=float, help="execution_timeout in seconds (default 30)")
    run.add_argument("--memory", type=int, help="memory_size in MiB (default 128)")
    run.add_argument("--fuel", type=int, help="a cap on WebAssembly instructions (default none)")
    run.add_argument(
        "--output-bytes", type=int, help="bytes kept per output stream (default 1 MiB)"
    )
    run.add_argument(
        "--function", action="store_true", help="call the code's execute(input) and print output"
    )
    run.add_argument("--input", help="the function's input, as JSON (default null)")
    run.add_argument("--json", action="store_true", help="print the full response as JSON")

    warmup = commands.add_parser(
        "warmup",
        help="compile the interpreters into the disk cache",
        description="Compile the interpreters ahead of time (Python takes 1 to 4 minutes once, "
        "Ruby about 35 s after a 30 MB download).",
    )
    warmup.add_argument(
        "languages",
        nargs="*",
        default=["python", "javascript", "ruby"],
        help="python, javascript, ruby (default all three; Ruby's build is fetched once from "
        "the npm registry)",
    )
    from ._cli_resources import add_commands

    add_commands(commands)
    return parser


_COMPILE_TIME = {
    "python": "1 to 2 minutes on an idle 2-core machine, up to 4 under load",
    "javascript": "a second or two",
    "typescript": "a second or two",
    "ruby": "about a minute once: a 30 MB download from the npm registry, then a compile",
}


class _Progress:
    """Tells the user, on stderr, that the first compile is under way and still going."""

    def __init__(self, language: str, sandbox: Sandbox) -> None:
        self._language = language
        self._cache = sandbox.cache_dir
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)

    def __enter__(self) -> _Progress:
        print(
            f"embedsandbox: compiling the {self._language} interpreter for the first time "
            f"({_COMPILE_TIME.get(self._language, 'a moment')}); later runs load it from "
            f"{self._cache}",
            file=sys.stderr,
            flush=True,
        )
        self._start = time.monotonic()
        self._thread.start()
        return self

    def _tick(self) -> None:
        while not self._done.wait(10):
            elapsed = time.monotonic() - self._start
            print(f"embedsandbox: still compiling ({elapsed:.0f} s)", file=sys.stderr, flush=True)

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        elapsed = time.monotonic() - self._start
        print(f"embedsandbox: compiled in {elapsed:.0f} s", file=sys.stderr, flush=True)


def _warm(sandbox: Sandbox, language: str) -> None:
    if sandbox.needs_compile(language):
        with _Progress(language, sandbox):
            sandbox.warmup([language])


def _run(options: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    args = list(options.args)
    if options.code is not None:
        if options.file is not None:
            args.insert(0, options.file)
        code = options.code
        language = options.language
        if language is None:
            parser.error("-c CODE needs --language")
    elif options.file is not None:
        path = Path(options.file)
        code = path.read_text(encoding="utf-8")
        language = options.language or _EXTENSIONS.get(path.suffix)
        if language is None:
            parser.error(f"cannot tell the language of {path.name!r}; pass --language")
    else:
        parser.error("give a FILE or -c CODE")

    request: dict[str, Any] = {"language": language, "code": code}
    env = {}
    for item in options.env:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--env {item!r} must be NAME=VALUE")
        env[name] = value
    request["env"] = env
    files = []
    for item in options.file_in:
        guest, sep, host = item.partition("=")
        contents = Path(host if sep else guest).read_text(encoding="utf-8")
        files.append({"path": guest, "contents": contents})
    request["files"] = files
    limits = {
        "execution_timeout": options.timeout,
        "memory_size": options.memory,
        "fuel": options.fuel,
        "output_bytes": options.output_bytes,
    }
    request["limits"] = {k: v for k, v in limits.items() if v is not None}

    with Sandbox() as sandbox:
        if language in ("python", "javascript", "typescript", "ruby"):
            _warm(sandbox, language)
        if options.function:
            if args or options.stdin is not None or options.stdin_file is not None:
                parser.error("--function takes --input, not arguments or stdin")
            try:
                request["input"] = json.loads(options.input) if options.input else None
            except ValueError as exc:
                parser.error(f"--input is not JSON: {exc}")
            result = sandbox.run_function(**request)
            return _print_function(result, as_json=options.json)
        if options.input is not None:
            parser.error("--input needs --function")
        request["args"] = args
        if options.stdin is not None:
            request["stdin"] = options.stdin
        elif options.stdin_file is not None:
            source = sys.stdin if options.stdin_file == "-" else None
            request["stdin"] = (
                source.read() if source else Path(options.stdin_file).read_text(encoding="utf-8")
            )
        return _print_script(sandbox.run_script(**request), as_json=options.json)


def _print_script(result: ExecuteResponse, *, as_json: bool) -> int:
    if as_json:
        print(result.model_dump_json(indent=2))
    else:
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
    return result.exit_code if 0 <= result.exit_code <= 255 else 1


def _print_function(result: ExecuteFunctionResponse, *, as_json: bool) -> int:
    if as_json:
        print(result.model_dump_json(indent=2))
        return 0 if result.output_status == "valid" else 1
    sys.stderr.write(result.execution.stdout)
    sys.stderr.write(result.execution.stderr)
    if result.output_status == "valid":
        print(json.dumps(result.output))
        return 0
    print(f"embedsandbox: output_status {result.output_status.value}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    options = parser.parse_args(argv)
    # The command shows its own progress while compiling; the library's warning would repeat it.
    logging.getLogger("embedsandbox").setLevel(logging.ERROR)
    try:
        if options.command == "run":
            return _run(options, parser)
        if options.command != "warmup":
            from ._cli_resources import dispatch

            return dispatch(options, parser)
        with Sandbox() as sandbox:
            for language in options.languages:
                _warm(sandbox, language)
                sandbox.warmup([language])
                print(f"embedsandbox: {language} is ready")
        return 0
    except EmbedSandboxError as exc:
        print(f"embedsandbox: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(f"embedsandbox: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
