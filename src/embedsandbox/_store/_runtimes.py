"""`RuntimeRepository`: runtimes and their revisions in the store (migrations 2 to 4).

A revision's inputs (manifest, additional imports, interpreter) are fixed when it is
inserted; its build only ever moves `status` forward and fills `packages`, `build_log`,
`message` and `artifact`. A runtime's warm-pool sizes (migration 4) are its only fields that
change after it is created.

A build is claimed by the one process that moves its revision from pending to building (a
conditional UPDATE, atomic on both backends); any other server sees its status and never
builds it too. The artifact folder's path is stored as is: a run on another machine needs the
same folder there (a shared filesystem mounted at the same path, `runtimes_dir`).
"""

from __future__ import annotations

import json
import os
import secrets as _random
import socket
from datetime import UTC, datetime
from typing import Any

from .._validation import check_cached_instances
from ..errors import ConflictError, NotFoundError
from ..models import (
    ManifestFile,
    Runtime,
    RuntimeLanguage,
    RuntimeList,
    RuntimePackage,
    RuntimeRevision,
    RuntimeStatus,
)
from ._db import Connection, Database, cursor_seq

__all__ = ["RuntimeRepository"]

_COLUMNS = (
    "id, runtime_id, manifest_name, manifest_contents, additional_python_imports, "
    "interpreter_version, status, message, packages, build_log, created_at, updated_at"
)


def this_process() -> str:
    """The builder name of this process: `host:pid:start time`."""
    import psutil  # type: ignore[import-untyped]

    return f"{socket.gethostname()}:{os.getpid()}:{psutil.Process().create_time():.3f}"


def _alive(builder: str) -> bool:
    """Whether a builder process may still be running (another host's always may)."""
    import psutil

    parts = builder.rsplit(":", 2)
    if len(parts) != 3:
        return False  # no builder recorded: nobody will finish it
    host, pid, started = parts
    if host != socket.gethostname():
        return True
    try:
        return f"{psutil.Process(int(pid)).create_time():.3f}" == started
    except (ValueError, psutil.Error):
        return False


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _revision(row: tuple[Any, ...]) -> RuntimeRevision:
    packages = [RuntimePackage.model_validate(p) for p in json.loads(row[8])]
    return RuntimeRevision(
        id=row[0],
        runtime_id=row[1],
        manifest_file=ManifestFile(name=row[2], contents=row[3]),
        additional_python_imports=row[4],
        interpreter_version=row[5],
        status=RuntimeStatus(row[6]),
        message=row[7],
        packages=packages,
        build_log=row[9],
        created_at=datetime.fromisoformat(row[10]),
        updated_at=datetime.fromisoformat(row[11]),
    )


_RUNTIME_COLUMNS = "id, name, language, created_at, min_cached_instances, max_cached_instances"


class RuntimeRepository:
    """The runtimes and runtime_revisions tables of one store."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def create(
        self,
        name: str,
        language: RuntimeLanguage,
        manifest: ManifestFile,
        imports: str | None,
        interpreter: str,
        min_cached_instances: int | None = None,
        max_cached_instances: int | None = None,
    ) -> tuple[str, str]:
        """Insert a runtime and its first (pending) revision; return both ids."""
        runtime_id = f"rt_{_random.token_hex(12)}"
        now = _now()
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO runtimes (id, name, language, created_at, min_cached_instances, "
                "max_cached_instances) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    runtime_id,
                    name,
                    language.value,
                    now,
                    min_cached_instances,
                    max_cached_instances,
                ),
            )
            revision_id = self._insert(conn, runtime_id, manifest, imports, interpreter, now)
        return runtime_id, revision_id

    def add_revision(
        self, runtime_id: str, manifest: ManifestFile, imports: str | None, interpreter: str
    ) -> str:
        """Insert a pending revision of an existing runtime; return its id."""
        with self._db.transaction() as conn:
            self._language(conn, runtime_id)
            return self._insert(conn, runtime_id, manifest, imports, interpreter, _now())

    @staticmethod
    def _insert(
        conn: Connection,
        runtime_id: str,
        manifest: ManifestFile,
        imports: str | None,
        interpreter: str,
        now: str,
    ) -> str:
        revision_id = f"rtrev_{_random.token_hex(12)}"
        conn.execute(
            "INSERT INTO runtime_revisions (id, runtime_id, manifest_name, manifest_contents, "
            "additional_python_imports, interpreter_version, status, created_at, updated_at, "
            "builder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                revision_id,
                runtime_id,
                manifest.name,
                manifest.contents,
                imports,
                interpreter,
                RuntimeStatus.PENDING.value,
                now,
                now,
                this_process(),
            ),
        )
        return revision_id

    @staticmethod
    def _language(conn: Connection, runtime_id: str, *, lock: bool = False) -> RuntimeLanguage:
        lock_clause = conn.for_update if lock else ""
        query = f"SELECT language FROM runtimes WHERE id = ?{lock_clause}"  # noqa: S608 - constant
        found = conn.execute(query, (runtime_id,)).fetchone()
        if found is None:
            msg = f"runtime {runtime_id!r} does not exist"
            raise NotFoundError(msg)
        return RuntimeLanguage(found[0])

    def language(self, runtime_id: str) -> RuntimeLanguage:
        """The runtime's language. Raises `NotFoundError` for an unknown id."""
        with self._db.read() as conn:
            return self._language(conn, runtime_id)

    def update(
        self,
        revision_id: str,
        status: RuntimeStatus,
        *,
        only_from: tuple[RuntimeStatus, ...] | None = None,
        message: str | None = None,
        packages: list[RuntimePackage] | None = None,
        build_log: str | None = None,
        artifact: str | None = None,
    ) -> bool:
        """Move a revision to `status` (if it is in one of `only_from`); True if it moved."""
        sets = ["status = ?", "updated_at = ?"]
        values: list[Any] = [status.value, _now()]
        for column, value in (
            ("message", message),
            (
                "packages",
                None if packages is None else json.dumps([p.model_dump() for p in packages]),
            ),
            ("build_log", build_log),
            ("artifact", artifact),
        ):
            if value is not None:
                sets.append(f"{column} = ?")
                values.append(value)
        where = "id = ?"
        values.append(revision_id)
        if only_from is not None:
            where += f" AND status IN ({', '.join('?' for _ in only_from)})"
            values.extend(s.value for s in only_from)
        with self._db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE runtime_revisions SET {', '.join(sets)} WHERE {where}",  # noqa: S608 - constant columns
                values,
            )
            return cursor.rowcount > 0

    def revision(self, runtime_id: str | None, revision_id: str) -> RuntimeRevision:
        """One revision (of `runtime_id`, when given). Raises `NotFoundError`."""
        with self._db.read() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM runtime_revisions WHERE id = ?",  # noqa: S608 - constant columns
                (revision_id,),
            ).fetchone()
            if runtime_id is not None:
                self._language(conn, runtime_id)
        if row is None or (runtime_id is not None and row[1] != runtime_id):
            where = f" of runtime {runtime_id!r}" if runtime_id is not None else ""
            msg = f"runtime revision {revision_id!r}{where} does not exist"
            raise NotFoundError(msg)
        return _revision(row)

    def artifact(self, revision_id: str) -> str | None:
        """The artifact directory of a succeeded revision."""
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT artifact FROM runtime_revisions WHERE id = ?", (revision_id,)
            ).fetchone()
        return None if row is None else row[0]

    def revisions(self, runtime_id: str) -> list[RuntimeRevision]:
        """Every revision of a runtime, oldest first. Raises `NotFoundError`."""
        with self._db.read() as conn:
            self._language(conn, runtime_id)
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM runtime_revisions "  # noqa: S608 - constant columns
                "WHERE runtime_id = ? ORDER BY seq",
                (runtime_id,),
            ).fetchall()
        return [_revision(row) for row in rows]

    def orphaned(self) -> list[str]:
        """Ids of revisions left pending or building by a process of this host that ended."""
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT id, builder FROM runtime_revisions WHERE status IN (?, ?)",
                (RuntimeStatus.PENDING.value, RuntimeStatus.BUILDING.value),
            ).fetchall()
        return [row[0] for row in rows if not _alive(row[1])]

    def set_cached_instances(self, runtime_id: str, changes: dict[str, int | None]) -> None:
        """Change a runtime's warm-pool sizes (`changes` names the columns to set).

        The merged pair is checked in the same transaction, so two concurrent updates cannot
        leave min above max.

        Raises:
            NotFoundError: no runtime has this id.
            RequestValidationError: the merged sizes have min above max.

        """
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT min_cached_instances, max_cached_instances FROM runtimes "  # noqa: S608 - constant
                f"WHERE id = ?{conn.for_update}",
                (runtime_id,),
            ).fetchone()
            if row is None:
                msg = f"runtime {runtime_id!r} does not exist"
                raise NotFoundError(msg)
            merged = {"min_cached_instances": row[0], "max_cached_instances": row[1], **changes}
            minimum, maximum = check_cached_instances(
                merged["min_cached_instances"], merged["max_cached_instances"]
            )
            conn.execute(
                "UPDATE runtimes SET min_cached_instances = ?, max_cached_instances = ? "
                "WHERE id = ?",
                (minimum, maximum, runtime_id),
            )

    def _runtime(self, conn: Connection, row: tuple[Any, ...]) -> Runtime:
        runtime_id, name, language, created_at, min_cached, max_cached = row
        newest = conn.execute(
            f"SELECT {_COLUMNS} FROM runtime_revisions "  # noqa: S608 - constant columns
            "WHERE runtime_id = ? ORDER BY seq DESC LIMIT 1",
            (runtime_id,),
        ).fetchone()
        revision = _revision(newest)
        return Runtime(
            id=runtime_id,
            name=name,
            language=RuntimeLanguage(language),
            revision_id=revision.id,
            status=revision.status,
            manifest_file=revision.manifest_file,
            additional_python_imports=revision.additional_python_imports,
            created_at=datetime.fromisoformat(created_at),
            min_cached_instances=min_cached,
            max_cached_instances=max_cached,
        )

    def get(self, runtime_id: str) -> Runtime:
        """A runtime with its newest revision's status. Raises `NotFoundError`."""
        with self._db.read() as conn:
            row = conn.execute(
                f"SELECT {_RUNTIME_COLUMNS} FROM runtimes WHERE id = ?",  # noqa: S608 - constant columns
                (runtime_id,),
            ).fetchone()
            if row is None:
                msg = f"runtime {runtime_id!r} does not exist"
                raise NotFoundError(msg)
            return self._runtime(conn, tuple(row))

    def page(self, limit: int, starting_after: str | None) -> RuntimeList:
        """Up to `limit` runtimes, oldest first, after `starting_after`."""
        with self._db.read() as conn:
            after = 0
            if starting_after is not None:
                after = cursor_seq(conn, "runtimes", starting_after, "runtime")
            rows = conn.execute(
                f"SELECT {_RUNTIME_COLUMNS} FROM runtimes "  # noqa: S608 - constant columns
                "WHERE seq > ? ORDER BY seq LIMIT ?",
                (after, limit),
            ).fetchall()
            return RuntimeList(runtimes=[self._runtime(conn, tuple(row)) for row in rows])

    def delete(self, runtime_id: str) -> list[str]:
        """Delete a runtime and its revisions; return the revision ids it had.

        Raises:
            NotFoundError: no runtime has this id.
            ConflictError: a tool revision pins one of its revisions.

        """
        with self._db.transaction() as conn:
            self._language(conn, runtime_id, lock=True)
            pinned = conn.execute(
                "SELECT DISTINCT t.tool_id FROM tool_revisions t JOIN runtime_revisions r "
                "ON r.id = t.runtime_revision_id WHERE r.runtime_id = ? ORDER BY t.tool_id",
                (runtime_id,),
            ).fetchall()
            if pinned:
                tools = ", ".join(row[0] for row in pinned)
                msg = (
                    f"runtime {runtime_id!r} cannot be deleted: tool revisions pin its revisions "
                    f"(tools: {tools}); point those tools at another runtime revision or delete "
                    "them first"
                )
                raise ConflictError(msg)
            rows = conn.execute(
                "SELECT id FROM runtime_revisions WHERE runtime_id = ?", (runtime_id,)
            ).fetchall()
            conn.execute("DELETE FROM runtime_revisions WHERE runtime_id = ?", (runtime_id,))
            conn.execute("DELETE FROM runtimes WHERE id = ?", (runtime_id,))
        return [row[0] for row in rows]
