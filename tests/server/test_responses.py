"""Every route, in process: each answer is exactly its declared response model's JSON, and each
refusal exactly the error body `{code, message}`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, TypeAdapter

from embedsandbox._keys import KeyStore
from embedsandbox._sandbox import default_cache_dir
from embedsandbox.server import ServerOptions, create_app
from embedsandbox.server._errors import ErrorBody
from embedsandbox.server._routes.operations import MetricsText

from ._in_process import InProcess, api_routes

pytestmark = pytest.mark.guest

MANIFEST = {"name": "requirements.txt", "contents": "# nothing to install\n"}


@dataclass
class Served:
    """The app under test, a client with a valid key, and the routes a test has checked."""

    app: FastAPI
    client: InProcess
    models: dict[tuple[str, str], Any]
    checked: set[tuple[str, str]] = field(default_factory=set)

    def ok(self, method: str, route: str, path: str | None = None, **kwargs: Any) -> Any:
        """Call `route` (filled in as `path`); its 2xx body must be its model's JSON, exactly."""
        response = self.client.request(method, path or route, **kwargs)
        assert 200 <= response.status_code < 300, (method, path or route, response.text)
        model = self.models[method, route]
        self.checked.add((method, route))
        if model is None:  # `/metrics`: text, not JSON
            assert response.headers["content-type"].startswith("text/plain")
            MetricsText.model_validate(response.text)
            return response.text
        # A named model, not `dict[str, Any]`, which any JSON object would satisfy.
        assert isinstance(model, type) and issubclass(model, BaseModel), (route, model)
        adapter: TypeAdapter[Any] = TypeAdapter(model)
        value = adapter.validate_json(response.content)
        # Nothing the model does not declare, nothing it would say otherwise.
        assert json.loads(adapter.dump_json(value)) == response.json()
        return response.json()


def error_body(response: httpx.Response, status: int, code: int) -> str:
    """The message of a refusal that must be exactly `{code, message}` with this status."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message"}, body
    assert ErrorBody.model_validate(body).code == code
    return str(body["message"])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("responses")
    keys = KeyStore(home / "keys.sqlite3")
    key = keys.create("p")[1]
    keys.close()
    cache = default_cache_dir()  # the suite's compiled interpreters
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EMBEDSANDBOX_HOME", str(home / "home"))  # built runtimes go in here
        app = create_app(
            ServerOptions(store=home / "store.sqlite3", keys=home / "keys.sqlite3", cache_dir=cache)
        )
        models = {
            (method, route.path): route.response_model
            for route in api_routes(app)
            for method in route.methods
        }
        client = InProcess(app, {"Authorization": f"Bearer {key}"})
        try:
            yield Served(app, client, models)
        finally:
            client.close()


def test_every_route_answers_its_model(served: Served) -> None:
    ok = served.ok
    assert ok("GET", "/healthz") == {"status": "ok"}

    script = ok("POST", "/v1/execute", json={"language": "python", "code": "print(6 * 7)"})
    assert script["stdout"] == "42\n"
    function = ok(
        "POST",
        "/v1/execute-function",
        json={"language": "javascript", "code": "function execute(i) { return i + 1 }", "input": 1},
    )
    assert (function["output"], function["output_status"]) == (2, "valid")

    code = "def execute(input):\n    return input['n'] * 2"
    tool = ok("POST", "/v1/tools", json={"name": "double", "language": "python", "code": code})
    path = f"/v1/tools/{tool['id']}"
    updated = ok("POST", "/v1/tools/{tool_id}", path, json={"description": "doubles n"})
    assert updated["revision_id"] != tool["revision_id"]
    assert [t["id"] for t in ok("GET", "/v1/tools")["tools"]] == [tool["id"]]
    assert ok("GET", "/v1/tools/{tool_id}", path)["description"] == "doubles n"
    ran = ok("POST", "/v1/tools/{tool_id}/execute", f"{path}/execute", json={"input": {"n": 4}})
    assert ran["output"] == 8

    secret = ok("POST", "/v1/secrets", json={"name": "token", "value": "s3cr3t"})
    assert secret == {"id": secret["id"], "name": "token"}  # never the value
    assert ok("GET", "/v1/secrets")["secrets"] == [secret]
    doomed = ok("POST", "/v1/secrets", json={"name": "doomed", "value": "d00med"})
    at_secret = f"/v1/secrets/{doomed['id']}"
    assert ok("DELETE", "/v1/secrets/{secret_id}", at_secret) == doomed
    assert ok("GET", "/v1/secrets")["secrets"] == [secret]

    history = ok("GET", "/v1/executions")["data"]
    assert [e["details"]["type"] for e in history] == ["tool", "function", "script"]
    execution = ok("GET", "/v1/executions/{execution_id}", f"/v1/executions/{history[-1]['id']}")
    assert execution["details"]["response"]["stdout"] == "42\n"

    body = {"name": "empty", "language": "python", "manifest_file": MANIFEST}
    runtime = ok("POST", "/v1/runtimes", json=body)
    assert (runtime["engine"], runtime["manifest_file"]) == ("wasi", MANIFEST)
    rt = f"/v1/runtimes/{runtime['id']}"
    assert [r["id"] for r in ok("GET", "/v1/runtimes")["runtimes"]] == [runtime["id"]]
    assert ok("GET", "/v1/runtimes/{runtime_id}", rt)["revision_id"] == runtime["revision_id"]
    revision = ok(
        "POST",
        "/v1/runtimes/{runtime_id}/revisions",
        f"{rt}/revisions",
        json={"manifest_file": MANIFEST},
    )
    assert revision["runtime_id"] == runtime["id"]
    revisions = "/v1/runtimes/{runtime_id}/revisions"
    listed = ok("GET", revisions, f"{rt}/revisions")["revisions"]
    assert [r["id"] for r in listed] == [runtime["revision_id"], revision["id"]]
    one = "/v1/runtimes/{runtime_id}/revisions/{revision_id}"
    deadline = time.monotonic() + 60
    while ok("GET", one, f"{rt}/revisions/{revision['id']}")["status"] in ("pending", "building"):
        assert time.monotonic() < deadline, "the empty runtime did not build in 60 s"
        time.sleep(0.1)
    assert ok("DELETE", "/v1/runtimes/{runtime_id}", rt) == {"id": runtime["id"], "deleted": True}

    session = ok("POST", "/v1/sessions", json={"language": "python"})
    at = f"/v1/sessions/{session['id']}"
    call = "/v1/sessions/{session_id}/execute"
    assert ok("POST", call, f"{at}/execute", json={"code": "x = 2\nprint(x)"})["stdout"] == "2\n"
    body = {"code": "def f(i):\n    return i * x", "function": "f", "input": 21}
    assert ok("POST", call, f"{at}/execute", json=body)["output"] == 42
    assert ok("GET", "/v1/sessions/{session_id}", at)["calls"] == 2
    assert ok("DELETE", "/v1/sessions/{session_id}", at)["closed_reason"] == "closed"

    assert "embedsandbox_executions_total" in ok("GET", "/metrics")
    # Every route of the app was called and checked.
    assert served.checked == set(served.models)


def test_every_refusal_is_the_error_body(served: Served) -> None:
    client = served.client
    missing = {
        "/v1/tools/tool_000000000000000000000000": "tool",
        "/v1/executions/exec_nothing": "execution",
        "/v1/runtimes/rt_000000000000000000000000": "runtime",
        "/v1/runtimes/rt_000000000000000000000000/revisions": "runtime",
    }
    for path, what in missing.items():
        assert what in error_body(client.get(path), 404, 5)
    tool = "/v1/tools/tool_000000000000000000000000"
    assert "tool" in error_body(client.post(tool, json={}), 404, 5)
    assert "tool" in error_body(client.post(f"{tool}/execute", json={}), 404, 5)
    assert "runtime" in error_body(client.delete("/v1/runtimes/rt_0"), 404, 5)
    assert "secret 'sec_0' does not exist" in error_body(client.delete("/v1/secrets/sec_0"), 404, 5)
    for path in ("/v1/execute", "/v1/execute-function", "/v1/tools", "/v1/secrets", "/v1/runtimes"):
        assert "bogus" in error_body(client.post(path, json={"bogus": 1}), 400, 3)
    for path in ("/v1/tools", "/v1/secrets", "/v1/executions", "/v1/runtimes"):
        assert "limit" in error_body(client.get(path, params={"limit": 0}), 400, 3)
    assert "engine" in error_body(
        client.post(
            "/v1/runtimes",
            json={"name": "x", "language": "python", "manifest_file": MANIFEST, "engine": "v8"},
        ),
        400,
        3,
    )
    unauthenticated = client.get("/v1/tools", headers={"Authorization": "Bearer esk_no"})
    assert "not valid" in error_body(unauthenticated, 401, 16)
    assert error_body(client.get("/v2/nothing"), 404, 5) == "no such route"
    assert error_body(client.put("/v1/tools"), 405, 12) == "Method Not Allowed"


def test_a_manifest_is_checked_by_the_library_model(served: Served) -> None:
    """The runtime bodies take the library's `ManifestFile`: its rules, named by field."""
    body = {"name": "x", "language": "python"}
    for contents, problem in [("a\x00b", "must not contain NUL"), (5, "valid string")]:
        manifest = {"name": "requirements.txt", "contents": contents}
        response = served.client.post("/v1/runtimes", json={**body, "manifest_file": manifest})
        message = error_body(response, 400, 3)
        assert message.startswith("invalid request: manifest_file.contents: ")
        assert problem in message
    extra = {**MANIFEST, "size": 1}
    response = served.client.post("/v1/runtimes", json={**body, "manifest_file": extra})
    assert "manifest_file.size: Extra inputs are not permitted" in error_body(response, 400, 3)
