"""The command tree as a whole: help, every old flag, `--json`, completion, the error mapping.

None of these starts a guest.
"""

from __future__ import annotations

import ast
import inspect
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

import embedsandbox._cli
from embedsandbox import errors
from embedsandbox._cli import app
from embedsandbox._cli._base import RootGroup
from embedsandbox.cli import main
from tests.cli.conftest import Invoke


def _commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


COMMANDS = dict(_commands(app))

# Every command and flag of the argparse command line this one replaced (0.x): each must
# still be there, with the same spelling.
OLD_FLAGS: dict[tuple[str, ...], set[str]] = {
    ("run",): {
        "-c", "--code", "-l", "--language", "-e", "--env", "-f", "--file-in", "--stdin",
        "--stdin-file", "--timeout", "--memory", "--fuel", "--output-bytes", "--function",
        "--input", "--json",
    },
    ("warmup",): set(),
    ("serve",): {
        "--host", "--port", "--store", "--workers", "--processes", "--queue-timeout",
        "--max-body-bytes", "--max-runs-per-key", "--max-waiting", "--log-level",
    },
    ("keys", "create"): {"--project", "--name", "--json"},
    ("keys", "list"): {"--json"},
    ("keys", "revoke"): {"--json"},
    ("tools", "create"): {
        "--name", "-l", "--language", "-c", "--code", "--file", "--description",
        "--input-schema", "--json", "--project", "--store",
    },
    ("tools", "list"): {"--limit", "--starting-after", "--json", "--project", "--store"},
    ("tools", "get"): {"--revision-id", "--json", "--project", "--store"},
    ("tools", "exec"): {
        "--input", "--revision-id", "-e", "--env", "--env-secret", "--json", "--project", "--store",
    },
    ("runtimes", "create"): {
        "--name", "-l", "--language", "--manifest", "--imports", "--min-cached-instances",
        "--max-cached-instances", "--timeout", "--json", "--project", "--store",
    },
    ("runtimes", "list"): {"--limit", "--starting-after", "--json", "--project", "--store"},
    ("runtimes", "get"): {"--json", "--project", "--store"},
    ("runtimes", "revisions"): {"--json", "--project", "--store"},
    ("runtimes", "wait"): {"--revision-id", "--timeout", "--json", "--project", "--store"},
    ("secrets", "create"): {"--name", "--json", "--project", "--store"},
    ("secrets", "list"): {"--limit", "--starting-after", "--json", "--project", "--store"},
    ("executions", "list"): {
        "--limit", "--starting-after", "--only-non-zero-exit-codes", "--json", "--project",
        "--store",
    },
    ("executions", "get"): {"--json", "--project", "--store"},
}  # fmt: skip


def _flags(command: click.Command) -> set[str]:
    return {
        flag
        for param in command.params
        if isinstance(param, click.Option)
        for flag in (*param.opts, *param.secondary_opts)
    }


@pytest.mark.parametrize("path", sorted(OLD_FLAGS), ids=" ".join)
def test_every_old_command_and_flag_is_kept(path: tuple[str, ...]) -> None:
    assert path in COMMANDS, f"embedsandbox {' '.join(path)} is gone"
    assert OLD_FLAGS[path] <= _flags(COMMANDS[path]), OLD_FLAGS[path] - _flags(COMMANDS[path])


def test_every_listing_has_json() -> None:
    listings = [p for p in COMMANDS if p[-1] in ("list", "revisions")]
    assert len(listings) == 6
    for path in listings:
        assert "--json" in _flags(COMMANDS[path]), path


# The argparse era's help test, command for command.
@pytest.mark.parametrize(
    "command",
    [
        ["serve"],
        ["keys"],
        ["keys", "create"],
        ["keys", "list"],
        ["keys", "revoke"],
        ["tools"],
        ["tools", "create"],
        ["tools", "list"],
        ["tools", "get"],
        ["tools", "exec"],
        ["runtimes", "create"],
        ["runtimes", "wait"],
        ["secrets", "create"],
        ["secrets", "list"],
        ["executions", "list"],
        ["executions", "get"],
    ],
)
def test_every_subcommand_has_help(invoke: Invoke, command: list[str]) -> None:
    done = invoke(*command, "--help")
    assert done.exit_code == 0, done.stderr
    assert "usage: embedsandbox" in done.stdout


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_has_help_and_h(invoke: Invoke, path: tuple[str, ...]) -> None:
    done = invoke(*path, "-h")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith(f"usage: embedsandbox {' '.join(path)} ")
    assert (COMMANDS[path].help or "").strip(), f"{path} has no help text"


def test_the_top_help_lists_the_commands_and_completion(invoke: Invoke) -> None:
    done = invoke("--help")
    assert done.exit_code == 0
    listed = [line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines()[1:10]]
    assert listed == [
        "run",
        "warmup",
        "repl",
        "serve",
        "keys",
        "tools",
        "runtimes",
        "secrets",
        "executions",
    ]
    assert "_EMBEDSANDBOX_COMPLETE=bash_source embedsandbox" in done.stdout


def test_no_command_or_an_unknown_one_is_a_usage_error(invoke: Invoke) -> None:
    done = invoke()
    assert done.exit_code == 2 and "usage: embedsandbox" in done.stderr
    done = invoke("nope")
    assert done.exit_code == 2 and "No such command 'nope'" in done.stderr
    done = invoke("keys")
    assert done.exit_code == 2 and "create" in done.stderr


def _complete(invoke: Invoke, words: str) -> list[str]:
    done = invoke(
        env={
            "_EMBEDSANDBOX_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
    )
    assert done.exit_code == 0, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


def test_shell_completion(invoke: Invoke) -> None:
    done = invoke(env={"_EMBEDSANDBOX_COMPLETE": "bash_source"})
    assert "_embedsandbox_completion()" in done.stdout
    assert _complete(invoke, "embedsandbox ke") == ["keys"]
    assert set(_complete(invoke, "embedsandbox keys ")) == {"create", "list", "revoke"}
    assert "--only-non-zero-exit-codes" in _complete(invoke, "embedsandbox executions list --")
    assert set(_complete(invoke, "embedsandbox run -l ")) == {
        "python", "javascript", "typescript", "ruby", "php",
    }  # fmt: skip


def _errors() -> list[type[errors.EmbedSandboxError]]:
    return [
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.EmbedSandboxError)
    ]


def _group_raising(exc: BaseException | None = None, returns: Any = None) -> click.Group:
    group = RootGroup("embedsandbox")

    @group.command()
    def boom() -> Any:
        """Raise `exc`, else return `returns`."""
        if exc is not None:
            raise exc
        return returns

    return group


def _invoke(group: click.Group) -> click.testing.Result:
    return click.testing.CliRunner().invoke(group, ["boom"], prog_name="embedsandbox")


@pytest.mark.parametrize("cls", _errors(), ids=lambda cls: cls.__name__)
def test_each_error_exits_with_its_class_exit_code(cls: type[errors.EmbedSandboxError]) -> None:
    done = _invoke(_group_raising(cls("it broke")))
    assert done.exit_code == cls.exit_code
    assert done.stderr == f"embedsandbox: error: it broke ({cls.code})\n"
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("exc", "code"),
    [(FileNotFoundError(2, "No such file", "x.py"), 2), (TimeoutError("too slow"), 1)],
)
def test_os_errors_are_reported_without_a_traceback(exc: OSError, code: int) -> None:
    done = _invoke(_group_raising(exc))
    assert (done.exit_code, done.stderr) == (code, f"embedsandbox: error: {exc}\n")


def test_other_exceptions_are_bugs_and_not_hidden() -> None:
    done = _invoke(_group_raising(KeyError("bug")))
    assert isinstance(done.exception, KeyError)


@pytest.mark.parametrize(("returns", "code"), [(None, 0), (0, 0), (4, 4), (True, 1)])
def test_a_command_returns_its_exit_code(returns: Any, code: int) -> None:
    assert _invoke(_group_raising(returns=returns)).exit_code == code


def test_the_library_log_is_quiet_during_a_command_and_restored_after() -> None:
    library = logging.getLogger("embedsandbox")
    seen: list[int] = []
    group = RootGroup("embedsandbox")
    group.command("level")(lambda: seen.append(library.getEffectiveLevel()))
    before = library.level
    assert click.testing.CliRunner().invoke(group, ["level"]).exit_code == 0
    assert seen == [logging.ERROR]
    assert library.level == before


def test_main_returns_the_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "usage: embedsandbox" in capsys.readouterr().out
    assert main(["run"]) == 2
    assert "give a FILE or -c CODE" in capsys.readouterr().err
    assert main(["keys", "revoke", "--unknown"]) == 2


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--workers", "0", "x>=1"),
        ("--processes", "65", "0<=x<=64"),
        ("--queue-timeout", "0", "x>0"),
        ("--max-body-bytes", "0", "x>=1"),
        ("--max-runs-per-key", "0", "x>=1"),
        ("--max-waiting", "-1", "x>=0"),
        ("--log-level", "loud", "'loud' is not one of"),
    ],
)
def test_serve_refuses_bad_options_before_starting(
    invoke: Invoke, flag: str, value: str, message: str
) -> None:
    done = invoke("serve", flag, value)
    assert done.exit_code == 2
    assert message in done.stderr and flag in done.stderr


def test_serve_passes_its_options_to_the_server(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import embedsandbox.server
    from embedsandbox._cli import serve as serve_module

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(serve_module, "_compile_before_serving", lambda cache_dir: None)
    monkeypatch.setattr(
        embedsandbox.server,
        "serve",
        lambda host, port, options, *, log_level: calls.append((host, port, options, log_level)),
    )
    store = tmp_path / "store.sqlite3"
    args = ["--host", "127.0.0.2", "--port", "9000", "--store", str(store), "--workers", "3"]
    args += ["--processes", "2", "--queue-timeout", "2.5", "--max-body-bytes", "1024"]
    args += ["--max-runs-per-key", "2", "--max-waiting", "0", "--log-level", "DEBUG"]
    args += ["--runtimes-dir", str(tmp_path / "shared")]
    done = invoke("serve", *args)
    assert done.exit_code == 0, done.stderr
    [(host, port, options, log_level)] = calls
    assert (host, port, log_level) == ("127.0.0.2", 9000, "debug")
    assert (options.store, options.workers, options.processes) == (str(store), 3, 2)
    assert tmp_path / "shared" == options.runtimes_dir
    assert (options.queue_timeout_s, options.max_body_bytes) == (2.5, 1024)
    assert (options.max_runs_per_key, options.max_waiting) == (2, 0)
    calls.clear()
    assert invoke("serve").exit_code == 0
    defaults = embedsandbox.server.ServerOptions()
    assert calls[0][:2] == ("127.0.0.1", 8000) and calls[0][2] == defaults


def test_serve_without_the_server_extra_exits_2(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "embedsandbox.server", None)
    done = invoke("serve")
    assert done.exit_code == 2
    assert "serving needs the server extra" in done.stderr


SHARED = {"_base", "_params", "_output", "_compile"}


def test_the_cli_package_has_no_import_circle() -> None:
    # The shared modules import no command module; a command module imports only shared ones;
    # `_app` alone puts the groups together, and nothing imports `embedsandbox.cli`.
    package = Path(embedsandbox._cli.__file__).parent
    for path in package.glob("*.py"):
        ours = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                ours.add(node.module)
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                assert node.module != "cli", f"{path.name} imports embedsandbox.cli"
        if path.stem in SHARED:
            assert ours <= SHARED - {path.stem}, (path.name, ours)
        elif path.stem not in ("_app", "__init__"):
            assert ours <= SHARED, (path.name, ours - SHARED)


def test_no_cli_module_is_over_400_lines() -> None:
    package = Path(embedsandbox._cli.__file__).parent
    long = {p.name: n for p in package.glob("*.py") if (n := len(p.read_text().splitlines())) > 400}
    assert not long
