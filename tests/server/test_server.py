"""The official Riza client (`rizaio` 0.12.0), unchanged, against a live `embedsandbox serve`."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import rizaio

from .conftest import Server, start_server, stop_server

pytestmark = pytest.mark.guest

README = Path(__file__).resolve().parents[2] / "README.md"


_CLIENTS: list[rizaio.Riza] = []


def _client(server: Server, key: str) -> rizaio.Riza:
    # max_retries=0: the client would otherwise retry 429s and 5xx itself.
    client = rizaio.Riza(api_key=key, base_url=server.url, max_retries=0, timeout=120)
    _CLIENTS.append(client)
    return client


@pytest.fixture(scope="module", autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _CLIENTS:
        _CLIENTS.pop().close()


@pytest.fixture(scope="module")
def key(server: Server) -> str:
    return server.key("alpha")


@pytest.fixture(scope="module")
def riza(server: Server, key: str) -> rizaio.Riza:
    return _client(server, key)


def test_command_exec_and_exec_func(riza: rizaio.Riza) -> None:
    r = riza.command.exec(
        language="python", code="import sys; print(sys.argv[1:], input())", args=["a"], stdin="in"
    )
    assert (r.exit_code, r.stdout) == (0, "['a'] in\n")
    assert r.id.startswith("exec_")
    failed = riza.command.exec(language="javascript", code="process.exit(3)")
    assert failed.exit_code == 3
    f = riza.command.exec_func(
        language="typescript",
        code="export function execute(input: {x: number}) { return input.x * 2 }",
        input={"x": 21},
    )
    assert (f.output, f.output_status) == (42, "valid")
    bad = riza.command.exec_func(language="python", code="def execute(i):\n    return {1}")
    assert bad.output_status == "json_serialization_error"


def test_tools_create_update_list_get_exec(riza: rizaio.Riza) -> None:
    created = [
        riza.tools.create(
            name=f"double{i}",
            language="python",
            code="def execute(input):\n    return input['n'] * 2",
            input_schema={"type": "object", "properties": {"n": {"type": "integer"}}},
        )
        for i in range(3)
    ]
    tool = created[0]
    assert tool.name == "double0" and tool.revision_id.startswith("toolrev_")
    updated = riza.tools.update(tool.id, code="def execute(input):\n    return input['n'] * 3")
    assert updated.id == tool.id and updated.revision_id != tool.revision_id
    listed = [t.id for t in riza.tools.list(limit=1)]  # auto-pagination, one per page
    assert [t.id for t in created] == [i for i in listed if i in {t.id for t in created}]
    assert riza.tools.get(tool.id).code.endswith("* 3")
    assert riza.tools.exec(tool.id, input={"n": 5}).output == 15
    old = riza.tools.exec(tool.id, input={"n": 5}, revision_id=tool.revision_id)
    assert old.output == 10
    with pytest.raises(rizaio.BadRequestError) as info:
        riza.tools.exec(tool.id, input={"n": "five"})
    assert info.value.body["code"] == 3  # type: ignore[index]


def test_secrets_and_tool_env(riza: rizaio.Riza) -> None:
    secret = riza.secrets.create(name="token", value="s3cr3t-value")
    assert secret.name == "token" and secret.id.startswith("sec_")
    assert secret.id in [s.id for s in riza.secrets.list(limit=1)]
    tool = riza.tools.create(
        name="envlen",
        language="python",
        code="import os\ndef execute(i):\n    return len(os.environ['T'])",
    )
    result = riza.tools.exec(tool.id, env=[{"name": "T", "secret_id": secret.id}])
    assert result.output == len("s3cr3t-value")


def test_executions_list_and_get(riza: rizaio.Riza) -> None:
    ran = [riza.command.exec(language="javascript", code=f"console.log({i})").id for i in range(3)]
    ids = [e.id for e in riza.executions.list(limit=2)]  # newest first, auto-paginated
    assert ids[:3] == ran[::-1]
    execution = riza.executions.get(ran[0])
    assert execution.id == ran[0] and execution.exit_code == 0
    assert execution.details is not None and execution.details.type == "script"
    failed = [e.id for e in riza.executions.list(only_non_zero_exit_codes=True)]
    assert ran[0] not in failed


def test_runtimes_and_revisions(server: Server, riza: rizaio.Riza) -> None:
    manifest = {"name": "requirements.txt", "contents": ""}
    runtime = riza.runtimes.create(name="empty", language="python", manifest_file=manifest)  # type: ignore[arg-type]
    assert runtime.id.startswith("rt_") and runtime.engine == "wasi"
    assert runtime.status in ("pending", "building", "succeeded")
    assert riza.runtimes.get(runtime.id).name == "empty"
    assert runtime.id in [r.id for r in riza.runtimes.list(limit=1)]
    revision = riza.runtimes.revisions.create(runtime.id, manifest_file=manifest)  # type: ignore[arg-type]
    assert revision.runtime_id == runtime.id
    listed = riza.runtimes.revisions.list(runtime.id).revisions
    assert [r.id for r in listed] == [runtime.revision_id, revision.id]
    assert riza.runtimes.revisions.get(revision.id, runtime_id=runtime.id).id == revision.id
    with pytest.raises(rizaio.BadRequestError):
        riza.runtimes.create(
            name="x", language="python", manifest_file={"name": "package.json", "contents": "{}"}
        )  # type: ignore[arg-type]
    other = _client(server, server.key("beta"))
    with pytest.raises(rizaio.NotFoundError):
        other.runtimes.get(runtime.id)
    deadline = time.monotonic() + 60
    while riza.runtimes.get(runtime.id).status in ("pending", "building"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    deleted = riza.runtimes.delete(runtime.id)
    assert (deleted.id, deleted.deleted) == (runtime.id, True)
    with pytest.raises(rizaio.NotFoundError):
        riza.runtimes.get(runtime.id)


def test_unauthenticated(server: Server) -> None:
    with pytest.raises(rizaio.AuthenticationError) as info:
        _client(server, "esk_not-a-key").command.exec(language="python", code="print(1)")
    assert info.value.body == {"code": 16, "message": "the API key is not valid or was revoked"}
    plain = httpx.get(server.url + "/v1/tools")
    assert plain.status_code == 401 and plain.json()["code"] == 16


def test_revoked_key_is_refused(server: Server) -> None:
    done = server.cli("keys", "create", "--project", "gone", "--json")
    import json

    created = json.loads(done.stdout)
    assert _client(server, created["key"]).secrets.list().secrets == []
    assert server.cli("keys", "revoke", created["id"]).returncode == 0
    with pytest.raises(rizaio.AuthenticationError):
        _client(server, created["key"]).secrets.list()
    listed = server.cli("keys", "list", "--json")
    assert created["key"] not in listed.stdout  # only hashes are stored


def test_not_found(riza: rizaio.Riza) -> None:
    with pytest.raises(rizaio.NotFoundError) as info:
        riza.tools.get("tool_000000000000000000000000")
    assert info.value.body["code"] == 5  # type: ignore[index]
    with pytest.raises(rizaio.NotFoundError):
        riza.executions.get("exec_nothing")
    with pytest.raises(rizaio.NotFoundError):
        riza.tools.exec("tool_nothing", input={})


def test_bad_requests_name_the_field(server: Server, riza: rizaio.Riza, key: str) -> None:
    with pytest.raises(rizaio.BadRequestError) as info:
        riza.command.exec(language="python", code="print(1)", extra_body={"bogus": 1})
    assert info.value.body["code"] == 3 and "bogus" in info.value.body["message"]  # type: ignore[index]
    auth = {"Authorization": f"Bearer {key}"}
    wrong = httpx.post(
        server.url + "/v1/execute", json={"language": "python", "code": 5}, headers=auth
    )
    assert wrong.status_code == 400 and "code:" in wrong.json()["message"]
    limits = httpx.post(
        server.url + "/v1/execute",
        json={"language": "python", "code": "", "limits": {"memory_size": 1}},
        headers=auth,
    )
    assert limits.status_code == 400 and "limits.memory_size" in limits.json()["message"]
    malformed = httpx.post(
        server.url + "/v1/execute-function",
        content=b'{"language": "python",',
        headers={**auth, "Content-Type": "application/json"},
    )
    assert malformed.status_code == 400 and "JSON" in malformed.json()["message"]
    page = httpx.get(server.url + "/v1/tools?limit=500", headers=auth)
    assert page.status_code == 400 and "limit" in page.json()["message"]
    page = httpx.get(server.url + "/v1/tools?limit=x", headers=auth)
    assert page.status_code == 400 and "limit" in page.json()["message"]


def test_oversize_body_is_refused(server: Server, key: str) -> None:
    body = {"language": "python", "code": "#" * 2_000_000}
    response = httpx.post(
        server.url + "/v1/execute", json=body, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == 3 and "1000000 bytes" in response.json()["message"]


def test_projects_do_not_see_each_other(server: Server, riza: rizaio.Riza) -> None:
    other = _client(server, server.key("beta"))
    tool = riza.tools.create(
        name="mine", language="javascript", code="function execute(i) { return 1 }"
    )
    secret = riza.secrets.create(name="mine", value="v")
    run = riza.command.exec(language="javascript", code="console.log('alpha')")
    with pytest.raises(rizaio.NotFoundError):
        other.tools.get(tool.id)
    with pytest.raises(rizaio.NotFoundError):
        other.tools.exec(tool.id, input={})
    with pytest.raises(rizaio.NotFoundError):
        other.tools.update(tool.id, description="hijacked")
    with pytest.raises(rizaio.NotFoundError):
        other.executions.get(run.id)
    assert tool.id not in [t.id for t in other.tools.list()]
    assert secret.id not in [s.id for s in other.secrets.list()]
    assert run.id not in [e.id for e in other.executions.list()]
    # a secret of another project cannot be named either
    other_tool = other.tools.create(
        name="t", language="python", code="def execute(i):\n    return 1"
    )
    with pytest.raises(rizaio.NotFoundError):
        other.tools.exec(other_tool.id, env=[{"name": "X", "secret_id": secret.id}])
    assert riza.tools.get(tool.id).description == ""


def test_fifty_concurrent_executions(riza: rizaio.Riza) -> None:
    def run(i: int) -> Any:
        if i % 5 == 0:
            return riza.command.exec_func(
                language="python", code="def execute(i):\n    return i * i", input=i
            ).output
        return riza.command.exec_func(
            language="javascript", code="function execute(i) { return i * i }", input=i
        ).output

    with ThreadPoolExecutor(50) as threads:
        results = list(threads.map(run, range(50)))
    assert results == [i * i for i in range(50)]


def test_health_metrics_and_openapi(server: Server, riza: rizaio.Riza) -> None:
    riza.command.exec(language="javascript", code="console.log(1)")
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
    metrics = httpx.get(server.url + "/metrics").text
    assert re.search(
        r'embedsandbox_executions_total\{language="javascript",outcome="success"\} \d+', metrics
    )
    assert "embedsandbox_execution_duration_seconds_bucket" in metrics
    assert "embedsandbox_pool_workers 4" in metrics
    paths = httpx.get(server.url + "/openapi.json").json()["paths"]
    for path in [
        "/v1/execute",
        "/v1/execute-function",
        "/v1/tools",
        "/v1/tools/{tool_id}",
        "/v1/tools/{tool_id}/execute",
        "/v1/secrets",
        "/v1/executions",
        "/v1/executions/{execution_id}",
        "/v1/runtimes",
        "/v1/runtimes/{runtime_id}/revisions/{revision_id}",
    ]:
        assert path in paths


def test_internal_errors_have_an_id_in_the_log(server: Server) -> None:
    client = _client(server, server.key("broken"))
    # The project's store path is a folder: opening the store fails on the server.
    (server.home / "projects" / "broken" / "store.sqlite3").mkdir(parents=True)
    with pytest.raises(rizaio.InternalServerError) as info:
        client.secrets.list()
    body = info.value.body
    assert body["code"] == 13 and body["id"].startswith("err_")  # type: ignore[index]
    assert "Traceback" not in info.value.response.text
    deadline = time.monotonic() + 5
    while body["id"] not in server.log_text() and time.monotonic() < deadline:  # type: ignore[index]
        time.sleep(0.1)
    assert body["id"] in server.log_text()  # type: ignore[index]


def test_readme_example_against_the_server(
    server: Server, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = re.findall(r"```py\n(.*?)```", README.read_text(), re.S)
    block = next(b for b in blocks if "import rizaio" in b)
    monkeypatch.setenv("RIZA_API_KEY", key)
    code = block.replace("http://127.0.0.1:8000", server.url)
    namespace: dict[str, Any] = {}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - our own documentation


def test_full_pool_answers_429_with_retry_after(tmp_path: Path) -> None:
    busy = start_server(tmp_path / "home", "--workers", "1", "--queue-timeout", "0.5")
    try:
        client = _client(busy, busy.key())
        client.command.exec(language="javascript", code="console.log(1)")  # warm the engine
        slow = threading.Thread(
            target=client.command.exec,
            kwargs={
                "language": "javascript",
                "code": "while (true) {}",
                "limits": {"execution_timeout": 4},
            },
        )
        slow.start()
        time.sleep(1)
        with pytest.raises(rizaio.RateLimitError) as info:
            client.command.exec(language="javascript", code="console.log(2)")
        assert info.value.body["code"] == 8  # type: ignore[index]
        assert info.value.response.headers["Retry-After"] == "1"
        slow.join()
        assert client.command.exec(language="javascript", code="console.log(3)").stdout == "3\n"
        assert "embedsandbox_rejected_total 1" in httpx.get(busy.url + "/metrics").text
    finally:
        stop_server(busy)


def test_serve_with_worker_processes(tmp_path: Path) -> None:
    served = start_server(tmp_path / "home", "--processes", "1", "--workers", "2")
    try:
        client = _client(served, served.key())
        python = client.command.exec(language="python", code="print(6 * 7)")
        javascript = client.command.exec(language="javascript", code="console.log(6 * 7)")
        assert (python.stdout, javascript.stdout) == ("42\n", "42\n")
        children = [p for p in _children(served.process.pid) if "spawn_main" in p[1]]
        assert len(children) == 2  # one worker per language
    finally:
        stop_server(served)


def _children(pid: int) -> list[tuple[int, str]]:
    import psutil

    return [(c.pid, " ".join(c.cmdline())) for c in psutil.Process(pid).children(recursive=True)]


def test_a_deleted_secret_is_gone_and_its_id_refused(
    server: Server, key: str, riza: rizaio.Riza
) -> None:
    """`DELETE /v1/secrets/{id}`, our extension (rizaio has no method for it)."""
    auth = {"Authorization": f"Bearer {key}"}
    secret = riza.secrets.create(name="doomed", value="d00med-value")
    tool = riza.tools.create(
        name="envlen2",
        language="python",
        code="import os\ndef execute(i):\n    return len(os.environ['T'])",
    )
    env = [{"name": "T", "secret_id": secret.id}]
    before = riza.tools.exec(tool.id, env=env)  # type: ignore[arg-type]
    assert before.output == len("d00med-value")
    # Another project cannot delete it: 404, and it is still there.
    other = httpx.delete(
        f"{server.url}/v1/secrets/{secret.id}",
        headers={"Authorization": f"Bearer {server.key('beta')}"},
    )
    assert other.status_code == 404 and other.json()["code"] == 5
    assert secret.id in [s.id for s in riza.secrets.list()]

    deleted = httpx.delete(f"{server.url}/v1/secrets/{secret.id}", headers=auth)
    assert deleted.status_code == 200
    assert deleted.json() == {"id": secret.id, "name": "doomed"}
    assert secret.id not in [s.id for s in riza.secrets.list()]
    again = httpx.delete(f"{server.url}/v1/secrets/{secret.id}", headers=auth)
    assert again.status_code == 404 and again.json()["code"] == 5
    assert secret.id in again.json()["message"] and "does not exist" in again.json()["message"]

    with pytest.raises(rizaio.NotFoundError) as info:
        riza.tools.exec(tool.id, env=env)  # type: ignore[arg-type]
    assert info.value.body["code"] == 5  # type: ignore[index]
    assert f"secret '{secret.id}' named by env.0.secret_id does not exist" in str(
        info.value.body["message"]  # type: ignore[index]
    )
    http = {"allow": [{"host": "example.com", "auth": {"bearer": {"secret_id": secret.id}}}]}
    with pytest.raises(rizaio.NotFoundError) as info:
        riza.command.exec(language="python", code="print(1)", http=http)  # type: ignore[arg-type]
    assert "http.allow.0.auth.bearer.secret_id does not exist" in str(info.value.body["message"])  # type: ignore[index]
    # The run from before stays in the history, naming the id (never the value).
    record = httpx.get(f"{server.url}/v1/executions/{before.execution.id}", headers=auth)
    assert record.status_code == 200
    assert record.json()["details"]["request"]["env"] == [
        {"name": "T", "value": None, "secret_id": secret.id}
    ]
    assert "d00med-value" not in record.text
