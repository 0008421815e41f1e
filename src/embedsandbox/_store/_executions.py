"""`ExecutionLog`: the execution history, one row per run, newest first.

Recording is one INSERT in its own short transaction (autocommit), done after the run: the
lock is held for that statement only, so concurrent runs never wait on each other's guests.
The caller hands in an `Execution` that is already redacted; nothing here sees a secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from ..errors import NotFoundError, StoreError
from ..models import MAX_PAGE_BYTES, Execution, ExecutionDetails, ExecutionList
from ._db import Database, cursor_seq

__all__ = ["ExecutionLog"]

_DETAILS: TypeAdapter[Any] = TypeAdapter(ExecutionDetails)
_COLUMNS = "id, language, duration, exit_code, started_at, details, session_id"


class ExecutionLog:
    """The executions table of one store."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, execution: Execution) -> None:
        """Record one finished run.

        Raises:
            StoreError: the write failed (disk full, corrupt file); the message names the file.

        """
        details = execution.details
        if details is None:  # pragma: no cover - the Sandbox always fills details
            msg = "an execution record needs its details"
            raise ValueError(msg)
        row = (
            execution.id,
            details.type,
            getattr(details, "tool_id", None),
            execution.language.value,
            execution.exit_code,
            execution.duration,
            execution.started_at.isoformat(),
            details.model_dump_json(),
            execution.session_id,
        )
        # `relaxed`: a crash of the database may drop the newest records, never the tools,
        # secrets or keys (which commit durably), and never leaves a half-written one.
        with self._db.relaxed() as conn:
            conn.execute(
                "INSERT INTO executions (id, type, tool_id, language, exit_code, duration, "
                "started_at, details, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def get(self, execution_id: str) -> Execution:
        """The execution with this id.

        Raises:
            NotFoundError: no execution has this id.

        """
        with self._db.read() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM executions WHERE id = ?",  # noqa: S608 - constant columns
                (execution_id,),
            ).fetchone()
        if row is None:
            msg = f"execution {execution_id!r} does not exist"
            raise NotFoundError(msg)
        return self._execution(row)

    def page(
        self, limit: int, starting_after: str | None, *, only_non_zero_exit_codes: bool
    ) -> ExecutionList:
        """Up to `limit` executions, newest first, after the one named by `starting_after`.

        Raises:
            NotFoundError: `starting_after` names no execution.

        """
        where, params = [], []
        with self._db.read() as conn:
            if starting_after is not None:
                where.append("seq < ?")
                params.append(cursor_seq(conn, "executions", starting_after, "execution"))
            if only_non_zero_exit_codes:
                where.append("exit_code != 0")
            clause = f"WHERE {' AND '.join(where)}" if where else ""
            cursor = conn.execute(
                f"SELECT {_COLUMNS} FROM executions {clause} ORDER BY seq DESC LIMIT ?",  # noqa: S608 - constant clauses
                (*params, limit),
            )
            # A page stops early once its records pass MAX_PAGE_BYTES (at least one row):
            # a page of huge records must not load hundreds of MiB at once.
            rows: list[tuple[Any, ...]] = []
            size = 0
            for row in cursor:
                size += len(row[5])
                if rows and size > MAX_PAGE_BYTES:
                    break
                rows.append(row)
        return ExecutionList(data=[self._execution(row) for row in rows])

    def count(self) -> int:
        """How many executions are recorded."""
        with self._db.read() as conn:
            return int(conn.execute("SELECT count(*) FROM executions").fetchone()[0])

    def _execution(self, row: tuple[Any, ...]) -> Execution:
        try:
            return Execution(
                id=row[0],
                language=row[1],
                duration=row[2],
                exit_code=row[3],
                started_at=datetime.fromisoformat(row[4]),
                details=_DETAILS.validate_json(row[5]),
                session_id=row[6],
            )
        except ValueError as exc:
            msg = (
                f"store {self._db.path!r} holds an execution record that cannot be read "
                f"({row[0]!r}): {exc.__class__.__name__}"
            )
            raise StoreError(msg) from None
