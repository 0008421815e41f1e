"""The command line's `serve`, `keys`, `tools`, `runtimes`, `secrets` and `executions`.

`cli.py` adds these subcommands with `add_commands()` and runs them with `dispatch()`. Each
works on a project's store (the default store unless `--project` or `--store` says otherwise:
the same files `embedsandbox serve` uses), prints a table, or JSON with `--json`, and reports
errors on stderr with a non-zero exit code (`cli.main` maps the errors).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._keys import DEFAULT_PROJECT, KeyStore, project_store_path
from ._sandbox import PoolOptions, Sandbox
from .errors import RequestValidationError

__all__ = ["add_commands", "dispatch"]


def _paging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=100, help="at most this many (1 to 100)")
    parser.add_argument("--starting-after", help="the last id of the previous page")


def _common(parser: argparse.ArgumentParser, *, store: bool = True) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    if store:
        parser.add_argument(
            "--project",
            default=DEFAULT_PROJECT,
            help="the project whose store to use, as the server sees it (default: default)",
        )
        parser.add_argument(
            "--store",
            type=Path,
            help="the default project's store file (default: the default store)",
        )


def _group(commands: Any, name: str, help_text: str) -> Any:
    description = help_text[0].upper() + help_text[1:] + "."
    group = commands.add_parser(name, help=help_text, description=description)
    return group.add_subparsers(dest="action", required=True, metavar="ACTION")


def add_commands(commands: Any) -> None:
    """Add the subcommands to `commands` (the parser's subparsers)."""
    serve = commands.add_parser(
        "serve",
        help="serve the Riza API over HTTP",
        description="Serve the Riza API over HTTP (needs the `server` extra). Every /v1 "
        "request needs an API key from `embedsandbox keys create`.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    serve.add_argument(
        "--store", type=Path, help="the default project's store file (default: the default store)"
    )
    serve.add_argument(
        "--workers",
        type=int,
        help="guests that may run on a core at once (default: the number of CPUs); a guest "
        "waiting in a sleep or a host call gives its worker back (see --max-waiting)",
    )
    serve.add_argument(
        "--processes",
        type=int,
        default=0,
        help="worker processes per language that run the guests, for throughput across "
        "cores (default 0: in the server's process)",
    )
    serve.add_argument(
        "--queue-timeout",
        type=float,
        default=10.0,
        help="seconds a request waits for a free worker before it gets 429 (default 10)",
    )
    serve.add_argument(
        "--max-body-bytes",
        type=int,
        default=16 << 20,
        help="the largest request body accepted, in bytes (default 16 MiB; 413 above)",
    )
    serve.add_argument(
        "--max-runs-per-key",
        type=int,
        default=None,
        help="guests one API key may run on a core at once; its further runs wait, then get "
        "429 (default: half the workers, at least 1)",
    )
    serve.add_argument(
        "--max-waiting",
        type=int,
        default=256,
        help="guests that may wait (a sleep, a timer, a host call) without holding a worker, "
        "over all keys; past it a waiting guest keeps its worker (default 256; 0: never)",
    )
    serve.add_argument("--log-level", default="info", help="uvicorn's log level (default info)")

    keys = _group(commands, "keys", "manage the server's API keys")
    create = keys.add_parser(
        "create", help="create a key (shown once)", description="Create an API key for a project."
    )
    create.add_argument("--project", default=DEFAULT_PROJECT, help="its project (default: default)")
    create.add_argument("--name", default="", help="a note to tell keys apart")
    _common(create, store=False)
    listing = keys.add_parser("list", help="list keys", description="List the API keys.")
    _common(listing, store=False)
    revoke = keys.add_parser("revoke", help="revoke a key", description="Revoke an API key.")
    revoke.add_argument("id", help="the key's id (key_...)")
    _common(revoke, store=False)

    tools = _group(commands, "tools", "manage and run tools")
    create = tools.add_parser("create", help="create a tool", description="Create a tool.")
    create.add_argument("--name", required=True, help="1 to 64 letters, digits, '_' or '-'")
    create.add_argument(
        "-l", "--language", required=True, choices=["python", "javascript", "typescript", "ruby"]
    )
    source = create.add_mutually_exclusive_group(required=True)
    source.add_argument("-c", "--code", help="source defining execute(input)")
    source.add_argument("--file", type=Path, help="a file with the source")
    create.add_argument("--description", default="", help="what the tool does")
    create.add_argument("--input-schema", help="a JSON Schema for the input, as JSON")
    _common(create)
    listing = tools.add_parser("list", help="list tools", description="List the tools.")
    _paging(listing)
    _common(listing)
    get = tools.add_parser("get", help="show a tool", description="Show a tool.")
    get.add_argument("id", help="the tool's id")
    get.add_argument("--revision-id", help="show this revision")
    _common(get)
    run = tools.add_parser(
        "exec", help="run a tool", description="Run a tool and print its output as JSON."
    )
    run.add_argument("id", help="the tool's id")
    run.add_argument("--input", help="the input, as JSON (default null)")
    run.add_argument("--revision-id", help="run this revision")
    run.add_argument(
        "-e", "--env", action="append", default=[], metavar="NAME=VALUE", help="an env variable"
    )
    run.add_argument(
        "--env-secret",
        action="append",
        default=[],
        metavar="NAME=SECRET_ID",
        help="an env variable holding a stored secret's value",
    )
    _common(run)

    runtimes = _group(commands, "runtimes", "manage custom runtimes (packages for guests)")
    create = runtimes.add_parser(
        "create",
        help="create a runtime",
        description="Create a runtime from a requirements.txt or package.json and build its "
        "first revision. The build runs in this process, so the command waits for it; it "
        "exits 0 if the build succeeded, 1 if not.",
    )
    create.add_argument("--name", required=True, help="a name for people")
    create.add_argument("-l", "--language", required=True, choices=["python", "javascript"])
    create.add_argument(
        "--manifest", required=True, type=Path, help="requirements.txt or package.json"
    )
    create.add_argument("--imports", help="Python modules to import first (comma separated)")
    create.add_argument(
        "--min-cached-instances",
        type=int,
        metavar="N",
        help="ready guests kept for this runtime, 0 to 64 (default: the Sandbox's, 1)",
    )
    create.add_argument(
        "--max-cached-instances",
        type=int,
        metavar="N",
        help="most ready guests kept under demand, 0 to 64; 0 turns pooling off "
        "(default: the Sandbox's, 4)",
    )
    create.add_argument("--timeout", type=float, help="stop waiting for the build after S s")
    _common(create)
    listing = runtimes.add_parser("list", help="list runtimes", description="List runtimes.")
    _paging(listing)
    _common(listing)
    get = runtimes.add_parser("get", help="show a runtime", description="Show a runtime.")
    get.add_argument("id", help="the runtime's id")
    _common(get)
    revisions = runtimes.add_parser(
        "revisions", help="list a runtime's revisions", description="List a runtime's revisions."
    )
    revisions.add_argument("id", help="the runtime's id")
    _common(revisions)
    wait = runtimes.add_parser(
        "wait",
        help="wait for a build",
        description="Wait until a revision's build ends; exit 0 if it succeeded, 1 if not.",
    )
    wait.add_argument("id", help="the runtime's id")
    wait.add_argument("--revision-id", help="the revision (default: the newest)")
    wait.add_argument("--timeout", type=float, help="give up after this many seconds")
    _common(wait)

    secrets = _group(commands, "secrets", "manage secrets")
    create = secrets.add_parser(
        "create",
        help="store a secret",
        description="Store a secret. The value is read from stdin (or a prompt), never argv.",
    )
    create.add_argument("--name", required=True, help="the secret's name")
    _common(create)
    listing = secrets.add_parser("list", help="list secrets", description="List the secrets.")
    _paging(listing)
    _common(listing)

    executions = _group(commands, "executions", "show the execution history")
    listing = executions.add_parser(
        "list", help="list executions", description="List executions, newest first."
    )
    _paging(listing)
    listing.add_argument("--only-non-zero-exit-codes", action="store_true", help="only failed runs")
    _common(listing)
    get = executions.add_parser(
        "get", help="show an execution", description="Show an execution with its details."
    )
    get.add_argument("id", help="the execution's id")
    _common(get)


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    text = str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2))


def _pairs(items: list[str], flag: str, parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"{flag} {item!r} must be NAME=VALUE")
        pairs.append((name, value))
    return pairs


def _json_arg(text: str | None, flag: str, parser: argparse.ArgumentParser) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        parser.error(f"{flag} is not JSON: {exc}")


def dispatch(options: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run one of the subcommands `add_commands` added; return the exit code."""
    if options.command == "serve":
        return _serve(options, parser)
    if options.command == "keys":
        return _keys(options)
    store = project_store_path(options.project, options.store)
    with Sandbox(store=store) as sandbox:
        if options.command == "runtimes":
            return _runtimes(options, sandbox)
        if options.command == "tools":
            return _tools(options, parser, sandbox)
        if options.command == "secrets":
            return _secrets(options, sandbox)
        return _executions(options, sandbox)


def _serve(options: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        from .server import ServerOptions, serve
    except ImportError as exc:
        print(
            f"embedsandbox: error: serving needs the server extra "
            f"(pip install 'embedsandbox[server]'): {exc}",
            file=sys.stderr,
        )
        return 2
    if options.workers is not None and options.workers < 1:
        parser.error("--workers must be at least 1")
    if not 0 <= options.processes <= 64:
        parser.error("--processes must be from 0 to 64")
    if options.queue_timeout <= 0 or options.max_body_bytes < 1:
        parser.error("--queue-timeout and --max-body-bytes must be positive")
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("embedsandbox.server").setLevel(logging.INFO)
    if options.max_runs_per_key is not None and options.max_runs_per_key < 1:
        parser.error("--max-runs-per-key must be at least 1")
    if options.max_waiting < 0:
        parser.error("--max-waiting must be at least 0")
    workers = {} if options.workers is None else {"workers": options.workers}
    server_options = ServerOptions(
        store=options.store,
        queue_timeout_s=options.queue_timeout,
        max_body_bytes=options.max_body_bytes,
        processes=options.processes,
        max_runs_per_key=options.max_runs_per_key,
        max_waiting=options.max_waiting,
        **workers,
    )
    _compile_before_serving(server_options.cache_dir)
    serve(options.host, options.port, server_options, log_level=options.log_level)
    return 0


def _compile_before_serving(cache_dir: Path | None) -> None:
    # A first compile (1 to 4 minutes for Python) happens here, with progress on stderr,
    # never inside the first request.
    from .cli import _warm

    with Sandbox(
        store=None, cache_dir=cache_dir, pool=PoolOptions(max_cached_instances=0)
    ) as sandbox:
        for language in ("python", "javascript"):
            _warm(sandbox, language)


def _keys(options: argparse.Namespace) -> int:
    keys = KeyStore()
    try:
        if options.action == "create":
            record, key = keys.create(options.project, options.name)
            if options.json:
                _print({"id": record.id, "key": key, "project": record.project})
            else:
                print(f"id:      {record.id}\nproject: {record.project}\nkey:     {key}")
                print("Keep the key now: it is not shown again.", file=sys.stderr)
            return 0
        if options.action == "revoke":
            record = keys.revoke(options.id)
            rows = [vars(record)]
        else:
            rows = [vars(record) for record in keys.list()]
        if options.json:
            _print(rows[0] if options.action == "revoke" else rows)
        else:
            _table(rows, ["id", "project", "name", "created_at", "revoked"])
        return 0
    finally:
        keys.close()


def _tools(options: argparse.Namespace, parser: argparse.ArgumentParser, sb: Sandbox) -> int:
    columns = ["id", "name", "language", "revision_id", "description"]
    if options.action == "create":
        code = options.code if options.code is not None else options.file.read_text("utf-8")
        tool = sb.tools.create(
            name=options.name,
            code=code,
            language=options.language,
            description=options.description,
            input_schema=_json_arg(options.input_schema, "--input-schema", parser),
        )
        rows = [tool.model_dump(mode="json")]
    elif options.action == "list":
        page = sb.tools.list(options.limit, options.starting_after)
        if options.json:
            _print(page.model_dump(mode="json"))
            return 0
        _table([t.model_dump(mode="json") for t in page], columns)
        return 0
    elif options.action == "get":
        rows = [sb.tools.get(options.id, options.revision_id).model_dump(mode="json")]
    else:
        env: list[dict[str, str]] = [
            {"name": n, "value": v} for n, v in _pairs(options.env, "--env", parser)
        ]
        env += [
            {"name": n, "secret_id": v}
            for n, v in _pairs(options.env_secret, "--env-secret", parser)
        ]
        result = sb.run_tool(
            options.id,
            input=_json_arg(options.input, "--input", parser),
            env=env,
            revision_id=options.revision_id,
        )
        if options.json:
            print(result.model_dump_json(indent=2))
        else:
            sys.stderr.write(result.execution.stdout)
            sys.stderr.write(result.execution.stderr)
            if result.output_status == "valid":
                print(json.dumps(result.output))
            else:
                print(f"embedsandbox: output_status {result.output_status.value}", file=sys.stderr)
        return 0 if result.output_status == "valid" else 1
    if options.json:
        _print(rows[0])
    else:
        _table(rows, columns)
        if options.action == "get":
            print()
            print(rows[0]["code"])
    return 0


def _secrets(options: argparse.Namespace, sb: Sandbox) -> int:
    if options.action == "create":
        if sys.stdin.isatty():
            value = getpass.getpass(f"value of secret {options.name!r}: ")
        else:
            value = sys.stdin.read()
            if value.endswith("\n"):
                value = value[:-1]
        if not value:
            msg = "the secret's value is empty: pipe it to stdin or type it at the prompt"
            raise RequestValidationError(msg)
        rows = [sb.secrets.create(name=options.name, value=value).model_dump()]
    else:
        page = sb.secrets.list(options.limit, options.starting_after)
        if options.json:
            _print(page.model_dump(mode="json"))
            return 0
        rows = [secret.model_dump() for secret in page]
    if options.json:
        _print(rows[0])
    else:
        _table(rows, ["id", "name"])
    return 0


def _executions(options: argparse.Namespace, sb: Sandbox) -> int:
    if options.action == "get":
        execution = sb.executions.get(options.id)
        if options.json:
            print(execution.model_dump_json(indent=2))
            return 0
        rows = [execution.model_dump(mode="json")]
    else:
        page = sb.executions.list(
            options.limit, options.starting_after, options.only_non_zero_exit_codes
        )
        if options.json:
            print(page.model_dump_json(indent=2))
            return 0
        rows = [e.model_dump(mode="json") for e in page]
    for row in rows:
        row["type"] = (row.get("details") or {}).get("type")
    _table(rows, ["id", "language", "type", "exit_code", "duration", "started_at"])
    if options.action == "get" and rows[0].get("details"):
        response = rows[0]["details"]["response"]
        execution = response.get("execution", response)
        print()
        sys.stdout.write(execution.get("stdout", ""))
        sys.stderr.write(execution.get("stderr", ""))
    return 0


def _runtimes(options: argparse.Namespace, sb: Sandbox) -> int:
    runtimes: Any = sb.runtimes
    columns = ["id", "name", "language", "revision_id", "status"]
    if options.action == "create":
        result = runtimes.create(
            name=options.name,
            language=options.language,
            manifest_file={
                "name": options.manifest.name,
                "contents": options.manifest.read_text("utf-8"),
            },
            additional_python_imports=options.imports,
            min_cached_instances=options.min_cached_instances,
            max_cached_instances=options.max_cached_instances,
        )
        try:
            runtimes.revisions.wait(result.id, result.revision_id, timeout=options.timeout)
        except TimeoutError as exc:
            print(f"embedsandbox: error: {exc}", file=sys.stderr)
            return 1
        result = runtimes.get(result.id)
        if options.json:
            print(result.model_dump_json(indent=2))
        else:
            _table([result.model_dump(mode="json")], columns)
        return 0 if result.status == "succeeded" else 1
    elif options.action == "list":
        page = runtimes.list(options.limit, options.starting_after)
        if options.json:
            print(page.model_dump_json(indent=2))
            return 0
        rows = [r.model_dump(mode="json") for r in page]
    elif options.action == "get":
        rows = [runtimes.get(options.id).model_dump(mode="json")]
    elif options.action == "revisions":
        page = runtimes.revisions.list(options.id)
        if options.json:
            print(page.model_dump_json(indent=2))
            return 0
        rows = [r.model_dump(mode="json") for r in page]
        columns = ["id", "status", "created_at", "message"]
    else:
        revision_id = options.revision_id or runtimes.get(options.id).revision_id
        try:
            revision = runtimes.revisions.wait(options.id, revision_id, timeout=options.timeout)
        except TimeoutError as exc:
            print(f"embedsandbox: error: {exc}", file=sys.stderr)
            return 1
        if options.json:
            print(revision.model_dump_json(indent=2))
        else:
            _table([revision.model_dump(mode="json")], ["id", "status", "message"])
        return 0 if revision.status == "succeeded" else 1
    if options.json:
        _print(rows if options.action in ("list", "revisions") else rows[0])
    else:
        _table(rows, columns)
    return 0
