"""Tools run in real guests: revisions, pinning, input checks, env and http secrets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from embedsandbox import EgressOptions, ExecuteToolRequest, Sandbox
from embedsandbox.errors import NotFoundError, RequestValidationError

from ..conftest import LANGUAGES
from ..egress.conftest import Server, _http_server, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.guest

DOUBLE = {
    "python": "def execute(input):\n    return input['n'] * 2\n",
    "javascript": "function execute(input) { return input.n * 2 }",
    "typescript": "export function execute(input: {n: number}): number { return input.n * 2 }",
    "ruby": "def execute(input) = input['n'] * 2",
    "php": "<?php function execute($input) { return $input['n'] * 2; }",
}
TRIPLE = {
    "python": "def execute(input):\n    return input['n'] * 3\n",
    "javascript": "function execute(input) { return input.n * 3 }",
    "typescript": "export function execute(input: {n: number}): number { return input.n * 3 }",
    "ruby": "def execute(input) = input['n'] * 3",
    "php": "<?php function execute($input) { return $input['n'] * 3; }",
}
SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


@pytest.fixture
def sb(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(
        store=tmp_path / "store.sqlite3", egress=EgressOptions(allow_private_networks=True)
    ) as sandbox:
        yield sandbox


@pytest.mark.parametrize("language", LANGUAGES)
def test_revisions_and_pinning(sb: Sandbox, language: str) -> None:
    first = sb.tools.create(
        name="mul", code=DOUBLE[language], language=language, input_schema=SCHEMA
    )
    assert 14 == sb.run_tool(first.id, input={"n": 7}).output
    second = sb.tools.update(first.id, code=TRIPLE[language])
    assert 21 == sb.run_tool(first.id, input={"n": 7}).output  # the current revision
    pinned = sb.run_tool(first.id, input={"n": 7}, revision_id=first.revision_id)
    assert 14 == pinned.output  # the old revision stays runnable
    assert 21 == sb.run_tool(first.id, input={"n": 7}, revision_id=second.revision_id).output
    assert "valid" == pinned.output_status and 0 == pinned.execution.exit_code


def test_schema_change_applies_per_revision(sb: Sandbox) -> None:
    first = sb.tools.create(
        name="t", code=DOUBLE["javascript"], language="javascript", input_schema=SCHEMA
    )
    sb.tools.update(first.id, input_schema={"type": "object", "required": ["m"]})
    with pytest.raises(RequestValidationError, match="'m'"):
        sb.run_tool(first.id, input={"n": 1})
    assert 2 == sb.run_tool(first.id, input={"n": 1}, revision_id=first.revision_id).output


def test_request_model_and_async(sb: Sandbox) -> None:
    tool = sb.tools.create(name="t", code=DOUBLE["javascript"], language="javascript")
    assert 4 == sb.run_tool(tool.id, ExecuteToolRequest(input={"n": 2})).output
    result = asyncio.run(sb.run_tool_async(tool.id, input={"n": 5}))
    assert 10 == result.output


def test_a_failing_tool_is_data_not_an_exception(sb: Sandbox) -> None:
    tool = sb.tools.create(
        name="t", code="function execute(i) { throw new Error('nope') }", language="javascript"
    )
    result = sb.run_tool(tool.id)
    assert "error" == result.output_status and result.output is None
    assert "nope" in result.execution.stderr
    assert 1 == len(sb.executions.list(only_non_zero_exit_codes=True))


def test_env_values_and_secrets_reach_the_guest(sb: Sandbox) -> None:
    secret = sb.secrets.create("k", "short")
    tool = sb.tools.create(
        name="env",
        code="function execute(i) { return [process.env.A, process.env.B.length] }",
        language="javascript",
    )
    result = sb.run_tool(
        tool.id, env=[{"name": "A", "value": "plain"}, {"name": "B", "secret_id": secret.id}]
    )
    assert ["plain", 5] == result.output


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ([{"name": "A"}], RequestValidationError),
        ([{"name": "A", "value": "v", "secret_id": "sec_x"}], RequestValidationError),
        ([{"name": "A=B", "value": "v"}], RequestValidationError),
        ([{"name": "A", "value": "1"}, {"name": "A", "value": "2"}], RequestValidationError),
        ([{"name": "A", "secret_id": "sec_missing"}], NotFoundError),
    ],
)
def test_invalid_env(sb: Sandbox, env: list[dict[str, str]], error: type[Exception]) -> None:
    tool = sb.tools.create(name="t", code=DOUBLE["javascript"], language="javascript")
    with pytest.raises(error):
        sb.run_tool(tool.id, input={"n": 1}, env=env)
    assert [] == sb.executions.list().data


def test_http_auth_secret_is_injected_by_the_host(sb: Sandbox, server: Server) -> None:  # noqa: F811
    secret = sb.secrets.create("token", "tok-0123456789abcdef")
    tool = sb.tools.create(
        name="fetcher",
        code=(
            "async function execute(input) {\n"
            "  const r = await fetch(input.url);\n"
            "  return (await r.json()).path;\n"
            "}"
        ),
        language="javascript",
    )
    http = {"allow": [{"host": "127.0.0.1:*", "auth": {"bearer": {"secret_id": secret.id}}}]}
    result = sb.run_tool(tool.id, input={"url": server.url("/echo")}, http=http)
    assert "/echo" == result.output, result.execution.stderr
    assert ["Bearer tok-0123456789abcdef"] == server.last.header("Authorization")
    record = sb.executions.get(result.execution.id)
    stored = json.dumps(record.model_dump(mode="json"))
    assert "tok-0123456789abcdef" not in stored and secret.id in stored
