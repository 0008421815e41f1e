"""What `Sandbox(store=...)` names: a SQLite file, memory, or a PostgreSQL database.

Accepted, and nothing else (`ConfigurationError` names these):

- a path (`str` or `os.PathLike`): a SQLite file, as before;
- `":memory:"`: a SQLite store that ends with its `Sandbox`;
- `sqlite:///relative/path`, `sqlite:////absolute/path`, `sqlite:///:memory:`;
- `postgresql://...` or `postgres://...`: a libpq URL, plus one parameter of ours, `schema`
  (default `embedsandbox`): the PostgreSQL schema that holds the store's tables.

A password in a URL (`user:password@` or `?password=`) is kept only in `PostgresLocation`'s
`conninfo`, which no message, log line or `repr` shows: they use `shown`, with `***` instead.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ..errors import ConfigurationError

__all__ = [
    "DEFAULT_SCHEMA",
    "MEMORY",
    "PostgresLocation",
    "SqliteLocation",
    "StoreLocation",
    "is_postgres",
    "parse_store",
]

MEMORY: Final = ":memory:"
"""The path of a store that lives in memory and ends with its `Sandbox`."""
DEFAULT_SCHEMA: Final = "embedsandbox"
"""The PostgreSQL schema of a URL without `?schema=`."""
_MAX_IDENTIFIER: Final = 63  # PostgreSQL's NAMEDATALEN - 1
_SCHEMA = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,62}$")
_POSTGRES_SCHEMES: Final = ("postgresql", "postgres")
_ALLOWED: Final = (
    "a file path, ':memory:', 'sqlite:///<path>', or 'postgresql://[user[:password]@]host"
    "[:port]/database[?schema=<name>]' (also 'postgres://')"
)
_SECRET_PARAMS: Final = frozenset({"password", "sslpassword"})


@dataclass(frozen=True)
class SqliteLocation:
    """A SQLite store: a file path, or `":memory:"`."""

    path: str

    @property
    def shown(self) -> str:
        """How messages name it."""
        return self.path


@dataclass(frozen=True)
class PostgresLocation:
    """A PostgreSQL store: a database and the schema its tables live in."""

    conninfo: str = field(repr=False)
    """The libpq URL without `schema`, password included: only ever handed to psycopg."""
    shown: str
    """The URL as messages show it: any password is `***`."""
    schema: str
    """The schema of this store's tables."""

    def for_project(self, project: str) -> PostgresLocation:
        """The store of another project: the same database, schema `<schema>_<project>`.

        A name longer than PostgreSQL's 63 bytes ends in a hash of the project instead.
        """
        name = f"{self.schema}_{project}"
        if len(name.encode()) > _MAX_IDENTIFIER:
            digest = hashlib.sha256(project.encode()).hexdigest()[:24]
            name = f"{self.schema[: _MAX_IDENTIFIER - 26]}_p{digest}"
        return PostgresLocation(self.conninfo, _with_schema(self.shown, name), name)

    def url(self) -> str:
        """A URL `parse_store` reads back as this location (password included)."""
        return _with_schema(self.conninfo, self.schema)


StoreLocation = SqliteLocation | PostgresLocation


def is_postgres(store: object) -> bool:
    """Whether `store` is a PostgreSQL URL (a `str` starting `postgresql://` or `postgres://`)."""
    return isinstance(store, str) and store.split("://", 1)[0].lower() in _POSTGRES_SCHEMES


def parse_store(store: str | os.PathLike[str]) -> StoreLocation:
    """Where `store` points.

    Raises:
        ConfigurationError: `store` is a URL of another scheme, a malformed PostgreSQL URL, or
            not a string or path. The message never holds a password.

    """
    if isinstance(store, os.PathLike):
        return SqliteLocation(os.fspath(store))
    if not isinstance(store, str):
        msg = f"store must be {_ALLOWED}, or None; got a {type(store).__name__}"
        raise ConfigurationError(msg)
    if "://" not in store:
        if not store.strip():
            msg = f"store must be {_ALLOWED}; got an empty string"
            raise ConfigurationError(msg)
        return SqliteLocation(store)
    scheme, rest = store.split("://", 1)
    if scheme.lower() == "sqlite":
        if not rest.startswith("/") or rest == "/":
            msg = f"a sqlite URL is 'sqlite:///<path>', got {store!r}; store must be {_ALLOWED}"
            raise ConfigurationError(msg)
        return SqliteLocation(rest[1:])
    if scheme.lower() in _POSTGRES_SCHEMES:
        return _postgres(store)
    msg = f"store {_shown(store)!r} has an unknown scheme {scheme!r}; store must be {_ALLOWED}"
    raise ConfigurationError(msg)


def _postgres(store: str) -> PostgresLocation:
    shown = _shown(store)
    try:
        parts = urlsplit(store)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        msg = f"store {shown!r} is not a valid PostgreSQL URL ({exc}); store must be {_ALLOWED}"
        raise ConfigurationError(msg) from None
    params = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [value for name, value in params if name == "schema"]
    schema = schemas[-1] if schemas else DEFAULT_SCHEMA
    if not _SCHEMA.match(schema):
        msg = (
            f"store {shown!r}: schema {schema!r} must be 1 to 63 letters, digits, '_' or '-', "
            "starting with a letter or '_'"
        )
        raise ConfigurationError(msg)
    rest = [(name, value) for name, value in params if name != "schema"]
    conninfo = urlunsplit(parts._replace(query=urlencode(rest, quote_via=quote)))
    return PostgresLocation(conninfo, _with_schema(_shown(conninfo), schema), schema)


def _with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    params = [(n, v) for n, v in parse_qsl(parts.query, keep_blank_values=True) if n != "schema"]
    if schema != DEFAULT_SCHEMA:
        params.append(("schema", schema))
    return urlunsplit(parts._replace(query=urlencode(params, quote_via=quote, safe="*")))


def _shown(url: str) -> str:
    """`url` with its password (in the user part or a parameter) replaced by `***`."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, tail = rest.partition("/")
    if "@" in authority:
        user, _, host = authority.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        authority = f"{user}@{host}"
    path, question, query = tail.partition("?")
    if question:
        hidden = []
        for pair in query.split("&"):
            name, equals, _value = pair.partition("=")
            hidden.append(f"{name}=***" if equals and name.lower() in _SECRET_PARAMS else pair)
        query = "&".join(hidden)
    return f"{scheme}://{authority}{slash}{path}{question}{query}"
