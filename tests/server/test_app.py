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
