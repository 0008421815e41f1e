"""`SqliteSecretBackend`: the `SecretStore` backend of a Sandbox with a store.

Values are kept in the `secrets` table of the store (a SQLite file is made mode 0600) so tools
naming a `secret_id` keep working across processes, encrypted with the host key
(`_crypto.HostKey`: AES-256-GCM, the secret's id as associated data). Rows a store written
before encryption holds in plaintext are encrypted when the store is opened. Values are never
copied into an execution record; `SecretStore` gives them out only through `reveal()`.

`delete` removes the row (one DELETE, the same SQL on both backends). On SQLite the row's
bytes are zeroed in its page (`secure_delete`); an older copy of the page may stay in the WAL
until its next checkpoint, and on PostgreSQL the dead row stays until the table is vacuumed:
either way only the sealed value, which needs the host key to open.
"""

from __future__ import annotations

import builtins
from datetime import UTC, datetime

from .._secrets import Secret
from ._crypto import HostKey
from ._db import Database

__all__ = ["SqliteSecretBackend"]


class SqliteSecretBackend:
    """Secrets in the store's `secrets` table (a `SecretBackend`).

    Raises:
        SecretKeyError: (on open) the host key is malformed or unreadable, or missing or
            wrong for the values the store already holds encrypted.

    """

    def __init__(self, db: Database) -> None:
        self._db = db
        with db.read() as conn:
            sealed = conn.execute(
                "SELECT id, value FROM secrets WHERE encrypted = 1 ORDER BY seq LIMIT 1"
            ).fetchone()
        self._key = HostKey.for_folder(db.key_folder, create=sealed is None)
        self.key = self._key
        """The store's host key (it seals saved sessions too)."""
        if sealed is not None:
            self._key.open(sealed[0], sealed[1])  # a wrong key fails here, not at a run
        self._encrypt_plaintext_rows()

    def _encrypt_plaintext_rows(self) -> None:
        """Seal the values written before encryption (one transaction; idempotent)."""
        with self._db.read() as conn:
            waiting = conn.execute("SELECT 1 FROM secrets WHERE encrypted = 0 LIMIT 1").fetchone()
        if waiting is None:
            return
        with self._db.transaction() as conn:
            rows = conn.execute("SELECT id, value FROM secrets WHERE encrypted = 0").fetchall()
            for secret_id, value in rows:
                conn.execute(
                    "UPDATE secrets SET value = ?, encrypted = 1 WHERE id = ? AND encrypted = 0",
                    (self._key.seal(secret_id, str(value)), secret_id),
                )
        # The plaintext may linger in free pages and the WAL: overwrite and checkpoint. (A
        # PostgreSQL store is newer than encryption: it never held a plaintext row.)
        with self._db.read() as conn:
            if conn.dialect != "sqlite":
                return
            conn.execute("PRAGMA secure_delete = ON")
            if not self._db.in_memory:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("VACUUM")

    def add(self, secret: Secret, value: str, /) -> None:
        """Keep `secret` and its value, encrypted (one INSERT)."""
        sealed = self._key.seal(secret.id, value)
        with self._db.read() as conn:
            conn.execute(
                "INSERT INTO secrets (id, name, value, created_at, encrypted)"
                " VALUES (?, ?, ?, ?, 1)",
                (secret.id, secret.name, sealed, datetime.now(UTC).isoformat()),
            )

    def get(self, secret_id: str, /) -> tuple[Secret, str] | None:
        """The secret with this id and its value, or None.

        Raises:
            SecretKeyError: the value does not decrypt with this store's key.

        """
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT id, name, value, encrypted FROM secrets WHERE id = ?", (secret_id,)
            ).fetchone()
        if row is None:
            return None
        value = self._key.open(row[0], str(row[2])) if row[3] else str(row[2])
        return Secret(id=row[0], name=row[1]), value

    def delete(self, secret_id: str, /) -> Secret | None:
        """Remove the secret with this id; the removed `Secret`, or None if there was none."""
        with self._db.transaction() as conn:
            row = conn.execute(
                f"SELECT id, name FROM secrets WHERE id = ?{conn.for_update}",  # noqa: S608 - constant
                (secret_id,),
            ).fetchone()
            if row is None:
                return None
            if conn.dialect == "sqlite":
                # Zero the deleted row's bytes in the page rather than leave them in free space.
                conn.execute("PRAGMA secure_delete = ON")
            conn.execute("DELETE FROM secrets WHERE id = ?", (secret_id,))
        return Secret(id=row[0], name=row[1])

    def all(self) -> builtins.list[Secret]:
        """Every secret (no values), oldest first."""
        with self._db.read() as conn:
            rows = conn.execute("SELECT id, name FROM secrets ORDER BY seq").fetchall()
        return [Secret(id=row[0], name=row[1]) for row in rows]

    def __repr__(self) -> str:
        return f"SqliteSecretBackend({self._db.path!r})"
