"""The app's structure, read from the app itself: its OpenAPI document names a response model
for every route, every `/v1` route sits behind the one auth dependency, and every route reads
its body as strict JSON. No guest runs here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant

from embedsandbox.server import ServerOptions, create_app
from embedsandbox.server._context import authenticate

from ._in_process import InProcess, api_routes

REF = "#/components/schemas/"
# /healthz and /metrics; runs 2, tools 5, secrets 3, executions 2, runtimes 7, sessions 4.
OPERATIONS = 25


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    home = tmp_path_factory.mktemp("openapi")
    return create_app(ServerOptions(store=home / "store.sqlite3", keys=home / "keys.sqlite3"))


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[InProcess]:
    served = InProcess(app)
    try:
        yield served
    finally:
        served.close()


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_every_operation_answers_a_named_model(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    checked = []
    for method, path, operation in _operations(document):
        ok = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        assert ok, f"{method} {path} documents no 2xx response"
        for code, response in ok.items():
            content = response.get("content")
            assert content, f"{method} {path} {code} documents no body"
            for media_type, body in content.items():
                ref = body.get("schema", {}).get("$ref", "")
                assert ref.startswith(REF), f"{method} {path} {code} {media_type}: {body}"
                name = ref.removeprefix(REF)
                assert name in components, f"{method} {path}: {name} is not a component"
                # A named model, not a bare object or a free-form dict.
                assert components[name].get("title") == name
                assert components[name].get("type") != "object" or components[name].get(
                    "properties"
                ), f"{method} {path}: {name} has no fields"
                checked.append((method, path))
    # Every operation of the API, runtimes included, was checked.
    assert len(set(checked)) == OPERATIONS == sum(1 for _ in _operations(document))


def test_runtime_routes_name_the_library_models(document: dict[str, Any]) -> None:
    def ok_model(path: str, method: str) -> str:
        schema = document["paths"][path][method]["responses"]["200"]["content"]
        return str(schema["application/json"]["schema"]["$ref"]).removeprefix(REF)

    assert (
        "Runtime"
        == ok_model("/v1/runtimes", "post")
        == ok_model("/v1/runtimes/{runtime_id}", "get")
    )
    assert "RuntimeList" == ok_model("/v1/runtimes", "get")
    assert "DeletedRuntime" == ok_model("/v1/runtimes/{runtime_id}", "delete")
    assert "RuntimeRevision" == ok_model("/v1/runtimes/{runtime_id}/revisions", "post")
    assert "RuntimeRevisionList" == ok_model("/v1/runtimes/{runtime_id}/revisions", "get")
    revision = "/v1/runtimes/{runtime_id}/revisions/{revision_id}"
    assert "RuntimeRevision" == ok_model(revision, "get")
    # One manifest model, the library's, in requests and responses alike.
    components = document["components"]["schemas"]
    assert "ManifestFile" in components
    assert not [name for name in components if "Manifest" in name and name != "ManifestFile"]
    body = components["CreateRuntimeRequest"]["properties"]["manifest_file"]
    assert body == {"$ref": REF + "ManifestFile"}


def test_errors_are_documented_as_the_error_body_never_a_422(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        # Validation failures are 400 `{code, message}` here, not FastAPI's 422 `{detail}`.
        assert "422" not in responses, f"{method} {path}"
        if not path.startswith("/v1/"):
            continue
        for code in ("400", "401", "404", "4XX", "500"):
            schema = responses[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": REF + "ErrorBody"}, (method, path, code)
        assert operation["security"] == [{"HTTPBearer": []}], (method, path)
    assert "HTTPValidationError" not in document["components"]["schemas"]


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_every_v1_route_is_behind_the_one_auth_dependency(app: FastAPI) -> None:
    routes = api_routes(app)
    assert len(routes) == OPERATIONS
    for route in routes:
        guarded = authenticate in set(_calls(route.dependant))
        assert guarded == route.path.startswith("/v1/"), route.path


def test_every_v1_route_refuses_a_request_without_a_key(app: FastAPI, client: InProcess) -> None:
    requests = [
        (method, route.path.replace("{", "").replace("}", ""))
        for route in api_routes(app)
        if route.path.startswith("/v1/")
        for method in sorted(route.methods)
    ]

    responses = [
        client.request(method, path, headers=headers, json={})
        for method, path in requests
        for headers in ({}, {"Authorization": "Bearer esk_not-a-key"})
    ]
    assert len(responses) == 2 * (OPERATIONS - 2)  # all but /healthz and /metrics
    for response in responses:
        assert response.status_code == 401, (response.request.url, response.text)
        assert response.json()["code"] == 16


def test_every_body_is_read_as_strict_json(app: FastAPI, client: InProcess) -> None:
    # JSON that Python's parser takes (the last duplicate wins) and `parse_json` refuses;
    # it is refused before the key is checked, so no key is needed to see it.
    with_body = [
        (method, route.path.replace("{", "").replace("}", ""))
        for route in api_routes(app)
        for method in sorted(route.methods)
        if method == "POST"
    ]
    assert len(with_body) == 10
    body = b'{"name": "a", "name": "b"}'
    headers = {"Content-Type": "application/json"}
    for response in [client.request(m, p, headers=headers, content=body) for m, p in with_body]:
        assert response.status_code == 400, (response.request.url, response.text)
        assert response.json() == {
            "code": 3,
            "message": "the body has the key 'name' twice in one object",
        }
