"""The store: one SQLite file (or `":memory:"`) of tools, revisions, secrets and history.

`Sandbox` opens one `Database` (`Sandbox(store=...)`) and hands it to the repositories here:
`ExecutionLog` (one INSERT per run), `ToolRepository` (tools and immutable revisions) and
`SqliteSecretBackend` (the `SecretStore` backend). Internal: the public surface is
`Sandbox.tools`, `Sandbox.executions` and `Sandbox.secrets`.
"""

from ._db import Database as Database
from ._db import default_store_path as default_store_path
from ._executions import ExecutionLog as ExecutionLog
from ._records import Executions as Executions
from ._records import function_record as function_record
from ._records import script_record as script_record
from ._records import session_record as session_record
from ._records import tool_record as tool_record
from ._schema import SCHEMA_VERSION as SCHEMA_VERSION
from ._secrets import SqliteSecretBackend as SqliteSecretBackend
from ._tools import ToolRepository as ToolRepository
from ._tools import ToolRevisionRow as ToolRevisionRow

__all__ = [
    "SCHEMA_VERSION",
    "Database",
    "ExecutionLog",
    "Executions",
    "SqliteSecretBackend",
    "ToolRepository",
    "ToolRevisionRow",
    "default_store_path",
    "function_record",
    "script_record",
    "session_record",
    "tool_record",
]
