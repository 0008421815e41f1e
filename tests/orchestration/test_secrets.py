"""Secrets: what the gateway may inject never reaches the guest, and whatever the guest prints
of a secret is redacted from the result, the execution record and the store file."""

from __future__ import annotations

import json
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from embedsandbox import Sandbox
from embedsandbox.models import EnvVar, ToolExecutionDetails
from embedsandbox.testing import FakeEngine, Invocation, OutputStatus, RawOutcome

from .conftest import MakeSandbox, new_sandbox

TOKEN = "tok-5c1f0e9d8b7a6f4e3d2c"

# What a secret value may be: any Unicode text without NUL (the env's rule) or lone surrogates.
secret_values = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1)


def echo(invocation: Invocation) -> RawOutcome:
    """A guest that prints every env value and every credential it could get hold of."""
    seen = [*invocation.env.values(), *invocation.redaction_values]
    output = {"echo": seen, **{value: value for value in seen}}
    return RawOutcome(
        exit_code=1,
        stdout="".join(f"<{value}>" for value in seen),
        stderr="\n".join(seen),
        output_json=json.dumps(output),
        output_status=OutputStatus.VALID,
    )


def strings(value: Any) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *strings(item))]
    return []


def stored_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


def run_tool_echoing(sb: Sandbox, secret: str) -> tuple[Any, Any]:
    tool = sb.tools.create(name="echo", code="def execute(input): ...", language="python")
    secret_id = sb.secrets.create(name="token", value=secret).id
    r = sb.run_tool(tool.id, env=[{"name": "TOKEN", "secret_id": secret_id}])
    return r, sb.executions.get(r.execution.id)


def test_gateway_credentials_never_reach_the_guest(make_sandbox: MakeSandbox) -> None:
    engine = FakeEngine(echo)
    sb = make_sandbox(engines={"python": engine})
    secret_id = sb.secrets.create(name="api", value=TOKEN).id
    http = {"allow": [{"host": "api.example.com", "auth": {"bearer": {"secret_id": secret_id}}}]}
    r = sb.run_script(language="python", code="", env={"HOME": "/"}, http=http)
    invocation = engine.last
    assert {"HOME": "/"} == invocation.env
    assert TOKEN in invocation.redaction_values  # host side: for the Sandbox to redact
    forms = len(invocation.redaction_values)
    assert "</>" + "<***>" * forms == r.stdout
    assert "\n".join(["/"] + ["***"] * forms) == r.stderr
    record = sb.executions.get(r.id)
    assert TOKEN not in record.model_dump_json()


def test_inline_credentials_are_masked_in_the_record(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(engines={"javascript": FakeEngine(echo)})
    http = {"allow": [{"host": "api.example.com", "auth": {"bearer": {"token": TOKEN}}}]}
    r = sb.run_script(language="javascript", code="", http=http)
    assert TOKEN not in r.model_dump_json()
    details = sb.executions.get(r.id).details
    assert details is not None
    assert "***" == details.request.http.allow[0].auth.bearer.token  # type: ignore[union-attr]
    assert TOKEN not in details.model_dump_json()


@given(secret=secret_values)
def test_no_secret_value_is_in_a_result_or_record(secret: str) -> None:
    """Property: whatever the value, it is in the guest's env, and in none of the strings of the
    result or the stored record (stdout, stderr, output keys and values)."""
    engine = FakeEngine(echo)
    with (
        TemporaryDirectory() as folder,
        new_sandbox(Path(folder), engines={"python": engine}) as sb,
    ):
        r, record = run_tool_echoing(sb, secret)
        assert {"TOKEN": secret} == engine.last.env
        for result in (r, record.details.response):
            shown = [result.execution.stdout, result.execution.stderr, *strings(result.output)]
            assert [] == [text for text in shown if secret in text]


@given(tail=secret_values)
def test_a_secret_is_nowhere_in_the_store_file(tail: str) -> None:
    """Property: a secret that no other text could contain by chance appears in neither the
    record's JSON nor any byte of the store's files (values are encrypted at rest)."""
    secret = f"sk-live-{tail}"
    with TemporaryDirectory() as folder:
        with new_sandbox(Path(folder), engines={"python": FakeEngine(echo)}) as sb:
            r, record = run_tool_echoing(sb, secret)
            assert secret not in record.model_dump_json()
            assert secret not in r.model_dump_json()
        assert secret.encode() not in stored_bytes(Path(folder))


def test_tool_env_secrets_are_stored_by_id(make_sandbox: MakeSandbox) -> None:
    engine = FakeEngine(echo)
    sb = make_sandbox(engines={"python": engine})
    tool = sb.tools.create(name="echo", code="", language="python")
    secret_id = sb.secrets.create(name="token", value=TOKEN).id
    env = [{"name": "TOKEN", "secret_id": secret_id}, {"name": "PLAIN", "value": "visible"}]
    r = sb.run_tool(tool.id, env=env)
    assert {"TOKEN": TOKEN, "PLAIN": "visible"} == engine.last.env
    assert (TOKEN,) == engine.last.redaction_values
    assert "<***><visible><***>" == r.execution.stdout
    assert {"echo": ["***", "visible", "***"], "***": "***", "visible": "visible"} == r.output
    details = sb.executions.get(r.execution.id).details
    assert isinstance(details, ToolExecutionDetails)
    assert [
        EnvVar(name="TOKEN", secret_id=secret_id),
        EnvVar(name="PLAIN", value="visible"),
    ] == details.request.env
    assert r == details.response
