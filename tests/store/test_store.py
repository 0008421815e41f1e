"""The store on disk: location, file mode, migrations, reopening, foreign and corrupt files,
`store=None` and `":memory:"`. The tests taking `store_url` run on SQLite and on a real
PostgreSQL server. No guest starts here."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from embedsandbox import Sandbox
from embedsandbox._store import SCHEMA_VERSION, default_store_path, open_database
from embedsandbox._store._schema import APPLICATION_ID, MIGRATIONS, render
from embedsandbox.errors import NotFoundError, SandboxClosedError, StoreError

CODE = "function execute(input) { return input }"


def test_default_location_follows_embedsandbox_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMBEDSANDBOX_HOME", str(tmp_path / "home"))
    assert tmp_path / "home" / "store.sqlite3" == default_store_path()
    with Sandbox(cache_dir=tmp_path / "cache") as sb:
        assert str(tmp_path / "home" / "store.sqlite3") == sb.store_path
        sb.secrets.create("n", "v")
    assert (tmp_path / "home" / "store.sqlite3").is_file()


def test_new_file_is_private_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "store.sqlite3"
    with Sandbox(store=path) as sb:
        assert str(path) == sb.store_path
    assert 0o600 == stat.S_IMODE(path.stat().st_mode)
    assert 0o700 == stat.S_IMODE(path.parent.stat().st_mode)
    conn = sqlite3.connect(path)
    assert SCHEMA_VERSION == conn.execute("PRAGMA user_version").fetchone()[0]
    assert APPLICATION_ID == conn.execute("PRAGMA application_id").fetchone()[0]
    assert "wal" == conn.execute("PRAGMA journal_mode").fetchone()[0]
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"executions", "secrets", "tools", "tool_revisions"} <= tables
    conn.close()


def test_tools_and_secrets_survive_reopening(store_url: str) -> None:
    path = store_url
    with Sandbox(store=path) as sb:
        tool = sb.tools.create(name="t", code=CODE, language="javascript")
        tool2 = sb.tools.update(tool.id, description="second")
        secret = sb.secrets.create("key", "value-1234")
    with Sandbox(store=path) as sb:
        assert tool2 == sb.tools.get(tool.id)
        assert tool == sb.tools.get(tool.id, revision_id=tool.revision_id)
        assert [secret] == sb.secrets.list().secrets
        assert "value-1234" == sb.secrets.reveal(secret.id)


def test_two_sandboxes_share_one_store(store_url: str) -> None:
    path = store_url
    with Sandbox(store=path) as a, Sandbox(store=path) as b:
        tool = a.tools.create(name="t", code=CODE, language="javascript")
        assert tool == b.tools.get(tool.id)


def test_corrupt_file_is_a_clear_error_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    garbage = b"this is not a database, it is a grocery list\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as info:
        Sandbox(store=path)
    assert str(path) in str(info.value)
    assert garbage == path.read_bytes()  # never deleted or recreated


def test_damaged_pages_are_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with Sandbox(store=path) as sb:
        for i in range(50):
            sb.tools.create(name=f"t{i}", code=CODE * 20, language="javascript")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    data[4096 : len(data)] = b"\xff" * (len(data) - 4096)  # every page after the first
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=str(path)):
        with Sandbox(store=path) as sb:
            sb.tools.list()


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="another program"):
        Sandbox(store=path)
    conn = sqlite3.connect(path)
    assert [("customers",)] == conn.execute("SELECT name FROM sqlite_master").fetchall()
    conn.close()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer embedsandbox"):
        Sandbox(store=path)


def test_a_store_at_migration_3_is_migrated_and_keeps_its_runtimes(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for statement in (s for migration in MIGRATIONS[:3] for s in migration):
        conn.execute(render(statement, "sqlite"))
    conn.execute("PRAGMA user_version = 3")
    now = "2025-01-01T00:00:00+00:00"
    conn.execute(
        "INSERT INTO runtimes (id, name, language, created_at) VALUES (?, ?, ?, ?)",
        ("rt_old", "old", "python", now),
    )
    conn.execute(
        "INSERT INTO runtime_revisions (id, runtime_id, manifest_name, manifest_contents, "
        "interpreter_version, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ("rtrev_old", "rt_old", "requirements.txt", "", "python 3.15.0", "cancelled", now, now),
    )
    conn.close()
    with Sandbox(store=path, runtimes_dir=tmp_path / "artifacts") as sb:
        old = sb.runtimes.get("rt_old")
        assert ("old", "rtrev_old", "cancelled") == (old.name, old.revision_id, old.status)
        assert (None, None) == (old.min_cached_instances, old.max_cached_instances)
        updated = sb.runtimes.update("rt_old", min_cached_instances=0, max_cached_instances=2)
        assert (0, 2) == (updated.min_cached_instances, updated.max_cached_instances)
    conn = sqlite3.connect(path)
    assert 7 == SCHEMA_VERSION == conn.execute("PRAGMA user_version").fetchone()[0]
    columns = {row[1]: row[2] for row in conn.execute("PRAGMA table_info(runtimes)")}
    assert "INTEGER" == columns["min_cached_instances"] == columns["max_cached_instances"]
    conn.close()


def test_a_folder_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=str(tmp_path)):
        Sandbox(store=tmp_path)


def test_store_none_keeps_nothing_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBEDSANDBOX_HOME", str(tmp_path))
    with Sandbox(store=None, cache_dir=tmp_path / "cache") as sb:
        assert sb.store_path is None
        tool = sb.tools.create(name="t", code=CODE, language="javascript")
        assert tool == sb.tools.get(tool.id)  # tools and secrets still work, in memory
        sb.secrets.create("n", "v")
        assert [] == sb.executions.list().data
        with pytest.raises(NotFoundError, match="store=None"):
            sb.executions.get("exec_x")
    assert [] == [p.name for p in tmp_path.iterdir() if p.name != "cache"]


def test_memory_store_ends_with_its_sandbox() -> None:
    with Sandbox(store=":memory:") as sb:
        tool = sb.tools.create(name="t", code=CODE, language="javascript")
    with Sandbox(store=":memory:") as sb:
        with pytest.raises(NotFoundError):
            sb.tools.get(tool.id)


def test_closed_sandbox_refuses_the_store(store_url: str) -> None:
    sb = Sandbox(store=store_url)
    sb.close()
    sb.close()
    with pytest.raises(SandboxClosedError):
        sb.tools.list()
    with pytest.raises(SandboxClosedError):
        sb.executions.list()


def test_secrets_page(store_url: str) -> None:
    with Sandbox(store=store_url) as sb:
        made = [sb.secrets.create(f"n{i}", f"value-{i}") for i in range(5)]
        first = sb.secrets.list(limit=3)
        rest = sb.secrets.list(starting_after=first.next_starting_after)
        assert made == [*first, *rest]
        assert {"secrets"} == set(first.model_dump())
        with pytest.raises(NotFoundError):
            sb.secrets.list(starting_after="sec_nope")


def test_unknown_execution(store_url: str) -> None:
    with Sandbox(store=store_url) as sb:
        with pytest.raises(NotFoundError, match="execution 'exec_x' does not exist"):
            sb.executions.get("exec_x")
        with pytest.raises(NotFoundError, match="starting_after"):
            sb.executions.list(starting_after="exec_x")


def test_file_mode_of_wal_files(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with Sandbox(store=path) as sb:
        sb.secrets.create("n", "v")
        for suffix in ("-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            if side.exists():
                assert 0o600 == stat.S_IMODE(side.stat().st_mode), suffix
    assert os.access(path, os.R_OK)
