"""The store: tools, revisions, secrets, runtimes, history and API keys, behind one interface.

`open_database` opens the store `Sandbox(store=...)` names (`_location`): a SQLite file or
`":memory:"` (`_sqlite`, the default), or a PostgreSQL schema (`_postgres`, the `postgres`
extra). Both implement `Database` (`_db`), migrated by the one set of migrations (`_schema`),
and the repositories here are written once against it: `ExecutionLog` (one INSERT per run),
`ToolRepository` (tools and immutable revisions), `RuntimeRepository` (runtimes and their
builds), `SqliteSecretBackend` (the `SecretStore` backend, on either database) and
`KeyRepository` (the server's API keys). Internal: the public surface is `Sandbox.tools`,
`Sandbox.runtimes`, `Sandbox.executions` and `Sandbox.secrets`.
"""

from ._db import MEMORY as MEMORY
from ._db import Connection as Connection
from ._db import Database as Database
from ._db import default_store_path as default_store_path
from ._db import open_database as open_database
from ._executions import ExecutionLog as ExecutionLog
from ._keys import KeyRepository as KeyRepository
from ._location import PostgresLocation as PostgresLocation
from ._location import SqliteLocation as SqliteLocation
from ._location import is_postgres as is_postgres
from ._location import parse_store as parse_store
from ._records import Executions as Executions
from ._records import function_record as function_record
from ._records import script_record as script_record
from ._records import session_record as session_record
from ._records import tool_record as tool_record
from ._runtimes import RuntimeRepository as RuntimeRepository
from ._schema import SCHEMA_VERSION as SCHEMA_VERSION
from ._secrets import SqliteSecretBackend as SqliteSecretBackend
from ._tools import ToolRepository as ToolRepository
from ._tools import ToolRevisionRow as ToolRevisionRow

__all__ = [
    "MEMORY",
    "SCHEMA_VERSION",
    "Connection",
    "Database",
    "ExecutionLog",
    "Executions",
    "KeyRepository",
    "PostgresLocation",
    "RuntimeRepository",
    "SqliteLocation",
    "SqliteSecretBackend",
    "ToolRepository",
    "ToolRevisionRow",
    "default_store_path",
    "function_record",
    "is_postgres",
    "open_database",
    "parse_store",
    "script_record",
    "session_record",
    "tool_record",
]
