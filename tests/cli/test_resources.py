"""`embedsandbox keys|tools|secrets|executions|runtimes|serve`, run as real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.server.conftest import cli, make_home

pytestmark = pytest.mark.guest


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return make_home(tmp_path / "home")


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
def test_every_subcommand_has_help(env: dict[str, str], command: list[str]) -> None:
    done = cli(env, *command, "--help")
    assert done.returncode == 0, done.stderr
    assert "usage: embedsandbox" in done.stdout


def test_keys_create_list_revoke(env: dict[str, str], tmp_path: Path) -> None:
    done = cli(env, "keys", "create", "--project", "team-a", "--json")
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert created["key"].startswith("esk_") and created["id"].startswith("key_")
    human = cli(env, "keys", "create")
    assert "key:" in human.stdout and "not shown again" in human.stderr
    listed = cli(env, "keys", "list")
    assert created["id"] in listed.stdout and "team-a" in listed.stdout
    assert created["key"] not in listed.stdout
    assert created["key"] not in (tmp_path / "home" / "keys.sqlite3").read_bytes().decode("latin-1")
    assert cli(env, "keys", "revoke", created["id"]).returncode == 0
    rows = json.loads(cli(env, "keys", "list", "--json").stdout)
    assert [r["revoked"] for r in rows if r["id"] == created["id"]] == [True]
    missing = cli(env, "keys", "revoke", "key_nothing")
    assert missing.returncode == 3 and "key_nothing" in missing.stderr
    bad = cli(env, "keys", "create", "--project", "../etc")
    assert bad.returncode == 2 and "project" in bad.stderr


def test_tools_secrets_and_executions(env: dict[str, str]) -> None:
    done = cli(
        env,
        "tools",
        "create",
        "--name",
        "add",
        "-l",
        "python",
        "-c",
        "import os\ndef execute(i):\n    return i['a'] + i['b'] + len(os.environ.get('T', ''))",
        "--input-schema",
        '{"type": "object", "required": ["a", "b"]}',
        "--json",
    )
    assert done.returncode == 0, done.stderr
    tool = json.loads(done.stdout)
    assert "add" in cli(env, "tools", "list").stdout
    assert json.loads(cli(env, "tools", "list", "--json").stdout)["tools"][0]["id"] == tool["id"]
    shown = cli(env, "tools", "get", tool["id"])
    assert "def execute" in shown.stdout
    ran = cli(env, "tools", "exec", tool["id"], "--input", '{"a": 1, "b": 2}')
    assert (ran.returncode, ran.stdout) == (0, "3\n"), ran.stderr
    invalid = cli(env, "tools", "exec", tool["id"], "--input", '{"a": 1}')
    assert invalid.returncode == 2 and "b" in invalid.stderr

    secret = cli(env, "secrets", "create", "--name", "t", "--json", stdin="abcd\n")
    assert secret.returncode == 0, secret.stderr
    secret_id = json.loads(secret.stdout)["id"]
    assert "abcd" not in secret.stdout
    assert secret_id in cli(env, "secrets", "list").stdout
    with_secret = cli(
        env,
        "tools",
        "exec",
        tool["id"],
        "--input",
        '{"a": 1, "b": 2}',
        "--env-secret",
        f"T={secret_id}",
    )
    assert with_secret.stdout == "7\n", with_secret.stderr
    empty = cli(env, "secrets", "create", "--name", "t", stdin="")
    assert empty.returncode == 2 and "empty" in empty.stderr

    history = json.loads(cli(env, "executions", "list", "--json").stdout)["data"]
    assert len(history) == 2 and history[0]["details"]["type"] == "tool"
    table = cli(env, "executions", "list")
    assert history[0]["id"] in table.stdout and "tool" in table.stdout
    one = cli(env, "executions", "get", history[0]["id"], "--json")
    assert json.loads(one.stdout)["id"] == history[0]["id"]
    missing = cli(env, "executions", "get", "exec_nothing")
    assert missing.returncode == 3 and "exec_nothing" in missing.stderr
    assert cli(env, "tools", "get", "tool_nothing").returncode == 3


def test_projects_have_separate_stores(env: dict[str, str]) -> None:
    done = cli(env, "secrets", "create", "--name", "a", "--project", "one", stdin="v")
    assert done.returncode == 0, done.stderr
    assert "a" in cli(env, "secrets", "list", "--project", "one").stdout
    assert json.loads(cli(env, "secrets", "list", "--json").stdout)["secrets"] == []


def test_runtimes(env: dict[str, str], tmp_path: Path) -> None:
    manifest = tmp_path / "requirements.txt"
    manifest.write_text("")
    done = cli(
        env,
        "runtimes",
        "create",
        "--name",
        "empty",
        "-l",
        "python",
        "--manifest",
        str(manifest),
        "--min-cached-instances",
        "0",
        "--max-cached-instances",
        "2",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    runtime = json.loads(done.stdout)
    assert runtime["status"] == "succeeded"
    assert (0, 2) == (runtime["min_cached_instances"], runtime["max_cached_instances"])
    assert runtime["id"] in cli(env, "runtimes", "list").stdout
    assert (
        json.loads(cli(env, "runtimes", "get", runtime["id"], "--json").stdout)["name"] == "empty"
    )
    revisions = json.loads(cli(env, "runtimes", "revisions", runtime["id"], "--json").stdout)
    assert [r["id"] for r in revisions["revisions"]] == [runtime["revision_id"]]
    waited = cli(env, "runtimes", "wait", runtime["id"])
    assert waited.returncode == 0 and "succeeded" in waited.stdout
    assert cli(env, "runtimes", "get", "rt_nothing").returncode == 3


def test_runtimes_create_refuses_bad_cached_instances(env: dict[str, str], tmp_path: Path) -> None:
    manifest = tmp_path / "requirements.txt"
    manifest.write_text("")
    common = ["runtimes", "create", "--name", "x", "-l", "python", "--manifest", str(manifest)]
    done = cli(env, *common, "--min-cached-instances", "5", "--max-cached-instances", "2")
    assert 2 == done.returncode
    assert "min_cached_instances (5) must not exceed max_cached_instances (2)" in done.stderr
    done = cli(env, *common, "--max-cached-instances", "65")
    assert 2 == done.returncode
    assert "max_cached_instances must be null or an integer from 0 to 64" in done.stderr
    assert '"runtimes": []' in cli(env, "runtimes", "list", "--json").stdout
