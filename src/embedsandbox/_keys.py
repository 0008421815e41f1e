"""API keys for `embedsandbox serve`, and where each project's store lives.

`KeyStore` keeps keys in `keys.sqlite3` in the data directory (`$EMBEDSANDBOX_HOME`, else the
user data folder: the folder of the default store). A key is shown once, when it is created;
only its SHA-256 is stored (a key holds 256 random bits, so a fast hash is enough). Each key
belongs to one project; the server gives every project its own store, so what one project
creates is invisible to the others. Used by the server (`server/`) and the `keys` commands.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets as _random
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from . import _paths
from ._store import default_store_path
from .errors import ConfigurationError, NotFoundError, StoreError

__all__ = [
    "DEFAULT_PROJECT",
    "ApiKey",
    "KeyStore",
    "data_dir",
    "project_store_path",
]

DEFAULT_PROJECT: Final = "default"
"""The project of keys created without `--project`; its store is the default store."""
KEY_PREFIX: Final = "esk_"
_PROJECT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def data_dir() -> Path:
    """`$EMBEDSANDBOX_HOME`, else the user data folder: where the default store and keys live."""
    return _paths.data_dir()


def check_project(project: str) -> str:
    """`project` if it is a valid project name (1 to 64 letters, digits, `_`, `-`)."""
    if not isinstance(project, str) or not _PROJECT.match(project):
        msg = f"project {project!r} must be 1 to 64 letters, digits, '_' or '-'"
        raise ConfigurationError(msg)
    return project


def project_store_path(project: str, store: str | os.PathLike[str] | None = None) -> Path:
    """The store file of `project`.

    The default project uses `store` (default: the default store, the one `Sandbox()` opens);
    any other project uses `projects/<project>/store.sqlite3` next to it.
    """
    base = Path(store) if store is not None else default_store_path()
    if check_project(project) == DEFAULT_PROJECT:
        return base
    return base.parent / "projects" / project / "store.sqlite3"


@dataclass(frozen=True)
class ApiKey:
    """A stored key's public facts (never the key itself)."""

    id: str
    project: str
    name: str
    created_at: str
    revoked: bool


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class KeyStore:
    """API keys by id, each bound to a project; thread-safe.

    Args:
        path: The keys file; default `keys.sqlite3` in `data_dir()`. Created mode 0600.

    Raises:
        StoreError: the file cannot be opened or created.

    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else data_dir() / "keys.sqlite3"
        self._lock = threading.Lock()
        try:
            if not self.path.exists():
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                with contextlib.suppress(FileExistsError):
                    os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            self._conn = sqlite3.connect(
                self.path, timeout=10, isolation_level=None, check_same_thread=False
            )
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, digest TEXT UNIQUE "
                "NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL, "
                "revoked INTEGER NOT NULL DEFAULT 0)"
            )
        except (OSError, sqlite3.Error) as exc:
            msg = f"the keys file {str(self.path)!r} cannot be used: {exc}"
            raise StoreError(msg) from None

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    def create(self, project: str = DEFAULT_PROJECT, name: str = "") -> tuple[ApiKey, str]:
        """Make a key for `project`; return its record and the key (shown only now)."""
        check_project(project)
        key = KEY_PREFIX + _random.token_urlsafe(32)
        record = ApiKey(
            id=f"key_{_random.token_hex(8)}",
            project=project,
            name=name,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            revoked=False,
        )
        with self._lock, self._errors():
            self._conn.execute(
                "INSERT INTO api_keys (id, digest, project, name, created_at) VALUES (?,?,?,?,?)",
                (record.id, _digest(key), project, name, record.created_at),
            )
        return record, key

    def list(self) -> list[ApiKey]:
        """Every key's record, oldest first, revoked ones included."""
        with self._lock, self._errors():
            rows = self._conn.execute(
                "SELECT id, project, name, created_at, revoked FROM api_keys ORDER BY rowid"
            ).fetchall()
        return [ApiKey(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key by id; requests with it are refused from now on.

        Raises:
            NotFoundError: no key has this id.

        """
        with self._lock, self._errors():
            done = self._conn.execute("UPDATE api_keys SET revoked = 1 WHERE id = ?", (key_id,))
        if done.rowcount == 0:
            msg = f"key {key_id!r} does not exist"
            raise NotFoundError(msg)
        return next(k for k in self.list() if k.id == key_id)

    def authenticate(self, key: str) -> str | None:
        """The project of a valid, unrevoked key, else None."""
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None
        digest = _digest(key)
        with self._lock, self._errors():
            row = self._conn.execute(
                "SELECT digest, project FROM api_keys WHERE digest = ? AND revoked = 0", (digest,)
            ).fetchone()
        if row is None or not hmac.compare_digest(row[0], digest):
            return None
        return str(row[1])

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            msg = f"the keys file {str(self.path)!r} cannot be used: {exc}"
            raise StoreError(msg) from None
