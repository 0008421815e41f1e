"""API keys for `embedsandbox serve`, and where each project's store lives.

`KeyStore` keeps keys in `keys.sqlite3` in the data directory (`$EMBEDSANDBOX_HOME`, else the
user data folder: the folder of the default store), or, for a server on a PostgreSQL store, in
that database, where every server sees them. A key is shown once, when it is created;
only its SHA-256 is stored (a key holds 256 random bits, so a fast hash is enough). Each key
belongs to one project; the server gives every project its own store, so what one project
creates is invisible to the others. Used by the server (`server/`) and the `keys` commands.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets as _random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from . import _paths
from ._store import (
    KeyRepository,
    PostgresLocation,
    SqliteLocation,
    default_store_path,
    is_postgres,
    open_database,
    parse_store,
)
from .errors import ConfigurationError, NotFoundError

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


def project_store_path(project: str, store: str | os.PathLike[str] | None = None) -> str | Path:
    """The store of `project`, as `Sandbox(store=...)` takes it.

    The default project uses `store` (default: the default store, the one `Sandbox()` opens).
    Any other project: with a SQLite file, `projects/<project>/store.sqlite3` next to it; with
    a PostgreSQL URL, the same database, schema `<schema>_<project>`.

    Raises:
        ConfigurationError: `project` is not a valid name, or `store` not an accepted store.

    """
    check_project(project)
    if store is not None and is_postgres(store):
        location = parse_store(store)
        assert isinstance(location, PostgresLocation)  # noqa: S101 - is_postgres said so
        return location.url() if project == DEFAULT_PROJECT else location.for_project(project).url()
    base = Path(parse_store(store).shown) if store is not None else default_store_path()
    if project == DEFAULT_PROJECT:
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
        path: The keys file of a SQLite deployment; default `keys.sqlite3` in `data_dir()`.
            Created mode 0600; a keys file of an older embedsandbox is migrated in place.
        store: The server's store. A PostgreSQL URL keeps the keys in that database (the
            URL's schema, beside the default project's tables), so every server of the
            database sees the same keys; `path` is then unused. A file path or None: the
            keys stay in `path`.

    Raises:
        StoreError: the keys file or database cannot be opened or created.
        ConfigurationError: `store` is not a path or an accepted URL.

    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        store: str | os.PathLike[str] | None = None,
    ) -> None:
        location = parse_store(store) if store is not None else None  # a bad one raises here
        if isinstance(location, PostgresLocation):
            db = open_database(location)
        else:
            file = Path(path) if path is not None else data_dir() / "keys.sqlite3"
            db = open_database(SqliteLocation(str(file)), legacy_keys=True)
        self.path = db.path
        """The keys file, or the database's URL (without password)."""
        self._rows = KeyRepository(db)

    def close(self) -> None:
        """Close the file or the database's connections."""
        self._rows.db.close()

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
        self._rows.add(record.id, _digest(key), project, name, record.created_at)
        return record, key

    def list(self) -> list[ApiKey]:
        """Every key's record, oldest first, revoked ones included."""
        return [ApiKey(r[0], r[1], r[2], r[3], bool(r[4])) for r in self._rows.all()]

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key by id; requests with it are refused from now on (by every server).

        Raises:
            NotFoundError: no key has this id.

        """
        if not self._rows.revoke(key_id):
            msg = f"key {key_id!r} does not exist"
            raise NotFoundError(msg)
        return next(k for k in self.list() if k.id == key_id)

    def authenticate(self, key: str) -> str | None:
        """The project of a valid, unrevoked key, else None."""
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None
        digest = _digest(key)
        found = self._rows.project_of(digest)
        if found is None or not hmac.compare_digest(found[0], digest):
            return None
        return found[1]
