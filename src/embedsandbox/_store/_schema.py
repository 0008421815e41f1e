"""The store's schema, as numbered migrations, one set for both backends.

`MIGRATIONS[n]` takes a store from version n to n + 1. Migrations only ever add: a released
one is never edited, a change is a new entry. Each runs in one transaction with the version
bump, so a process killed mid-migration leaves the previous version intact. The version
applied is `PRAGMA user_version` on SQLite, the `embedsandbox_schema` table on PostgreSQL.

The statements are written in the SQL both backends share; the one difference of their DDL,
a table's auto-numbered `seq` key, is the token `{SEQ}`, which `render` turns into each
dialect's spelling. Rendered for SQLite, every released migration is byte for byte the
statement it was before PostgreSQL came.
"""

from __future__ import annotations

from typing import Final

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "render"]

APPLICATION_ID: Final = 0x45534258
"""`PRAGMA application_id` of an embedsandbox store ("ESBX"), to refuse other SQLite files."""

_V1: Final = (
    # Secret values live here (the file is created mode 0600); never in `executions`.
    """CREATE TABLE secrets (
        seq {SEQ},
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE tools (
        seq {SEQ},
        id TEXT NOT NULL UNIQUE,
        revision_id TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    # Immutable: rows are only ever inserted; `tools.revision_id` names the current one.
    """CREATE TABLE tool_revisions (
        seq {SEQ},
        id TEXT NOT NULL UNIQUE,
        tool_id TEXT NOT NULL REFERENCES tools (id),
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        code TEXT NOT NULL,
        language TEXT NOT NULL,
        input_schema TEXT,
        runtime_revision_id TEXT,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX tool_revisions_by_tool ON tool_revisions (tool_id, seq)",
    # `details` is the JSON of the Execution's details (request and response, redacted).
    """CREATE TABLE executions (
        seq {SEQ},
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL CHECK (type IN ('script', 'function', 'tool')),
        tool_id TEXT,
        language TEXT NOT NULL,
        exit_code INTEGER NOT NULL,
        duration INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        details TEXT NOT NULL
    )""",
    "CREATE INDEX executions_non_zero ON executions (seq) WHERE exit_code != 0",
)

_V2: Final = (
    # Custom runtimes. `runtimes` holds a runtime's name; its newest revision (highest seq)
    # gives its status and manifest.
    """CREATE TABLE runtimes (
        seq {SEQ},
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        language TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    # The inputs are fixed at insert; the build updates status, packages, log and timestamps.
    """CREATE TABLE runtime_revisions (
        seq {SEQ},
        id TEXT NOT NULL UNIQUE,
        runtime_id TEXT NOT NULL REFERENCES runtimes (id),
        manifest_name TEXT NOT NULL,
        manifest_contents TEXT NOT NULL,
        additional_python_imports TEXT,
        interpreter_version TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        packages TEXT NOT NULL DEFAULT '[]',
        build_log TEXT NOT NULL DEFAULT '',
        artifact TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX runtime_revisions_by_runtime ON runtime_revisions (runtime_id, seq)",
)

_V3: Final = (
    # The process that builds a revision (host, pid, start time), so a later process can tell
    # a build whose process died from one still running elsewhere.
    "ALTER TABLE runtime_revisions ADD COLUMN builder TEXT NOT NULL DEFAULT ''",
)

_V4: Final = (
    # A runtime's own warm-pool sizes; NULL takes the Sandbox's (so existing runtimes do).
    "ALTER TABLE runtimes ADD COLUMN min_cached_instances INTEGER",
    "ALTER TABLE runtimes ADD COLUMN max_cached_instances INTEGER",
)

_V5: Final = (
    # Secret values are encrypted at rest (AES-GCM, `_crypto.HostKey`): 1 marks a sealed
    # value. Rows written before are 0 (plaintext), and `SqliteSecretBackend` seals them when
    # it opens the store.
    "ALTER TABLE secrets ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0",
)

_V6: Final = (
    # Session calls (`type` 'session', with the session's id). SQLite cannot change a CHECK
    # constraint in place: the table is rebuilt, rows and `seq` kept as they were.
    """CREATE TABLE executions_v6 (
        seq {SEQ},
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL CHECK (type IN ('script', 'function', 'tool', 'session')),
        tool_id TEXT,
        language TEXT NOT NULL,
        exit_code INTEGER NOT NULL,
        duration INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        details TEXT NOT NULL,
        session_id TEXT
    )""",
    """INSERT INTO executions_v6 (seq, id, type, tool_id, language, exit_code, duration,
        started_at, details)
        SELECT seq, id, type, tool_id, language, exit_code, duration, started_at, details
        FROM executions""",
    "DROP TABLE executions",
    "ALTER TABLE executions_v6 RENAME TO executions",
    "CREATE INDEX executions_non_zero ON executions (seq) WHERE exit_code != 0",
    "CREATE INDEX executions_by_session ON executions (session_id, seq) "
    "WHERE session_id IS NOT NULL",
)

_V7: Final = (
    # The server's API keys (they were a table of their own file, made without migrations).
    # Only a key's SHA-256 is kept. On SQLite they stay in `keys.sqlite3`; on PostgreSQL in
    # the base schema, beside the default project's tables.
    """CREATE TABLE api_keys (
        seq {SEQ},
        id TEXT NOT NULL UNIQUE,
        digest TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
    )""",
)

MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7)
"""The statements of each migration, in order."""
SCHEMA_VERSION: Final = len(MIGRATIONS)
"""The schema version this embedsandbox writes."""

_SEQ: Final = {
    "sqlite": "INTEGER PRIMARY KEY",
    # A PostgreSQL store is new at migration 7: `executions_v6` is empty when migration 6 copies
    # rows with their `seq`, so its sequence never lags the rows.
    "postgresql": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
}


def render(statement: str, dialect: str) -> str:
    """`statement` in the SQL of `dialect` ("sqlite" or "postgresql")."""
    return statement.replace("{SEQ}", _SEQ[dialect])
