"""Credentials on the wire: one Authorization header, never a key in the URL or a log."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .conftest import Server


@pytest.fixture(scope="module")
def key(server: Server) -> str:
    return server.key()


def test_a_single_valid_header_authenticates(server: Server, key: str) -> None:
    response = httpx.get(server.url + "/v1/tools", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "second", ["garbage", "Bearer esk_wrong", "Bearer {key}", "Basic Zm9vOmJhcg==", ""]
)
@pytest.mark.parametrize("valid_first", [True, False])
def test_duplicate_authorization_headers_are_refused(
    server: Server, key: str, second: str, valid_first: bool
) -> None:
    valid = ("Authorization", f"Bearer {key}")
    other = ("Authorization", second.format(key=key))
    headers = [valid, other] if valid_first else [other, valid]
    response = httpx.get(server.url + "/v1/tools", headers=headers)
    assert response.status_code == 401
    assert "more than one Authorization header" in response.json()["message"]


@pytest.mark.parametrize(
    "query",
    [
        "api_key={key}",
        "key={key}",
        "token={key}",
        "access_token={key}",
        "apiKey={key}",
        "X-Api-Key={key}",
        "auth={key}",
        "limit=5&password=hunter2",
        "q={key}",
        "q=%65sk_{rest}",
    ],
)
def test_credentials_in_the_url_are_refused_and_never_logged(
    server: Server, key: str, query: str
) -> None:
    url = f"{server.url}/v1/tools?" + query.format(key=key, rest=key[4:])
    for headers in ({}, {"Authorization": f"Bearer {key}"}):
        response = httpx.get(url, headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == 16 and "Authorization: Bearer" in body["message"]
        assert key not in response.text
    assert key[4:] not in server.log_text()


def test_a_key_in_the_path_is_refused_and_not_logged(server: Server, key: str) -> None:
    response = httpx.get(f"{server.url}/v1/tools/{key}")
    assert response.status_code == 401
    httpx.get(f"{server.url}/healthz?limit=1")
    log = server.log_text()
    assert key[4:] not in log
    assert "/healthz?[query redacted]" in log  # the access log keeps paths, not queries


def test_ordinary_query_strings_still_work(server: Server, key: str) -> None:
    auth = {"Authorization": f"Bearer {key}"}
    response = httpx.get(
        f"{server.url}/v1/executions?limit=2&only_non_zero_exit_codes=true", headers=auth
    )
    assert response.status_code == 200, response.text


def test_one_keys_burst_does_not_starve_another_key(server: Server, key: str) -> None:
    # The server has 2 workers: one key holds at most one; the other key's run still starts.
    other = server.key("fairness-b")
    slow = {
        "language": "javascript",
        "code": "const end = Date.now() + 3000; while (Date.now() < end) {}",
    }

    def run(api_key: str, body: dict[str, str]) -> float:
        start = time.monotonic()
        response = httpx.post(
            server.url + "/v1/execute",
            json=body,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return time.monotonic() - start

    with ThreadPoolExecutor(5) as threads:
        burst = [threads.submit(run, key, slow) for _ in range(4)]
        time.sleep(0.5)
        quick = threads.submit(run, other, {"language": "javascript", "code": "1"}).result()
        assert quick < 2.5, quick
        assert all(f.result() > 2.5 for f in burst)
