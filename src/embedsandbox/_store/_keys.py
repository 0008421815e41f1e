"""`KeyRepository`: the server's API keys, the `api_keys` table (migration 7).

Only a key's SHA-256 digest is stored. `project_of` runs on every request, so a revocation
(one UPDATE) is refused by every server of a shared PostgreSQL store from its next request on.
"""

from __future__ import annotations

from typing import Any

from ._db import Database

__all__ = ["KeyRepository"]


class KeyRepository:
    """The api_keys table of one store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, key_id: str, digest: str, project: str, name: str, created_at: str) -> None:
        """Keep a new key (its digest, never the key)."""
        with self.db.read() as conn:
            conn.execute(
                "INSERT INTO api_keys (id, digest, project, name, created_at) VALUES (?,?,?,?,?)",
                (key_id, digest, project, name, created_at),
            )

    def all(self) -> list[tuple[Any, ...]]:
        """Every key's (id, project, name, created_at, revoked), oldest first."""
        with self.db.read() as conn:
            return [
                tuple(row)
                for row in conn.execute(
                    "SELECT id, project, name, created_at, revoked FROM api_keys ORDER BY seq"
                )
            ]

    def revoke(self, key_id: str) -> bool:
        """Mark a key revoked; False if no key has this id."""
        with self.db.read() as conn:
            done = conn.execute("UPDATE api_keys SET revoked = 1 WHERE id = ?", (key_id,))
            return done.rowcount > 0

    def project_of(self, digest: str) -> tuple[str, str] | None:
        """(digest, project) of the unrevoked key with this digest, or None."""
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT digest, project FROM api_keys WHERE digest = ? AND revoked = 0", (digest,)
            ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))
