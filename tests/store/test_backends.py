"""Both store backends: store URLs, passwords kept out of sight, what two writers may race on
(tool revisions, a runtime build's claim, key revocation), keys under migrations, projects as
PostgreSQL schemas. The `store_url` tests run on SQLite and on a real PostgreSQL server. No
guest starts here."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from embedsandbox import Sandbox
from embedsandbox._keys import KeyStore, project_store_path
from embedsandbox._store import (
    SCHEMA_VERSION,
    PostgresLocation,
    RuntimeRepository,
    SqliteLocation,
    is_postgres,
    open_database,
    parse_store,
)
from embedsandbox.errors import ConfigurationError, StoreError
from embedsandbox.models import ManifestFile, RuntimeLanguage, RuntimeStatus

from .. import _postgres

CODE = "function execute(input) { return input }"


def _together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """`work(i)` for i in range(count), each on its own thread, all started at once."""
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [] == errors
    return results


# -- store URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "path"),
    [
        ("store.sqlite3", "store.sqlite3"),
        (Path("/x/store.sqlite3"), "/x/store.sqlite3"),
        (":memory:", ":memory:"),
        ("sqlite:///relative/s.db", "relative/s.db"),
        ("sqlite:////absolute/s.db", "/absolute/s.db"),
        ("sqlite:///:memory:", ":memory:"),
    ],
)
def test_sqlite_stores_are_paths_or_sqlite_urls(given: str | Path, path: str) -> None:
    assert SqliteLocation(path) == parse_store(given)


def test_postgres_urls_keep_the_password_out_of_sight() -> None:
    location = parse_store(
        "postgres://ann:s3cr%3Ait@db.example:5433/app?schema=team_a&sslmode=require"
    )
    assert isinstance(location, PostgresLocation)
    assert "team_a" == location.schema
    assert "postgres://ann:***@db.example:5433/app?sslmode=require&schema=team_a" == location.shown
    assert "s3cr" not in repr(location) and "s3cr" not in location.shown
    assert "schema" not in location.conninfo and "s3cr%3Ait" in location.conninfo
    assert location == parse_store(location.url())
    hidden = parse_store("postgresql://ann@h/app?password=hunter22")
    assert "hunter22" not in hidden.shown and "password=***" in hidden.shown
    assert "embedsandbox" == parse_store("postgresql:///app").schema  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("mysql://root:pw123456@h/db", "unknown scheme 'mysql'"),
        ("postgresql+psycopg://u:pw123456@h/db", "unknown scheme"),
        ("sqlite://relative.db", "sqlite:///<path>"),
        ("postgresql://u:pw123456@h:notaport/db", "not a valid PostgreSQL URL"),
        ("", "empty"),
    ],
)
def test_a_bad_store_is_a_configuration_error_naming_what_is_allowed(given: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says) as caught:
        Sandbox(store=given)
    assert "pw123456" not in str(caught.value)
    assert "postgresql://" in str(caught.value) and "sqlite:///" in str(caught.value)


def test_keys_refuse_a_bad_store_instead_of_using_the_keys_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="unknown scheme 'mysql'") as caught:
        KeyStore(tmp_path / "keys.sqlite3", store="mysql://u:pw123456@h/db")
    assert "pw123456" not in str(caught.value)
    assert not (tmp_path / "keys.sqlite3").exists()


def test_a_bad_schema_says_what_a_schema_may_be() -> None:
    with pytest.raises(ConfigurationError, match="schema '1bad' must be 1 to 63") as caught:
        Sandbox(store="postgresql://u:pw123456@h/db?schema=1bad")
    assert "pw123456" not in str(caught.value)


def test_a_wrong_password_is_a_store_error_without_the_password(
    postgres: _postgres.PostgresServer,
) -> None:
    url = postgres.url().replace(postgres.password, "wrong-Pa55word-x")
    with pytest.raises(StoreError, match="password authentication failed") as caught:
        Sandbox(store=url)
    assert "wrong-Pa55word-x" not in str(caught.value)
    assert "embedsandbox:***@127.0.0.1" in str(caught.value)


def test_a_store_names_itself_without_its_password(postgres: _postgres.PostgresServer) -> None:
    url = postgres.new_database()
    try:
        with Sandbox(store=url) as sb:
            assert sb.store_path is not None and postgres.password not in sb.store_path
            assert postgres.password not in repr(sb._db)
            assert sb.store_path.startswith("postgresql://embedsandbox:***@")
    finally:
        postgres.drop_database(url)


# -- PostgreSQL's own refusals ----------------------------------------------------------------


def test_a_schema_of_another_program_is_refused_and_left_alone(
    postgres: _postgres.PostgresServer,
) -> None:
    url = postgres.new_database()
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA embedsandbox")
            conn.execute("CREATE TABLE embedsandbox.customers (id INTEGER)")
        with pytest.raises(StoreError, match="another program"):
            Sandbox(store=url)
        with psycopg.connect(url) as conn:
            rows = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'embedsandbox'"
            ).fetchall()
        assert [("customers",)] == rows
    finally:
        postgres.drop_database(url)


def test_a_newer_postgres_schema_is_refused(postgres: _postgres.PostgresServer) -> None:
    url = postgres.new_database()
    try:
        open_database(url).close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "UPDATE embedsandbox.embedsandbox_schema SET version = %s", (SCHEMA_VERSION + 1,)
            )
        with pytest.raises(StoreError, match="newer embedsandbox"):
            Sandbox(store=url)
    finally:
        postgres.drop_database(url)


def test_servers_starting_together_migrate_once(postgres: _postgres.PostgresServer) -> None:
    url = postgres.new_database()
    try:
        databases = _together(6, lambda _: open_database(url))
        for db in databases:
            db.close()
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT version FROM embedsandbox.embedsandbox_schema").fetchall()
        assert [(SCHEMA_VERSION,)] == rows
    finally:
        postgres.drop_database(url)


# -- races between two writers (two Sandboxes: two pools, as two servers have) ---------------


def test_concurrent_tool_updates_from_two_stores_lose_nothing(store_url: str) -> None:
    """Half the updates change only the name, half only the description, from two Sandboxes
    at once: each revision must be its predecessor with exactly one field changed."""
    with Sandbox(store=store_url) as a, Sandbox(store=store_url) as b:
        tool = a.tools.create(name="n", description="d", code=CODE, language="javascript")

        def update(i: int) -> None:
            sb = a if i % 2 else b
            for j in range(5):
                if i % 2:
                    sb.tools.update(tool.id, name=f"n{i}_{j}")
                else:
                    sb.tools.update(tool.id, description=f"d{i}_{j}")

        _together(6, update)
        revisions = a.tools.revisions(tool.id)
        assert 31 == len(revisions)
        for before, after in zip(revisions, revisions[1:], strict=False):
            changed = (before.name != after.name) + (before.description != after.description)
            assert 1 == changed, (before, after)
        assert revisions[-1] == b.tools.get(tool.id)


def test_a_runtime_build_is_claimed_by_one_store_only(store_url: str, tmp_path: Path) -> None:
    first, second = open_database(store_url), open_database(store_url)
    try:
        repositories = [RuntimeRepository(first), RuntimeRepository(second)]
        _, revision_id = repositories[0].create(
            "rt",
            RuntimeLanguage.PYTHON,
            ManifestFile(name="requirements.txt", contents=""),
            None,
            "3.15",
        )
        claims = _together(
            8,
            lambda i: repositories[i % 2].update(
                revision_id, RuntimeStatus.BUILDING, only_from=(RuntimeStatus.PENDING,)
            ),
        )
        assert 1 == sum(claims)
        assert RuntimeStatus.BUILDING == repositories[1].revision(None, revision_id).status
    finally:
        first.close()
        second.close()


def test_a_revoked_key_is_refused_by_every_key_store(store_url: str, tmp_path: Path) -> None:
    def open_keys() -> KeyStore:
        if is_postgres(store_url):
            return KeyStore(store=store_url)
        return KeyStore(tmp_path / "keys.sqlite3", store=store_url)

    one, two = open_keys(), open_keys()
    try:
        record, key = one.create("team-a", "ci")
        assert "team-a" == two.authenticate(key)
        assert [record] == two.list()
        two.revoke(record.id)
        assert one.authenticate(key) is None and two.authenticate(key) is None
        assert [True] == [k.revoked for k in one.list()]
    finally:
        one.close()
        two.close()


def test_a_keys_file_of_an_older_version_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite3"
    conn = sqlite3.connect(path)
    # The table as embedsandbox made it before keys had migrations.
    conn.execute(
        "CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, digest TEXT UNIQUE "
        "NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL, "
        "revoked INTEGER NOT NULL DEFAULT 0)"
    )
    conn.commit()
    conn.close()
    old = KeyStore(tmp_path / "scratch.sqlite3")
    made = [old.create("p", f"k{i}") for i in range(3)]
    old.close()
    conn = sqlite3.connect(path)
    scratch = sqlite3.connect(tmp_path / "scratch.sqlite3")
    rows = scratch.execute(
        "SELECT id, digest, project, name, created_at, revoked FROM api_keys ORDER BY seq DESC"
    ).fetchall()  # inserted newest first: the old file's rowid order must win
    conn.executemany("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    scratch.close()
    keys = KeyStore(path)
    try:
        assert [record.id for record, _ in reversed(made)] == [k.id for k in keys.list()]
        assert "p" == keys.authenticate(made[0][1])
    finally:
        keys.close()
    conn = sqlite3.connect(path)
    assert SCHEMA_VERSION == conn.execute("PRAGMA user_version").fetchone()[0]
    conn.close()


# -- projects ----------------------------------------------------------------------------------


def test_projects_are_schemas_of_one_postgres_database(
    postgres: _postgres.PostgresServer,
) -> None:
    url = postgres.new_database()
    try:
        project = project_store_path("team-b", url)
        assert isinstance(project, str) and "schema=embedsandbox_team-b" in project
        long = parse_store(str(project_store_path("x" * 64, url)))
        assert isinstance(long, PostgresLocation) and len(long.schema) <= 63
        with Sandbox(store=url) as default, Sandbox(store=project) as team:
            tool = default.tools.create(name="t", code=CODE, language="javascript")
            assert [] == team.tools.list().tools
            assert [tool] == default.tools.list().tools
    finally:
        postgres.drop_database(url)


def test_only_the_historys_writes_skip_the_wal_fsync(postgres: _postgres.PostgresServer) -> None:
    """`relaxed()` (the history's INSERT) runs with synchronous_commit off, set by its own
    sessions; tools, secrets and keys (`read()`, `transaction()`) keep the server's setting.
    (The test server itself runs with it off, so the setting's source is what tells.)"""
    url = postgres.new_database()
    try:
        db = open_database(url)
        try:

            def setting(block: Any) -> tuple[str, str]:
                with block() as conn:
                    query = "SELECT setting, source FROM pg_settings WHERE name = ?"
                    row = conn.execute(query, ("synchronous_commit",)).fetchone()
                    return str(row[0]), str(row[1])

            assert ("off", "client") == setting(db.relaxed)
            assert "client" != setting(db.read)[1]
            assert "client" != setting(db.transaction)[1]
        finally:
            db.close()
    finally:
        postgres.drop_database(url)
