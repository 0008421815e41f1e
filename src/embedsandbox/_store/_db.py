"""`Database`: the one interface every repository of the store is written against.

Two backends implement it: `SqliteDatabase` (`_sqlite`, the embedded default: one file, nothing
to start) and `PostgresDatabase` (`_postgres`, for many servers on one database). A repository
asks for a `Connection` with `read()` (reads and single-statement writes, each its own
transaction) or `transaction()` (one write transaction), and writes its SQL once, in the
dialect both share, with `?` placeholders. The few differences are named here:

- `Connection.for_update`: appended to a SELECT whose rows the transaction then writes. Empty
  on SQLite, where `transaction()` is `BEGIN IMMEDIATE` and so holds the one write lock from
  the start; ` FOR UPDATE` on PostgreSQL, where two servers may run the same read-then-write
  at once (a tool's update, a runtime's pool sizes) and the second must wait for the first.
- `Connection.dialect`: "sqlite" or "postgresql", for the statements only one of them has
  (SQLite's `PRAGMA` and `VACUUM`).

`open_database` picks the backend from what `Sandbox(store=...)` was given (`_location`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from .._paths import store_path
from ..errors import ConfigurationError, NotFoundError
from ._location import MEMORY, PostgresLocation, SqliteLocation, StoreLocation, parse_store

__all__ = [
    "MEMORY",
    "Connection",
    "Cursor",
    "Database",
    "cursor_seq",
    "default_store_path",
    "open_database",
]


class Cursor(Protocol):
    """What a statement returns (the part of DB-API cursors both drivers share)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection:
    """One connection of a store, for the length of a `read()` or `transaction()` block."""

    __slots__ = ("_execute", "_translate", "dialect", "for_update")

    def __init__(
        self,
        execute: Callable[[str, Sequence[Any]], Cursor],
        dialect: str,
        *,
        for_update: str = "",
        translate: Callable[[str], str] | None = None,
    ) -> None:
        self._execute = execute
        self._translate = translate
        self.dialect = dialect
        """ "sqlite" or "postgresql"."""
        self.for_update = for_update
        """The clause that locks the rows a SELECT reads until the transaction ends."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement; `?` marks each parameter."""
        if self._translate is not None:
            sql = self._translate(sql)
        return self._execute(sql, params)


class Database:
    """A store's connections: migrated when opened, thread-safe, with clear errors.

    Raises (every method): `SandboxClosedError` once closed, `StoreError` when a query fails;
    messages name the store (`path`) and never a password or a value.
    """

    path: str
    """How messages name the store: its file path, `":memory:"`, or its URL without password."""
    key_folder: Path | None
    """Where the store's host key file (`secret.key`) lives; None: an in-memory key."""
    in_memory: bool = False
    """Whether this store lives in memory only."""

    def read(self) -> contextlib.AbstractContextManager[Connection]:
        """A connection for the `with` block (reads and single-statement writes)."""
        raise NotImplementedError

    def transaction(self) -> contextlib.AbstractContextManager[Connection]:
        """A connection inside one write transaction, rolled back if the block raises."""
        raise NotImplementedError

    def relaxed(self) -> contextlib.AbstractContextManager[Connection]:
        """A connection for writes a crash may lose, never half-write: the history's INSERT.

        It is `read()` on SQLite, whose `synchronous=NORMAL` already makes that promise for
        every write. On PostgreSQL it is a connection whose session has `synchronous_commit`
        off (each statement commits on its own, as in `read()`): it commits without waiting
        for the WAL's fsync (about 2 ms of a 2.5 ms INSERT on a
        plain disk), and a crash of the database server may drop the last such commits (at
        most 3 x `wal_writer_delay`, 0.6 s by default), as SQLite may on power loss.
        """
        return self.read()

    def close(self) -> None:
        """Close the connections; committed writes are kept. Idempotent."""
        raise NotImplementedError


def cursor_seq(conn: Connection, table: str, item_id: str, noun: str) -> int:
    """The `seq` of the row whose id a page's `starting_after` names.

    Raises:
        NotFoundError: no row of `table` has that id.

    """
    found = conn.execute(f"SELECT seq FROM {table} WHERE id = ?", (item_id,)).fetchone()  # noqa: S608 - table names are ours
    if found is None:
        msg = f"starting_after {item_id!r} names no {noun}"
        raise NotFoundError(msg)
    return int(found[0])


def default_store_path() -> Path:
    """`$EMBEDSANDBOX_HOME/store.sqlite3`, else `store.sqlite3` in the user data directory."""
    return store_path()


def open_database(store: str | Path | StoreLocation, *, legacy_keys: bool = False) -> Database:
    """The store `store` names (see `_location.parse_store`), opened and migrated.

    `legacy_keys`: adopt a keys file written before keys had migrations (SQLite only).

    Raises:
        ConfigurationError: `store` is not a path or a URL of an accepted kind, or names
            PostgreSQL without the `postgres` extra installed.
        StoreError: the store cannot be opened, is not an embedsandbox store, or is newer.

    """
    location = store if isinstance(store, SqliteLocation | PostgresLocation) else parse_store(store)
    if isinstance(location, PostgresLocation):
        try:  # psycopg is an extra: imported only when a URL names PostgreSQL
            from ._postgres import PostgresDatabase
        except ImportError as exc:
            msg = (
                f"store {location.shown!r} is a PostgreSQL URL, which needs psycopg 3 and its "
                f"pool ({exc.name} is missing): pip install 'embedsandbox[postgres]'"
            )
            raise ConfigurationError(msg) from None
        return PostgresDatabase(location)
    from ._sqlite import SqliteDatabase

    return SqliteDatabase(location.path, legacy_keys=legacy_keys)
