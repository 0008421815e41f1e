"""The execution history with real guests: records of each kind, pagination, filters,
secrets never stored, concurrency, and a process killed mid-run. The tests taking `sb` run on
SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from embedsandbox import Execution, Sandbox
from embedsandbox._store import is_postgres
from embedsandbox.models import (
    FunctionExecutionDetails,
    ScriptExecutionDetails,
    ToolExecutionDetails,
)

pytestmark = pytest.mark.guest

SECRET = "sk-live-9f8e7d6c5b4a39281706"
LITERAL = "literal-token-5a4b3c2d1e0f"


@pytest.fixture
def sb(store_url: str) -> Iterator[Sandbox]:
    with Sandbox(store=store_url) as sandbox:
        yield sandbox


def test_every_kind_of_run_is_recorded(sb: Sandbox) -> None:
    script = sb.run_script(language="javascript", code="console.log('hi')", args=["a"])
    function = sb.run_function(language="python", code="def execute(i): return i", input=[1])
    tool = sb.tools.create(name="t", code="function execute(i) { return i }", language="javascript")
    ran = sb.run_tool(tool.id, input={"x": 1})

    record = sb.executions.get(script.id)
    assert isinstance(record.details, ScriptExecutionDetails)
    assert (script.id, "javascript", 0, script.duration) == (
        record.id,
        record.language,
        record.exit_code,
        record.duration,
    )
    assert script.started_at == record.started_at
    assert ["a"] == record.details.request.args
    assert script == record.details.response

    record = sb.executions.get(function.execution.id)
    assert isinstance(record.details, FunctionExecutionDetails)
    assert [1] == record.details.request.input
    assert function == record.details.response

    record = sb.executions.get(ran.execution.id)
    assert isinstance(record.details, ToolExecutionDetails)
    assert (tool.id, tool.revision_id) == (record.details.tool_id, record.details.revision_id)
    assert ran == record.details.response
    # The wire shape: details carry their type, and the record round-trips through JSON.
    wire = json.loads(record.model_dump_json())
    assert {
        "id",
        "language",
        "duration",
        "exit_code",
        "started_at",
        "details",
        "session_id",
    } == set(wire)
    assert "tool" == wire["details"]["type"]
    assert record == Execution.model_validate(wire)


def test_list_newest_first_with_pagination_and_filter(sb: Sandbox) -> None:
    ids = []
    for code in range(7):
        ids.append(sb.run_script(language="javascript", code=f"process.exit({code % 3})").id)
    newest_first = list(reversed(ids))

    page = sb.executions.list()
    assert newest_first == [e.id for e in page.data]
    assert {"data"} == set(page.model_dump())

    seen = []
    cursor = None
    while True:
        page = sb.executions.list(limit=3, starting_after=cursor)
        seen += [e.id for e in page]
        if len(page) < 3:
            break
        cursor = page.next_starting_after
    assert newest_first == seen

    failed = sb.executions.list(only_non_zero_exit_codes=True)
    assert [i for i, c in zip(ids, range(7), strict=True) if c % 3][::-1] == [e.id for e in failed]
    assert all(e.exit_code != 0 for e in failed)
    after = sb.executions.list(limit=2, starting_after=failed[0].id, only_non_zero_exit_codes=True)
    assert [e.id for e in failed.data[1:3]] == [e.id for e in after]


def _bytes_of_store(store: str) -> bytes:
    """Everything the store holds: the SQLite file and its WAL, or every row of every table."""
    if not is_postgres(store):
        return b"".join(
            Path(f"{store}{suffix}").read_bytes()
            for suffix in ("", "-wal")
            if Path(f"{store}{suffix}").exists()
        )
    import psycopg

    with psycopg.connect(store) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'embedsandbox'"
            )
        ]
        rows = [
            str(row[0])
            for table in tables
            for row in conn.execute(f"SELECT t::text FROM embedsandbox.{table} t")  # noqa: S608
        ]
    return "\n".join(rows).encode()


def _details(store: str) -> str:
    if not is_postgres(store):
        with sqlite3.connect(store) as conn:
            return " ".join(row[0] for row in conn.execute("SELECT details FROM executions"))
    import psycopg

    with psycopg.connect(store) as conn:
        rows = conn.execute("SELECT details FROM embedsandbox.executions").fetchall()
    return " ".join(row[0] for row in rows)


def test_secrets_are_never_stored_in_a_record(sb: Sandbox, store_url: str) -> None:
    """Threat: a secret (env or http auth) persisted in the execution history. Contained:
    records keep secret ids; inline credentials become `***`; output echoing a secret is
    redacted."""
    path = store_url
    secret = sb.secrets.create("api", SECRET)
    # The secrets table holds the value once (documented); count it before any run.
    before = _bytes_of_store(path).count(SECRET.encode())
    tool = sb.tools.create(
        name="leaky",
        code="function execute(i) { console.log(process.env.KEY); console.error(process.env.KEY);"
        " return {key: process.env.KEY, other: process.env.PLAIN} }",
        language="javascript",
    )
    auth_kinds = [
        {"bearer": {"secret_id": secret.id}},
        {"basic": {"user_id": "u", "secret_id": secret.id}},
        {"header": {"name": "X-Key", "secret_id": secret.id}},
        {"query": {"key": "k", "secret_id": secret.id}},
        {"bearer": {"token": LITERAL}},
        {"basic": {"user_id": "u", "password": LITERAL}},
        {"header": {"name": "X-Key", "value": LITERAL}},
        {"query": {"key": "k", "value": LITERAL}},
    ]
    http = {"allow": [{"host": f"h{i}.example", "auth": a} for i, a in enumerate(auth_kinds)]}
    result = sb.run_tool(
        tool.id,
        env=[{"name": "KEY", "secret_id": secret.id}, {"name": "PLAIN", "value": "visible"}],
        http=http,
    )
    assert "valid" == result.output_status, result.execution.stderr
    assert "visible" == result.output["other"]
    assert SECRET not in json.dumps(result.model_dump(mode="json"))
    sb.run_script(language="javascript", code="console.log(1)", http=http)
    sb.run_function(language="javascript", code="function execute(i) { return 1 }", http=http)

    details = _details(path)
    assert 3 == len(sb.executions.list().data)
    assert SECRET not in details and LITERAL not in details
    assert secret.id in details and "***" in details
    data = _bytes_of_store(path)
    assert LITERAL.encode() not in data
    assert before == data.count(SECRET.encode())
    record = sb.executions.get(result.execution.id)
    assert isinstance(record.details, ToolExecutionDetails)
    assert secret.id == record.details.request.env[0].secret_id
    assert record.details.request.env[0].value is None


def test_many_threads_lose_no_record(sb: Sandbox) -> None:
    ids: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            for i in range(10):
                r = sb.run_script(language="javascript", code=f"console.log({n * 100 + i})")
                with lock:
                    ids.append(r.id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [] == errors
    assert 80 == len(set(ids))
    stored = []
    cursor = None
    while True:
        page = sb.executions.list(starting_after=cursor)
        stored += [e.id for e in page]
        if len(page) < 100:
            break
        cursor = page.next_starting_after
    assert sorted(ids) == sorted(stored)


_CHILD = """
import sys, threading
from embedsandbox import Sandbox
sb = Sandbox(store=sys.argv[1])
sb.run_script(language="javascript", code="console.log('first')")
def churn():
    while True:
        sb.run_script(language="javascript", code="console.log('more')")
threading.Thread(target=churn, daemon=True).start()
print("ready", flush=True)
sb.run_script(language="javascript", code="while (true) {}", limits={"execution_timeout": 60})
"""


def test_a_killed_process_leaves_a_readable_store(tmp_path: Path) -> None:
    """A process SIGKILLed while one run is in a guest and another thread keeps writing
    records leaves a database that opens, passes its integrity check and keeps every record
    committed before the kill."""
    path = tmp_path / "store.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    assert b"ready" in child.stdout.readline()
    time.sleep(0.5)  # the churn thread commits records meanwhile
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    assert -signal.SIGKILL == child.returncode

    conn = sqlite3.connect(path)
    assert "ok" == conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    with Sandbox(store=path) as sb:
        every: list[Execution] = []
        cursor = None
        while True:
            page = sb.executions.list(starting_after=cursor)
            every += page.data
            if len(page) < 100:
                break
            cursor = page.next_starting_after
        assert len(every) >= 2
        assert "first\n" == every[-1].details.response.stdout  # type: ignore[union-attr]
        sb.run_script(language="javascript", code="1")  # and it is writable again
