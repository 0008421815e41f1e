"""The execution record: one per run, in the Sandbox's store, with the request and the response
as returned; nothing with `store=None`."""

from __future__ import annotations

from pathlib import Path

from embedsandbox.models import ExecuteRequest, ScriptExecutionDetails
from embedsandbox.testing import FakeEngine, RawOutcome

from .conftest import MakeSandbox, new_sandbox


def test_a_script_run_is_recorded_as_returned(make_sandbox: MakeSandbox, tmp_path: Path) -> None:
    engine = FakeEngine(outcome=RawOutcome(3, "out\n", "err\n", fuel_used=42))
    sb = make_sandbox(engines={"python": engine})
    r = sb.run_script(language="python", code="print(1)", args=["a"], env={"K": "v"})
    record = sb.executions.get(r.id)
    assert (r.id, "python", 3, r.duration, r.started_at) == (
        record.id,
        record.language,
        record.exit_code,
        record.duration,
        record.started_at,
    )
    expected = ScriptExecutionDetails(
        request=ExecuteRequest(language="python", code="print(1)", args=["a"], env={"K": "v"}),
        response=r,
    )
    assert expected == record.details
    sb.close()
    # The store is a file: a new Sandbox on it still has the record.
    with new_sandbox(tmp_path, engines={"python": FakeEngine()}) as again:
        assert [r.id] == [e.id for e in again.executions.list()]


def test_newest_first_and_failures_only(make_sandbox: MakeSandbox) -> None:
    exit_codes = iter([0, 1, 0, 2])
    engine = FakeEngine(lambda invocation: RawOutcome(next(exit_codes), "", ""))
    sb = make_sandbox(engines={"javascript": engine})
    ids = [sb.run_script(language="javascript", code=str(i)).id for i in range(4)]
    assert ids[::-1] == [e.id for e in sb.executions.list()]
    assert [ids[3], ids[1]] == [e.id for e in sb.executions.list(only_non_zero_exit_codes=True)]


def test_no_history_without_a_store(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(store=None, engines={"python": FakeEngine()})
    sb.run_script(language="python", code="")
    assert [] == list(sb.executions.list())
