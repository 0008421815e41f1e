"""`PostgresDatabase`: the store in a PostgreSQL schema, shared by many servers.

Choices, each for a named failure:

- A pool of connections (psycopg_pool), at most `POOL_MAX` per store: threads of one process
  run their statements at once, instead of queueing on one connection as SQLite's do; and a
  second, of at most `RELAXED_POOL_MAX`, for the history's INSERTs (`relaxed()`).
- Connections are in autocommit: a `read()` statement is its own transaction, and
  `transaction()` is one `BEGIN` ... `COMMIT` (READ COMMITTED). A repository that reads rows it
  then writes locks them with `Connection.for_update` (` FOR UPDATE`), so two servers updating
  one tool queue on its row and neither loses the other's fields.
- Each store is one schema (`?schema=`, default `embedsandbox`; other projects
  `<schema>_<project>`), set as the `search_path` of every pooled connection, so the same SQL
  as SQLite's runs unchanged. Migrations run under a transaction-level advisory lock: servers
  starting together migrate once; PostgreSQL's DDL is transactional, so a server killed
  mid-migration leaves the previous version.
- A schema holding tables but no `embedsandbox_schema` belongs to someone else: refused, left
  untouched. A newer version is refused as on SQLite.
- Messages name the store by its URL with `***` for any password (`PostgresLocation.shown`);
  psycopg's own texts never carry the password, and are scrubbed of it all the same.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from .._paths import data_dir
from ..errors import SandboxClosedError, StoreError
from ._db import Connection, Database
from ._location import PostgresLocation
from ._schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, render

__all__ = ["CONNECT_TIMEOUT_S", "POOL_MAX", "PostgresDatabase"]

POOL_MAX: Final = 8
RELAXED_POOL_MAX: Final = 4  # the history's INSERTs (`relaxed()`), beside the POOL_MAX
"""The most connections one store (one project of one process) holds open."""
CONNECT_TIMEOUT_S: Final = 10
"""How long opening a connection may take (unless the URL sets `connect_timeout`)."""
WAIT_S: Final = 30.0
"""How long a statement waits for a free pooled connection before `StoreError`."""
_VERSION_TABLE: Final = "embedsandbox_schema"


@functools.lru_cache(maxsize=1024)
def _translate(statement: str) -> str:
    # Our statements hold no `?` or `%` inside literals: placeholders become psycopg's.
    return statement.replace("%", "%%").replace("?", "%s")


class PostgresDatabase(Database):
    """A store in one schema of a PostgreSQL database. Connects and migrates at once.

    Raises:
        StoreError: the server cannot be reached or refuses the login, the schema belongs to
            another program or has a newer version. The message names the URL (no password).

    """

    def __init__(self, location: PostgresLocation) -> None:
        self.location = location
        self.path = location.shown
        # No file beside the store: the key comes from $EMBEDSANDBOX_SECRET_KEY, else the data
        # folder's `secret.key`. Every server of one database needs the same key.
        self.key_folder = data_dir()
        self._secret = _password(location.conninfo)
        self._lock = threading.Lock()
        self._pool: ConnectionPool[Any] | None = None
        self._relaxed_pool: ConnectionPool[Any] | None = None
        kwargs: dict[str, Any] = {"autocommit": True}
        if "connect_timeout" not in location.conninfo:
            kwargs["connect_timeout"] = CONNECT_TIMEOUT_S
        with self._errors("cannot be opened"):
            # One plain connection first: a refused login or an unknown host is a clear
            # message here, where a pool would only report a timeout.
            with psycopg.connect(location.conninfo, **kwargs) as conn:
                self._migrate(conn)
            self._pool = self._open_pool("", POOL_MAX, kwargs)
            # `relaxed()`'s connections: synchronous_commit off for their whole session, so
            # the history's INSERT is one statement and one round trip (no BEGIN, SET LOCAL
            # and COMMIT around it: 0.5 ms of psycopg and server work a run).
            relaxed = {**kwargs, "options": "-c synchronous_commit=off"}
            try:
                self._relaxed_pool = self._open_pool(":relaxed", RELAXED_POOL_MAX, relaxed)
            except BaseException:
                self.close()
                raise

    def _open_pool(self, suffix: str, size: int, kwargs: dict[str, Any]) -> ConnectionPool[Any]:
        pool: ConnectionPool[Any] = ConnectionPool(
            self.location.conninfo,
            min_size=1,
            max_size=size,
            kwargs=kwargs,
            configure=self._configure,
            timeout=WAIT_S,
            num_workers=1,
            name=f"embedsandbox:{self.location.schema}{suffix}",
            open=False,
        )
        pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        return pool

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.location.schema)))

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        schema = self.location.schema
        if self._version(conn) == SCHEMA_VERSION:
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (APPLICATION_ID, schema))
            version = self._version(conn)
            if version == 0:
                conn.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
                )
            conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
            if version == 0:
                conn.execute(f"CREATE TABLE {_VERSION_TABLE} (version INTEGER NOT NULL)")
                conn.execute(f"INSERT INTO {_VERSION_TABLE} VALUES (0)")  # noqa: S608 - constant
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target - 1]:
                    conn.execute(render(statement, "postgresql"))
                conn.execute(f"UPDATE {_VERSION_TABLE} SET version = %s", (target,))  # noqa: S608 - constant

    def _version(self, conn: psycopg.Connection[Any]) -> int:
        schema = self.location.schema
        tables = {
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = %s", (schema,)
            )
        }
        if not tables:
            return 0
        if _VERSION_TABLE not in tables:
            msg = (
                f"store {self.path!r}: schema {schema!r} holds tables of another program, not "
                "an embedsandbox store; embedsandbox leaves it untouched: pass another "
                "?schema= or database"
            )
            raise StoreError(msg)
        query = sql.SQL("SELECT version FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(_VERSION_TABLE)
        )
        row = conn.execute(query).fetchone()
        version = int(row[0]) if row is not None else 0
        if version > SCHEMA_VERSION:
            msg = (
                f"store {self.path!r} has schema version {version}, written by a newer "
                f"embedsandbox (this one knows up to {SCHEMA_VERSION}); upgrade embedsandbox "
                "or pass another ?schema="
            )
            raise StoreError(msg)
        return version

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except (psycopg.Error, PoolTimeout) as exc:
            detail = str(exc).strip().replace("\n", " ")
            if self._secret:
                detail = detail.replace(self._secret, "***")
            msg = f"store {self.path!r} {doing}: {type(exc).__name__}: {detail}"
            raise StoreError(msg) from None

    @contextlib.contextmanager
    def _connection(self, relaxed: bool = False) -> Iterator[psycopg.Connection[Any]]:
        with self._lock:
            pool = self._relaxed_pool if relaxed else self._pool
        if pool is None:
            msg = "cannot use the store, the sandbox has been closed; create a new Sandbox"
            raise SandboxClosedError(msg)
        with self._errors("cannot be read or written"), pool.connection() as conn:
            yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A pooled connection for the `with` block; each statement commits on its own."""
        with self._connection() as conn:
            yield _wrap(conn)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A pooled connection inside `BEGIN` ... `COMMIT`; rolled back if the block raises."""
        with self._connection() as conn, conn.transaction():
            yield _wrap(conn)

    @contextlib.contextmanager
    def relaxed(self) -> Iterator[Connection]:
        """A connection whose commits do not wait for the WAL's fsync (see `Database`).

        From a pool of its own whose sessions run with `synchronous_commit` off; each
        statement commits on its own, as `read()`'s do (and as SQLite's `relaxed()` does), so
        the history's one INSERT is one round trip to the server.
        """
        with self._connection(relaxed=True) as conn:
            yield _wrap(conn)

    def close(self) -> None:
        """Close the pool's connections. Idempotent."""
        with self._lock:
            pools = (self._pool, self._relaxed_pool)
            self._pool = self._relaxed_pool = None
        for pool in pools:
            if pool is not None:
                pool.close(timeout=5)

    def __repr__(self) -> str:
        return f"PostgresDatabase({self.path!r})"


def _wrap(conn: psycopg.Connection[Any]) -> Connection:
    return Connection(conn.execute, "postgresql", for_update=" FOR UPDATE", translate=_translate)


def _password(conninfo: str) -> str:
    """The password a URL holds (to scrub it from messages), or ""."""
    parts = urlsplit(conninfo)
    for name, value in parse_qsl(parts.query):
        if name == "password":
            return value
    return unquote(parts.password or "")
