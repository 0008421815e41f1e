"""`embedsandbox keys|tools|secrets|executions|runtimes`, in process (click's CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke

pytestmark = pytest.mark.guest


def test_keys_create_list_revoke(invoke: Invoke, home: Path) -> None:
    done = invoke("keys", "create", "--project", "team-a", "--json")
    assert done.exit_code == 0, done.stderr
    created = json.loads(done.stdout)
    assert created["key"].startswith("esk_") and created["id"].startswith("key_")
    human = invoke("keys", "create")
    assert "key:" in human.stdout and "not shown again" in human.stderr
    listed = invoke("keys", "list")
    assert created["id"] in listed.stdout and "team-a" in listed.stdout
    assert created["key"] not in listed.stdout
    assert created["key"] not in (home / "keys.sqlite3").read_bytes().decode("latin-1")
    revoked = invoke("keys", "revoke", created["id"])
    assert revoked.exit_code == 0 and created["id"] in revoked.stdout
    rows = json.loads(invoke("keys", "list", "--json").stdout)
    assert [r["revoked"] for r in rows if r["id"] == created["id"]] == [True]
    missing = invoke("keys", "revoke", "key_nothing")
    assert missing.exit_code == 3 and "key_nothing" in missing.stderr
    assert "(not_found)" in missing.stderr
    bad = invoke("keys", "create", "--project", "../etc")
    assert bad.exit_code == 2 and "project" in bad.stderr


def test_tools_secrets_and_executions(invoke: Invoke, home: Path) -> None:
    done = invoke(
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
    assert done.exit_code == 0, done.stderr
    tool = json.loads(done.stdout)
    assert "add" in invoke("tools", "list").stdout
    assert json.loads(invoke("tools", "list", "--json").stdout)["tools"][0]["id"] == tool["id"]
    shown = invoke("tools", "get", tool["id"])
    assert "def execute" in shown.stdout
    assert json.loads(invoke("tools", "get", tool["id"], "--json").stdout)["name"] == "add"
    ran = invoke("tools", "exec", tool["id"], "--input", '{"a": 1, "b": 2}')
    assert (ran.exit_code, ran.stdout) == (0, "3\n"), ran.stderr
    invalid = invoke("tools", "exec", tool["id"], "--input", '{"a": 1}')
    assert invalid.exit_code == 2 and "b" in invalid.stderr

    secret = invoke("secrets", "create", "--name", "t", "--json", stdin="abcd\n")
    assert secret.exit_code == 0, secret.stderr
    secret_id = json.loads(secret.stdout)["id"]
    assert "abcd" not in secret.stdout
    assert secret_id in invoke("secrets", "list").stdout
    with_secret = invoke(
        "tools",
        "exec",
        tool["id"],
        "--input",
        '{"a": 1, "b": 2}',
        "--env-secret",
        f"T={secret_id}",
    )
    assert with_secret.stdout == "7\n", with_secret.stderr
    empty = invoke("secrets", "create", "--name", "t", stdin="")
    assert empty.exit_code == 2 and "empty" in empty.stderr

    history = json.loads(invoke("executions", "list", "--json").stdout)["data"]
    assert len(history) == 2 and history[0]["details"]["type"] == "tool"
    table = invoke("executions", "list")
    assert history[0]["id"] in table.stdout and "tool" in table.stdout
    one = invoke("executions", "get", history[0]["id"], "--json")
    assert json.loads(one.stdout)["id"] == history[0]["id"]
    missing = invoke("executions", "get", "exec_nothing")
    assert missing.exit_code == 3 and "exec_nothing" in missing.stderr
    assert invoke("tools", "get", "tool_nothing").exit_code == 3


def test_secrets_delete(invoke: Invoke, home: Path) -> None:
    kept = json.loads(invoke("secrets", "create", "--name", "kept", "--json", stdin="v").stdout)
    doomed = json.loads(invoke("secrets", "create", "--name", "doomed", "--json", stdin="w").stdout)
    deleted = invoke("secrets", "delete", doomed["id"], "--json")
    assert deleted.exit_code == 0, deleted.stderr
    assert json.loads(deleted.stdout) == doomed
    listed = json.loads(invoke("secrets", "list", "--json").stdout)["secrets"]
    assert listed == [kept]
    again = invoke("secrets", "delete", doomed["id"])
    assert again.exit_code == 3 and f"secret '{doomed['id']}' does not exist" in again.stderr
    table = invoke("secrets", "delete", kept["id"])
    assert table.exit_code == 0 and kept["id"] in table.stdout and "kept" in table.stdout
    assert json.loads(invoke("secrets", "list", "--json").stdout)["secrets"] == []
    # A tool call naming a deleted id is refused before any guest starts (exit 3).
    tool = invoke(
        "tools",
        "create",
        "--name",
        "t",
        "-l",
        "javascript",
        "-c",
        "function execute(i) {}",
        "--json",
    )
    assert tool.exit_code == 0, tool.stderr
    tool_id = json.loads(tool.stdout)["id"]
    refused = invoke("tools", "exec", tool_id, "--input", "{}", "--env-secret", f"T={doomed['id']}")
    assert refused.exit_code == 3
    assert f"secret '{doomed['id']}' named by env.0.secret_id does not exist" in refused.stderr


def test_tools_from_a_file_with_env_and_a_revision(
    invoke: Invoke, home: Path, tmp_path: Path
) -> None:
    source = tmp_path / "tool.js"
    source.write_text("function execute(i) { return process.env.GREETING + ' ' + i }")
    done = invoke(
        "tools", "create", "--name", "greet", "-l", "javascript", "--file", str(source), "--json"
    )
    assert done.exit_code == 0, done.stderr
    tool = json.loads(done.stdout)
    ran = invoke(
        "tools",
        "exec",
        tool["id"],
        "--input",
        '"you"',
        "-e",
        "GREETING=hello",
        "--revision-id",
        tool["revision_id"],
        "--json",
    )
    assert ran.exit_code == 0, ran.stderr
    assert ("hello you", "valid") == tuple(
        map(json.loads(ran.stdout).get, ("output", "output_status"))
    )
    shown = invoke("tools", "get", tool["id"], "--revision-id", tool["revision_id"])
    assert "process.env.GREETING" in shown.stdout
    both = invoke(
        "tools", "create", "--name", "x", "-l", "python", "-c", "1", "--file", str(source)
    )
    assert both.exit_code == 2 and "cannot be used together" in both.stderr
    neither = invoke("tools", "create", "--name", "x", "-l", "python")
    assert neither.exit_code == 2 and "give -c CODE or --file PATH" in neither.stderr


def test_executions_get_shows_what_the_run_printed(invoke: Invoke, home: Path) -> None:
    ran = invoke(
        "run",
        "-l",
        "python",
        "-c",
        "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)",
    )
    assert ran.exit_code == 3
    failed = json.loads(invoke("executions", "list", "--only-non-zero-exit-codes", "--json").stdout)
    assert [e["exit_code"] for e in failed["data"]] == [3]
    shown = invoke("executions", "get", failed["data"][0]["id"])
    assert shown.exit_code == 0, shown.stderr
    assert "script" in shown.stdout and shown.stdout.endswith("\nout\n")
    assert shown.stderr == "err\n"
    page = json.loads(invoke("executions", "list", "--limit", "1", "--json").stdout)
    assert len(page["data"]) == 1
    over = invoke("executions", "list", "--limit", "1000")
    assert over.exit_code == 2 and "limit" in over.stderr


def test_projects_have_separate_stores(invoke: Invoke, home: Path) -> None:
    done = invoke("secrets", "create", "--name", "a", "--project", "one", stdin="v")
    assert done.exit_code == 0, done.stderr
    assert "a" in invoke("secrets", "list", "--project", "one").stdout
    assert json.loads(invoke("secrets", "list", "--json").stdout)["secrets"] == []


def test_the_store_option_picks_the_default_projects_file(
    invoke: Invoke, home: Path, tmp_path: Path
) -> None:
    store = tmp_path / "other.sqlite3"
    done = invoke("secrets", "create", "--name", "s", "--store", str(store), stdin="v")
    assert done.exit_code == 0, done.stderr
    assert store.exists()
    listed = json.loads(invoke("secrets", "list", "--store", str(store), "--json").stdout)
    assert [s["name"] for s in listed["secrets"]] == ["s"]
    assert json.loads(invoke("secrets", "list", "--json").stdout)["secrets"] == []


def test_runtimes(invoke: Invoke, home: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "requirements.txt"
    manifest.write_text("")
    done = invoke(
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
    assert done.exit_code == 0, done.stderr
    runtime = json.loads(done.stdout)
    assert runtime["status"] == "succeeded"
    assert (0, 2) == (runtime["min_cached_instances"], runtime["max_cached_instances"])
    assert runtime["id"] in invoke("runtimes", "list").stdout
    assert json.loads(invoke("runtimes", "get", runtime["id"], "--json").stdout)["name"] == "empty"
    assert "succeeded" in invoke("runtimes", "get", runtime["id"]).stdout
    revisions = json.loads(invoke("runtimes", "revisions", runtime["id"], "--json").stdout)
    assert [r["id"] for r in revisions["revisions"]] == [runtime["revision_id"]]
    assert runtime["revision_id"] in invoke("runtimes", "revisions", runtime["id"]).stdout
    waited = invoke("runtimes", "wait", runtime["id"])
    assert waited.exit_code == 0 and "succeeded" in waited.stdout
    waited = invoke(
        "runtimes", "wait", runtime["id"], "--revision-id", runtime["revision_id"], "--json"
    )
    assert (0, "succeeded") == (waited.exit_code, json.loads(waited.stdout)["status"])
    assert invoke("runtimes", "get", "rt_nothing").exit_code == 3


def test_runtimes_create_refuses_bad_cached_instances(
    invoke: Invoke, home: Path, tmp_path: Path
) -> None:
    manifest = tmp_path / "requirements.txt"
    manifest.write_text("")
    common = ["runtimes", "create", "--name", "x", "-l", "python", "--manifest", str(manifest)]
    done = invoke(*common, "--min-cached-instances", "5", "--max-cached-instances", "2")
    assert 2 == done.exit_code
    assert "min_cached_instances (5) must not exceed max_cached_instances (2)" in done.stderr
    done = invoke(*common, "--max-cached-instances", "65")
    assert 2 == done.exit_code
    assert "max_cached_instances must be null or an integer from 0 to 64" in done.stderr
    assert '"runtimes": []' in invoke("runtimes", "list", "--json").stdout


def test_runtimes_create_refuses_a_missing_manifest(
    invoke: Invoke, home: Path, tmp_path: Path
) -> None:
    done = invoke(
        "runtimes", "create", "--name", "x", "-l", "python", "--manifest", str(tmp_path / "no.txt")
    )
    assert 2 == done.exit_code and "does not exist" in done.stderr
