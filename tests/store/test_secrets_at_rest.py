"""Secret values at rest: encrypted with the host key (AES-GCM), never plaintext on disk.

The key comes from `EMBEDSANDBOX_SECRET_KEY` (base64 of 32 bytes), else `secret.key` beside
the store (made 0600 on first use). No guest starts here.
"""

from __future__ import annotations

import base64
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from embedsandbox import Sandbox
from embedsandbox._store import open_database
from embedsandbox._store._crypto import KEY_ENV, KEY_FILE_NAME
from embedsandbox._store._schema import MIGRATIONS, render
from embedsandbox.errors import SecretKeyError, StoreError

VALUE = "sk-live-0123456789abcdef-unmistakable"


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


def test_the_files_never_hold_the_value(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with Sandbox(store=path) as sb:
        secret = sb.secrets.create("api", VALUE)
        assert VALUE not in _all_bytes(tmp_path).decode("latin-1")  # the WAL included
    assert VALUE.encode() not in _all_bytes(tmp_path)
    with Sandbox(store=path) as sb:
        assert VALUE == sb.secrets.reveal(secret.id)
    key_file = tmp_path / KEY_FILE_NAME
    assert 0o600 == stat.S_IMODE(key_file.stat().st_mode)
    assert 32 == len(base64.b64decode(key_file.read_text()))


def test_a_wrong_or_missing_key_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with Sandbox(store=path) as sb:
        sb.secrets.create("api", VALUE)
    key_file = tmp_path / KEY_FILE_NAME
    good = key_file.read_text()
    key_file.write_text(base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(SecretKeyError, match="cannot be decrypted") as caught:
        Sandbox(store=path)
    assert isinstance(caught.value, StoreError)
    assert good.strip() not in str(caught.value) and VALUE not in str(caught.value)
    key_file.unlink()
    with pytest.raises(SecretKeyError, match="missing"):
        Sandbox(store=path)
    assert not key_file.exists()  # no new key replaces the one the values need
    key_file.write_text(good)
    key_file.chmod(0o644)
    with pytest.raises(SecretKeyError, match="0600"):
        Sandbox(store=path)
    key_file.chmod(0o600)
    Sandbox(store=path).close()


def test_a_value_moved_to_another_row_does_not_decrypt(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with Sandbox(store=path) as sb:
        a = sb.secrets.create("a", VALUE)
        b = sb.secrets.create("b", "other")
    conn = sqlite3.connect(path)
    (sealed,) = conn.execute("SELECT value FROM secrets WHERE id = ?", (a.id,)).fetchone()
    conn.execute("UPDATE secrets SET value = ? WHERE id = ?", (sealed, b.id))
    conn.commit()
    conn.close()
    with Sandbox(store=path) as sb:
        assert VALUE == sb.secrets.reveal(a.id)
        with pytest.raises(SecretKeyError):
            sb.secrets.reveal(b.id)


def test_an_old_plaintext_store_is_encrypted_on_open(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1163084376")
    for statements in MIGRATIONS[:4]:
        for statement in statements:
            conn.execute(render(statement, "sqlite"))
    conn.execute("PRAGMA user_version = 4")
    conn.execute(
        "INSERT INTO secrets (id, name, value, created_at) VALUES (?, ?, ?, ?)",
        ("sec_old", "old", VALUE, "2026-01-01T00:00:00+00:00"),
    )
    conn.commit()
    conn.close()
    assert VALUE.encode() in path.read_bytes()
    with Sandbox(store=path) as sb:
        assert VALUE == sb.secrets.reveal("sec_old")
    assert VALUE.encode() not in _all_bytes(tmp_path)
    conn = sqlite3.connect(path)
    assert [(1,)] == conn.execute("SELECT encrypted FROM secrets").fetchall()
    conn.close()


def test_the_env_key_is_used_and_no_key_file_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite3"
    key = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv(KEY_ENV, key)
    with Sandbox(store=path) as sb:
        secret = sb.secrets.create("api", VALUE)
    assert not (tmp_path / KEY_FILE_NAME).exists()
    with Sandbox(store=path) as sb:
        assert VALUE == sb.secrets.reveal(secret.id)
    monkeypatch.setenv(KEY_ENV, base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(SecretKeyError, match=KEY_ENV) as caught:
        Sandbox(store=path)
    assert key not in str(caught.value)
    monkeypatch.setenv(KEY_ENV, "not-a-key")
    with pytest.raises(SecretKeyError, match="32 bytes"):
        Sandbox(store=path)


def test_memory_stores_use_an_ephemeral_key(tmp_path: Path) -> None:
    with Sandbox(store=None) as sb:
        secret = sb.secrets.create("api", VALUE)
        assert VALUE == sb.secrets.reveal(secret.id)
    db = open_database(":memory:")
    db.close()
    assert not list(tmp_path.iterdir())
