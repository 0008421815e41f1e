"""The app in process (httpx's ASGI transport): what a live server cannot easily be made to do."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from embedsandbox._keys import KeyStore
from embedsandbox._sandbox import Sandbox
from embedsandbox.server import ServerOptions, create_app


def _call(tmp_path: Path, method: str, path: str, **kwargs: Any) -> httpx.Response:
    keys = KeyStore(tmp_path / "keys.sqlite3")
    key = keys.create("p")[1]
    keys.close()
    app = create_app(
        ServerOptions(
            store=tmp_path / "store.sqlite3", keys=tmp_path / "keys.sqlite3", max_body_bytes=1000
        )
    )

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            headers = {"Authorization": f"Bearer {key}", **kwargs.pop("headers", {})}
            return await client.request(method, path, headers=headers, **kwargs)

    return asyncio.run(go())


def test_an_unexpected_error_is_a_500_with_a_logged_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(Sandbox, "run_script", boom)
    with caplog.at_level(logging.ERROR, logger="embedsandbox.server"):
        response = _call(
            tmp_path, "POST", "/v1/execute", json={"language": "python", "code": "print(1)"}
        )
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == 13 and body["id"].startswith("err_")
    assert "internal detail" not in response.text and "Traceback" not in response.text
    assert body["id"] in caplog.text and "internal detail" in caplog.text


def test_a_chunked_body_over_the_cap_is_refused(tmp_path: Path) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"language": "python", "code": "'
        for _ in range(20):
            yield b"#" * 100
        yield b'"}'

    response = _call(
        tmp_path,
        "POST",
        "/v1/execute",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413 and response.json()["code"] == 3


def test_unknown_routes_and_methods_answer_in_the_error_shape(tmp_path: Path) -> None:
    assert _call(tmp_path, "GET", "/v2/nothing").json() == {"code": 5, "message": "no such route"}
    wrong = _call(tmp_path, "DELETE", "/v1/tools")
    assert wrong.status_code == 405 and wrong.json()["code"] == 12


def test_a_body_that_is_not_an_object_is_a_400(tmp_path: Path) -> None:
    response = _call(tmp_path, "POST", "/v1/secrets", json=["name", "value"])
    assert response.status_code == 400 and response.json()["code"] == 3
    missing = _call(tmp_path, "POST", "/v1/secrets", json={"name": "x"})
    assert "value: Field required" in missing.json()["message"]


def test_runtime_cached_instances_round_trip_and_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMBEDSANDBOX_HOME", str(tmp_path / "home"))  # runtimes_dir in here
    keys = KeyStore(tmp_path / "keys.sqlite3")
    key = keys.create("p")[1]
    keys.close()
    app = create_app(
        ServerOptions(store=tmp_path / "store.sqlite3", keys=tmp_path / "keys.sqlite3")
    )
    manifest = {"name": "requirements.txt", "contents": "# nothing\n"}

    async def go() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        headers = {"Authorization": f"Bearer {key}"}
        # The lifespan closes the project's Sandbox, which cancels the (irrelevant) build.
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=transport, base_url="http://test", headers=headers
            ) as client,
        ):

            async def create(**sizes: Any) -> httpx.Response:
                body = {"name": "warm", "language": "python", "manifest_file": manifest}
                return await client.post("/v1/runtimes", json={**body, **sizes})

            made = await create(min_cached_instances=2, max_cached_instances=8)
            plain = await create()
            return {
                "made": made.json(),
                "got": (await client.get(f"/v1/runtimes/{made.json()['id']}")).json(),
                "listed": (await client.get("/v1/runtimes")).json(),
                "plain": plain.json(),
                "range": await create(max_cached_instances=65),
                "order": await create(min_cached_instances=3, max_cached_instances=1),
                "bool": await create(min_cached_instances=True),
            }

    out = asyncio.run(go())
    sizes = ("min_cached_instances", "max_cached_instances")
    assert (2, 8) == tuple(out["made"][k] for k in sizes) == tuple(out["got"][k] for k in sizes)
    assert [(2, 8), (None, None)] == [tuple(r[k] for k in sizes) for r in out["listed"]["runtimes"]]
    assert (None, None) == tuple(out["plain"][k] for k in sizes)
    assert 400 == out["range"].status_code
    assert {
        "code": 3,
        "message": "invalid runtime: max_cached_instances must be null or an integer from 0 to 64",
    } == out["range"].json()
    assert 400 == out["order"].status_code
    assert (
        "min_cached_instances (3) must not exceed max_cached_instances (1)"
        in (out["order"].json()["message"])
    )
    assert 400 == out["bool"].status_code
    assert "min_cached_instances: Input should be a valid integer" in out["bool"].json()["message"]
