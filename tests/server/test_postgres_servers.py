"""Two real `embedsandbox serve --store postgresql://...` processes on one PostgreSQL database:
a tool created through one runs through the other, the history is the same from either, a
key revoked (through the command line) is refused by both, and a project's data stays in its
own schema on both."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator

import httpx
import pytest

from .. import _postgres
from .conftest import Server, cli, start_server, stop_server

pytestmark = pytest.mark.guest


@pytest.fixture(scope="module")
def servers(
    postgres: _postgres.PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Server, str]]:
    url = postgres.new_database()
    # Every server of one database needs the same host key (secrets are sealed with it).
    key = base64.b64encode(os.urandom(32)).decode()
    previous = os.environ.get("EMBEDSANDBOX_SECRET_KEY")
    os.environ["EMBEDSANDBOX_SECRET_KEY"] = key  # start_server passes os.environ on
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            home = tmp_path_factory.mktemp(f"pg-server-{name}")
            started.append(start_server(home, "--store", url, "--workers", "4"))
        yield started[0], started[1], url
    finally:
        for server in started:
            stop_server(server)
        if previous is None:
            os.environ.pop("EMBEDSANDBOX_SECRET_KEY", None)
        else:
            os.environ["EMBEDSANDBOX_SECRET_KEY"] = previous
        postgres.drop_database(url)


def _key(server: Server, url: str, project: str = "default") -> tuple[str, str]:
    done = cli(server.env, "keys", "create", "--store", url, "--project", project, "--json")
    assert 0 == done.returncode, done.stderr
    made = json.loads(done.stdout)
    return str(made["id"]), str(made["key"])


def _client(server: Server, key: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=60)


def test_a_tool_made_on_one_server_runs_on_the_other_and_history_is_shared(
    servers: tuple[Server, Server, str],
) -> None:
    a, b, url = servers
    _, key = _key(a, url)
    with _client(a, key) as on_a, _client(b, key) as on_b:
        code = "def execute(input):\n    return {'doubled': input['n'] * 2}\n"
        made = on_a.post("/v1/tools", json={"name": "double", "language": "python", "code": code})
        assert 200 == made.status_code, made.text
        tool = made.json()
        assert tool == on_b.get(f"/v1/tools/{tool['id']}").json()
        ran = on_b.post(f"/v1/tools/{tool['id']}/execute", json={"input": {"n": 21}})
        assert 200 == ran.status_code, ran.text
        assert {"doubled": 42} == ran.json()["output"]
        script = on_a.post("/v1/execute", json={"language": "javascript", "code": "1"})
        assert 200 == script.status_code, script.text
        history_a = on_a.get("/v1/executions").json()["data"]
        history_b = on_b.get("/v1/executions").json()["data"]
        assert history_a == history_b
        assert [script.json()["id"], ran.json()["execution"]["id"]] == [
            e["id"] for e in history_a[:2]
        ]


def test_a_revoked_key_is_refused_by_both_servers(servers: tuple[Server, Server, str]) -> None:
    a, b, url = servers
    key_id, key = _key(b, url)
    with _client(a, key) as on_a, _client(b, key) as on_b:
        assert 200 == on_a.get("/v1/tools").status_code
        assert 200 == on_b.get("/v1/tools").status_code
        done = cli(a.env, "keys", "revoke", key_id, "--store", url, "--json")
        assert 0 == done.returncode, done.stderr
        for client in (on_a, on_b):
            refused = client.get("/v1/tools")
            assert 401 == refused.status_code
            assert "revoked" in refused.json()["message"]


def test_a_project_sees_only_its_own_tools_on_both_servers(
    servers: tuple[Server, Server, str],
) -> None:
    a, b, url = servers
    _, team = _key(a, url, "team-x")
    _, default = _key(a, url)
    with _client(a, team) as team_a, _client(b, team) as team_b, _client(b, default) as default_b:
        code = "function execute(i) { return i }"
        tool = team_a.post("/v1/tools", json={"name": "t", "language": "javascript", "code": code})
        assert 200 == tool.status_code, tool.text
        assert [tool.json()["id"]] == [t["id"] for t in team_b.get("/v1/tools").json()["tools"]]
        assert tool.json()["id"] not in [
            t["id"] for t in default_b.get("/v1/tools").json()["tools"]
        ]
        assert 404 == default_b.get(f"/v1/tools/{tool.json()['id']}").status_code


def test_the_server_log_never_shows_the_password(
    servers: tuple[Server, Server, str], postgres: _postgres.PostgresServer
) -> None:
    a, b, _ = servers
    for server in (a, b):
        log = server.log_text()
        assert "Uvicorn running" in log or "Application startup complete" in log, log
        assert postgres.password not in log
