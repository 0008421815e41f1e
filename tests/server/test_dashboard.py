"""The dashboard's files over HTTP: served without a key, with a strict CSP, and nothing else.

The browser tests (tests/browser) drive the page itself; these check the answers.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import embedsandbox.server
from embedsandbox.server import ServerOptions, create_app

STATIC = Path(embedsandbox.server.__file__).parent / "_static"


Get = Callable[..., httpx.Response]


@pytest.fixture(scope="module")
def get(tmp_path_factory: pytest.TempPathFactory) -> Get:
    home = tmp_path_factory.mktemp("dashboard")
    app = create_app(ServerOptions(store=home / "store.sqlite3", keys=home / "keys.sqlite3"))

    def fetch(path: str, method: str = "GET", **headers: str) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.request(method, path, headers=headers)

        return asyncio.run(go())

    return fetch


def _policy(response: httpx.Response) -> dict[str, str]:
    parts = (
        p.strip().split(" ", 1) for p in response.headers["content-security-policy"].split(";")
    )
    return {name: value for name, value in parts}


@pytest.mark.parametrize("path", ["/", "/dashboard/app.js", "/dashboard/app.css"])
def test_every_file_carries_the_strict_policy(get: Get, path: str) -> None:
    response = get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == "'none'"
    # Scripts and styles from this origin only: no inline script, no eval, no CDN.
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["require-trusted-types-for"] == "'script'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_page_loads_only_its_own_files(get: Get) -> None:
    response = get("/")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert '<script src="/dashboard/app.js" defer></script>' in html
    assert "<script>" not in html and "http://" not in html and "https://" not in html
    assert get("/dashboard/app.js").headers["content-type"].startswith("text/javascript")


def test_files_are_gzipped_and_revalidated(get: Get) -> None:
    plain = (STATIC / "app.js").read_bytes()
    # httpx would decode the gzip itself; ask for it and read the raw bytes.
    response = get("/dashboard/app.js", **{"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == plain  # decoded by httpx from the gzip body
    assert len(gzip.compress(plain)) < len(plain) / 2
    again = get("/dashboard/app.js", **{"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert get("/", method="HEAD").status_code == 200


@pytest.mark.parametrize("path", ["/dashboard/nope.js", "/dashboard/index.html"])
def test_another_file_is_a_404_naming_the_files(get: Get, path: str) -> None:
    response = get(path)
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == 5 and "app.js, favicon.svg" in body["message"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_no_path_leaves_the_build_folder(get: Get) -> None:
    for path in (
        "/dashboard/..%2FBUILD.json",
        "/dashboard/BUILD.json",
        "/dashboard/%2e%2e/_app.py",
    ):
        assert get(path).status_code == 404, path


def test_the_page_needs_no_key_but_the_api_still_does(get: Get) -> None:
    assert get("/").status_code == 200
    refused = get("/v1/executions")
    assert refused.status_code == 401 and refused.json()["code"] == 16


def test_the_dashboard_is_not_in_the_openapi_document(get: Get) -> None:
    paths = json.loads(get("/openapi.json").text)["paths"]
    assert "/" not in paths and not any(p.startswith("/dashboard") for p in paths)
