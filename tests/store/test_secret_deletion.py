"""`secrets.delete` on both store backends (`store_url`: SQLite and a real PostgreSQL): the
secret leaves the list and every other store on the same database, its id is refused by runs
and tool calls like one that never existed, and on SQLite its sealed bytes leave the file. The
refusals come before any guest starts, so no guest starts here."""

from __future__ import annotations

from pathlib import Path

import pytest

from embedsandbox import Sandbox
from embedsandbox._secrets import Secret, SecretStore
from embedsandbox._store import SqliteSecretBackend, open_database
from embedsandbox.errors import NotFoundError

VALUE = "sk-live-0f3e9c2a7b"


def test_a_deleted_secret_is_gone_from_every_store_on_the_database(store_url: str) -> None:
    with Sandbox(store=store_url) as a, Sandbox(store=store_url) as b:
        kept = a.secrets.create("kept", "v1")
        doomed = a.secrets.create("doomed", VALUE)
        assert [kept.id, doomed.id] == [s.id for s in b.secrets.list()]
        assert Secret(id=doomed.id, name="doomed") == b.secrets.delete(doomed.id)
        # No store caches secrets: the other one (another server, say) no longer has it.
        for sb in (a, b):
            assert [kept] == list(sb.secrets.list())
            with pytest.raises(NotFoundError, match="does not exist"):
                sb.secrets.get(doomed.id)
            with pytest.raises(NotFoundError, match="does not exist"):
                sb.secrets.reveal(doomed.id)
        with pytest.raises(NotFoundError, match=f"secret '{doomed.id}' does not exist"):
            a.secrets.delete(doomed.id)
        with pytest.raises(NotFoundError, match="starting_after"):
            a.secrets.list(starting_after=doomed.id)
        assert "v1" == a.secrets.reveal(kept.id)
    with Sandbox(store=store_url) as reopened:
        assert [kept] == list(reopened.secrets.list())


def test_a_deleted_secrets_id_is_refused_by_runs_and_tools(store_url: str) -> None:
    with Sandbox(store=store_url) as sb:
        secret = sb.secrets.create("token", VALUE)
        tool = sb.tools.create(name="t", language="javascript", code="function execute(i) {}")
        sb.secrets.delete(secret.id)
        http = {
            "allow": [{"host": "api.example.com", "auth": {"bearer": {"secret_id": secret.id}}}]
        }
        refused = f"secret '{secret.id}' named by http.allow.0.auth.bearer.secret_id does not exist"
        with pytest.raises(NotFoundError, match=refused):
            sb.run_script(language="javascript", code="", http=http)
        with pytest.raises(NotFoundError, match=refused):
            sb.run_function(language="javascript", code="function execute(i) {}", http=http)
        env_refused = f"secret '{secret.id}' named by env.0.secret_id does not exist"
        with pytest.raises(NotFoundError, match=env_refused):
            sb.run_tool(tool.id, env=[{"name": "TOKEN", "secret_id": secret.id}])
        with pytest.raises(NotFoundError, match=refused):
            sb.run_tool(tool.id, http=http)
        # Nothing ran, so nothing was recorded.
        assert [] == list(sb.executions.list())


def test_an_unknown_or_malformed_id_is_not_found(store_url: str) -> None:
    with Sandbox(store=store_url) as sb:
        sb.secrets.create("s", "v")
        for bad in ("sec_" + "0" * 24, "", "x" * 1000, 42):
            with pytest.raises(NotFoundError, match="does not exist"):
                sb.secrets.delete(bad)  # type: ignore[arg-type]
        assert 1 == len(sb.secrets.list())


def test_sqlite_zeroes_the_sealed_value_it_deletes(tmp_path: Path) -> None:
    # SQLite only: PostgreSQL leaves a dead row to VACUUM (docs/tools.md says so).
    path = tmp_path / "store.sqlite3"
    db = open_database(path)
    try:
        # Debian's SQLite zeroes deleted rows by default, other builds (python.org's, say) do
        # not: start from "off" so the test sees what `delete` itself does.
        with db.read() as conn:
            conn.execute("PRAGMA secure_delete = OFF")
        store = SecretStore(SqliteSecretBackend(db))
        secret = store.create("token", VALUE)
        with db.read() as conn:
            (sealed,) = conn.execute(
                "SELECT value FROM secrets WHERE id = ?", (secret.id,)
            ).fetchone()
            assert conn.execute("PRAGMA secure_delete").fetchone() == (0,)
        store.delete(secret.id)
        with db.read() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    on_disk = b"".join(p.read_bytes() for p in path.parent.iterdir() if p.is_file())
    assert sealed.encode() not in on_disk
    assert secret.id.encode() not in on_disk
