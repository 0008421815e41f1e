"""`SqliteDatabase`: the embedded store, one SQLite file (or `":memory:"`), nothing to start.

Durability and safety choices, each for a named failure:

- WAL journal, `synchronous=NORMAL`: a write is one short transaction; a process killed at any
  point leaves the last committed state readable (an OS crash or power loss may drop the last
  few commits, never corrupt the file).
- One connection per `SqliteDatabase`, used under a lock: many threads of one process write
  without losing a record. Other processes on the same file wait up to `BUSY_TIMEOUT_S`.
- A file that is not a database, is corrupt, belongs to another program or was written by a
  newer schema raises `StoreError` naming the path; it is never deleted or recreated.
- A new file is created mode 0600 in a folder created 0700: it holds secret values.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from ..errors import SandboxClosedError, StoreError
from ._db import MEMORY, Connection, Database
from ._schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, render

__all__ = ["BUSY_TIMEOUT_S", "SqliteDatabase"]

BUSY_TIMEOUT_S: Final = 30.0
"""How long a write waits for another process's lock on the same file."""

# A keys file written before keys had migrations: one table, no version. Its rows move into
# migration 7's `api_keys`, oldest first.
_LEGACY_KEYS: Final = (
    "ALTER TABLE api_keys RENAME TO api_keys_v0",
    "INSERT INTO api_keys (id, digest, project, name, created_at, revoked) "
    "SELECT id, digest, project, name, created_at, revoked FROM api_keys_v0 ORDER BY rowid",
    "DROP TABLE api_keys_v0",
)


class SqliteDatabase(Database):
    """The store's SQLite connection. Opens (or creates) and migrates the file at once.

    Args:
        path: A file path, or `":memory:"` for a store that ends with this object.
        legacy_keys: Adopt a keys file from before migration 7 (its one `api_keys` table).

    Raises:
        StoreError: the file cannot be created or opened, is not an embedsandbox store, is
            corrupt, or has a newer schema. The message names the path.

    """

    def __init__(self, path: str | os.PathLike[str], *, legacy_keys: bool = False) -> None:
        self.path = os.fspath(path)
        self.in_memory = self.path == MEMORY
        self.key_folder = None if self.in_memory else Path(self.path).parent
        self._legacy_keys = legacy_keys
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._wrapped: Connection | None = None
        with self._errors("cannot be opened"):
            self._conn = self._open()
            try:
                self._check_and_migrate(self._conn)
            except BaseException:
                self._conn.close()
                self._conn = None
                raise
            self._wrapped = Connection(self._conn.execute, "sqlite")

    def _open(self) -> sqlite3.Connection:
        if not self.in_memory:
            file = Path(self.path)
            if not file.exists():
                file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                # 0600 from the start (not chmod after): the file will hold secret values.
                with contextlib.suppress(FileExistsError):
                    os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            if not self.in_memory:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_and_migrate(self, conn: sqlite3.Connection) -> None:
        version, _ = self._version(conn)
        if version == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")  # another process may be migrating the same file
        try:
            version, legacy = self._version(conn)
            if legacy:
                conn.execute(_LEGACY_KEYS[0])
            if version == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target - 1]:
                    conn.execute(render(statement, "sqlite"))
                conn.execute(f"PRAGMA user_version = {target}")
            if legacy:
                for statement in _LEGACY_KEYS[1:]:
                    conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _version(self, conn: sqlite3.Connection) -> tuple[int, bool]:
        """The schema version, and whether this is a keys file to adopt (`legacy_keys`)."""
        application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        legacy = self._legacy_keys and application_id == 0 and version == 0
        legacy = legacy and tables == {"api_keys"}
        tables |= {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if application_id not in (0, APPLICATION_ID) or (version == 0 and tables and not legacy):
            msg = (
                f"store {self.path!r} is a SQLite database of another program, not an "
                "embedsandbox store; embedsandbox leaves it untouched: pass another "
                "Sandbox(store=...)"
            )
            raise StoreError(msg)
        if version > SCHEMA_VERSION:
            msg = (
                f"store {self.path!r} has schema version {version}, written by a newer "
                f"embedsandbox (this one knows up to {SCHEMA_VERSION}); upgrade embedsandbox "
                "or pass another Sandbox(store=...)"
            )
            raise StoreError(msg)
        return version, legacy

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except sqlite3.Error as exc:
            # The original exception is kept as __cause__ for debugging; the message names
            # the file and what to do, and never a value (queries are parameterised).
            msg = (
                f"store {self.path!r} {doing}: {exc}; embedsandbox never deletes or recreates "
                "a store: fix or move the file, or pass another Sandbox(store=...)"
            )
            raise StoreError(msg) from exc
        except OSError as exc:
            msg = f"store {self.path!r} {doing}: {exc}"
            raise StoreError(msg) from exc

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """The connection, held for the `with` block (reads and single-statement writes).

        Raises:
            SandboxClosedError: the store was closed with its Sandbox.
            StoreError: a query failed (corrupt file, disk full, I/O error).

        """
        with self._lock, self._errors("cannot be read or written"):
            if self._wrapped is None:
                msg = "cannot use the store, the sandbox has been closed; create a new Sandbox"
                raise SandboxClosedError(msg)
            yield self._wrapped

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """The connection inside one write transaction (`BEGIN IMMEDIATE` ... `COMMIT`).

        The transaction is rolled back if the block raises. Raises as `read()`.
        """
        with self.read() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection; committed writes are all in the file. Idempotent."""
        with self._lock:
            conn, self._conn, self._wrapped = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    def __repr__(self) -> str:
        return f"SqliteDatabase({self.path!r})"
