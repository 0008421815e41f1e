"""`ToolRepository`: tools and their immutable revisions in the store.

A tool row holds its id and its current revision's id; every create and update inserts a
revision row and never changes an old one, so any revision stays runnable. Validation (names,
JSON Schema) happens before these calls, in `_tools`; an update's read-merge-insert runs in one
write transaction that locks the tool's row (`FOR UPDATE` on PostgreSQL), so two concurrent
updates, from one process or two servers, never lose each other's fields.
"""

from __future__ import annotations

import json
import secrets as _random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ..errors import NotFoundError
from ..models import FunctionLanguage, Tool, ToolList
from ._db import Connection, Database, cursor_seq

__all__ = ["ToolRepository", "ToolRevisionRow"]

_REVISION_COLUMNS = (
    "r.id, r.tool_id, r.name, r.description, r.code, r.language, r.input_schema, "
    "r.runtime_revision_id"
)


@dataclass(frozen=True)
class ToolRevisionRow:
    """The fields a revision fixes (everything of a `Tool` but its ids)."""

    name: str
    code: str
    language: FunctionLanguage
    description: str = ""
    input_schema: dict[str, Any] | bool | None = None
    runtime_revision_id: str | None = None


def new_tool_id() -> str:
    """A new tool id: `tool_` and 24 hex digits."""
    return f"tool_{_random.token_hex(12)}"


def new_revision_id() -> str:
    """A new tool revision id: `toolrev_` and 24 hex digits."""
    return f"toolrev_{_random.token_hex(12)}"


class ToolRepository:
    """The tools and tool_revisions tables of one store."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def create(self, row: ToolRevisionRow) -> Tool:
        """Insert a new tool with `row` as its first revision."""
        tool_id, revision_id = new_tool_id(), new_revision_id()
        now = datetime.now(UTC).isoformat()
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO tools (id, revision_id, created_at) VALUES (?, ?, ?)",
                (tool_id, revision_id, now),
            )
            self._insert_revision(conn, tool_id, revision_id, row, now)
        return _tool(tool_id, revision_id, row)

    def update(self, tool_id: str, changes: Mapping[str, Any]) -> Tool:
        """Make a new current revision: the current one with `changes` applied.

        Raises:
            NotFoundError: no tool has this id.

        """
        revision_id = new_revision_id()
        now = datetime.now(UTC).isoformat()
        with self._db.transaction() as conn:
            current = self._current(conn, tool_id)
            row = replace(current, **changes)
            self._insert_revision(conn, tool_id, revision_id, row, now)
            conn.execute("UPDATE tools SET revision_id = ? WHERE id = ?", (revision_id, tool_id))
        return _tool(tool_id, revision_id, row)

    def get(self, tool_id: str, revision_id: str | None = None) -> Tool:
        """The tool at its current revision, or at `revision_id` (which must be its own).

        Raises:
            NotFoundError: no tool has this id, or it has no such revision.

        """
        with self._db.read() as conn:
            if revision_id is None:
                found = conn.execute(
                    f"SELECT {_REVISION_COLUMNS} FROM tools t "  # noqa: S608 - constant columns
                    "JOIN tool_revisions r ON r.id = t.revision_id WHERE t.id = ?",
                    (tool_id,),
                ).fetchone()
            else:
                found = conn.execute(
                    f"SELECT {_REVISION_COLUMNS} FROM tool_revisions r "  # noqa: S608 - constant columns
                    "WHERE r.id = ? AND r.tool_id = ?",
                    (revision_id, tool_id),
                ).fetchone()
                if found is None and self._exists(conn, tool_id):
                    msg = f"tool {tool_id!r} has no revision {revision_id!r}"
                    raise NotFoundError(msg)
        if found is None:
            msg = f"tool {tool_id!r} does not exist"
            raise NotFoundError(msg)
        return _from_row(found)

    def revisions(self, tool_id: str) -> list[Tool]:
        """Every revision of the tool, oldest first.

        Raises:
            NotFoundError: no tool has this id.

        """
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {_REVISION_COLUMNS} FROM tool_revisions r "  # noqa: S608 - constant columns
                "WHERE r.tool_id = ? ORDER BY r.seq",
                (tool_id,),
            ).fetchall()
        if not rows:
            msg = f"tool {tool_id!r} does not exist"
            raise NotFoundError(msg)
        return [_from_row(row) for row in rows]

    def page(self, limit: int, starting_after: str | None) -> ToolList:
        """Up to `limit` tools (current revisions), oldest first, after `starting_after`.

        Raises:
            NotFoundError: `starting_after` names no tool.

        """
        with self._db.read() as conn:
            after = 0
            if starting_after is not None:
                after = cursor_seq(conn, "tools", starting_after, "tool")
            rows = conn.execute(
                f"SELECT {_REVISION_COLUMNS} FROM tools t "  # noqa: S608 - constant columns
                "JOIN tool_revisions r ON r.id = t.revision_id "
                "WHERE t.seq > ? ORDER BY t.seq LIMIT ?",
                (after, limit),
            ).fetchall()
        return ToolList(tools=[_from_row(row) for row in rows])

    @staticmethod
    def _exists(conn: Connection, tool_id: str) -> bool:
        return conn.execute("SELECT 1 FROM tools WHERE id = ?", (tool_id,)).fetchone() is not None

    @staticmethod
    def _current(conn: Connection, tool_id: str) -> ToolRevisionRow:
        # The tool's row alone is locked, then its revision read by a second statement: on
        # PostgreSQL a locked JOIN would recheck the old revision's row after waiting, and
        # each statement of a READ COMMITTED transaction sees what committed before it.
        locked = conn.execute(
            f"SELECT revision_id FROM tools WHERE id = ?{conn.for_update}",  # noqa: S608 - constant
            (tool_id,),
        ).fetchone()
        if locked is None:
            msg = f"tool {tool_id!r} does not exist"
            raise NotFoundError(msg)
        found = conn.execute(
            f"SELECT {_REVISION_COLUMNS} FROM tool_revisions r WHERE r.id = ?",  # noqa: S608 - constant columns
            (locked[0],),
        ).fetchone()
        tool = _from_row(found)
        return ToolRevisionRow(
            name=tool.name,
            code=tool.code,
            language=tool.language,
            description=tool.description,
            input_schema=tool.input_schema,
            runtime_revision_id=tool.runtime_revision_id,
        )

    @staticmethod
    def _insert_revision(
        conn: Connection, tool_id: str, revision_id: str, row: ToolRevisionRow, now: str
    ) -> None:
        schema = None if row.input_schema is None else json.dumps(row.input_schema)
        conn.execute(
            "INSERT INTO tool_revisions (id, tool_id, name, description, code, language, "
            "input_schema, runtime_revision_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                revision_id,
                tool_id,
                row.name,
                row.description,
                row.code,
                row.language.value,
                schema,
                row.runtime_revision_id,
                now,
            ),
        )


def _tool(tool_id: str, revision_id: str, row: ToolRevisionRow) -> Tool:
    return Tool(
        id=tool_id,
        name=row.name,
        description=row.description,
        code=row.code,
        language=row.language,
        input_schema=row.input_schema,
        revision_id=revision_id,
        runtime_revision_id=row.runtime_revision_id,
    )


def _from_row(row: tuple[Any, ...]) -> Tool:
    return Tool(
        id=row[1],
        revision_id=row[0],
        name=row[2],
        description=row[3],
        code=row[4],
        language=row[5],
        input_schema=None if row[6] is None else json.loads(row[6]),
        runtime_revision_id=row[7],
    )
