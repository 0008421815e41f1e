"""`SqliteSecretBackend`: the `SecretStore` backend of a Sandbox with a store.

Values are kept in the `secrets` table of the store's file (created mode 0600) so that tools
naming a `secret_id` keep working across processes. They are never copied into an execution
record; `SecretStore` gives them out only through `reveal()`.
"""

from __future__ import annotations

import builtins
from datetime import UTC, datetime

from .._secrets import Secret
from ._db import Database

__all__ = ["SqliteSecretBackend"]


class SqliteSecretBackend:
    """Secrets in the store's `secrets` table (a `SecretBackend`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, secret: Secret, value: str, /) -> None:
        """Keep `secret` and its value (one INSERT)."""
        with self._db.read() as conn:
            conn.execute(
                "INSERT INTO secrets (id, name, value, created_at) VALUES (?, ?, ?, ?)",
                (secret.id, secret.name, value, datetime.now(UTC).isoformat()),
            )

    def get(self, secret_id: str, /) -> tuple[Secret, str] | None:
        """The secret with this id and its value, or None."""
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT id, name, value FROM secrets WHERE id = ?", (secret_id,)
            ).fetchone()
        if row is None:
            return None
        return Secret(id=row[0], name=row[1]), str(row[2])

    def all(self) -> builtins.list[Secret]:
        """Every secret (no values), oldest first."""
        with self._db.read() as conn:
            rows = conn.execute("SELECT id, name FROM secrets ORDER BY seq").fetchall()
        return [Secret(id=row[0], name=row[1]) for row in rows]

    def __repr__(self) -> str:
        return f"SqliteSecretBackend({self._db.path!r})"
