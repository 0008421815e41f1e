"""A client's mistake is a 4xx `{code, message}`, never a 500: any text in any path segment or
query parameter, any JSON body, on every route of the app, in process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from embedsandbox._keys import KeyStore
from embedsandbox._sandbox import default_cache_dir
from embedsandbox.server import ServerOptions, create_app

from ._in_process import InProcess, api_routes


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, InProcess]]:
    home = tmp_path_factory.mktemp("mistakes")
    keys = KeyStore(home / "keys.sqlite3")
    key = keys.create("p")[1]
    keys.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EMBEDSANDBOX_HOME", str(home / "home"))
        app = create_app(
            ServerOptions(
                store=home / "store.sqlite3",
                keys=home / "keys.sqlite3",
                cache_dir=default_cache_dir(),
            )
        )
        client = InProcess(app, {"Authorization": f"Bearer {key}"})
        try:
            yield app, client
        finally:
            client.close()


_json: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
# Field names the bodies know, so some generated bodies get past the first check.
_fields = st.sampled_from(
    ["language", "code", "input", "name", "value", "manifest_file", "env", "limits", "revision_id"]
)
_body = _json | st.dictionaries(_fields, _json, max_size=4)
_segment = st.text(min_size=1, max_size=30)  # an empty one is another route (or a redirect)
_query = st.dictionaries(
    st.sampled_from(["limit", "starting_after", "only_non_zero_exit_codes"]),
    st.text(max_size=20),
    max_size=3,
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_path_query_or_body_gets_a_clean_answer(
    served: tuple[FastAPI, InProcess], data: st.DataObject
) -> None:
    app, client = served
    routes = sorted((method, route.path) for route in api_routes(app) for method in route.methods)
    method, template = data.draw(st.sampled_from(routes))
    path = template
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + quote(data.draw(_segment), safe="") + path[end + 1 :]
    query = data.draw(_query)
    kwargs: dict[str, Any] = {"params": query}
    if method in ("POST", "DELETE"):
        kwargs["content"] = json.dumps(data.draw(_body)).encode()
        kwargs["headers"] = {"Content-Type": "application/json"}
    response = client.request(method, path, **kwargs)
    event(f"{response.status_code} {template}")  # `--hypothesis-show-statistics` shows the mix
    assert response.status_code < 500, (method, path, query, response.text)
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message"}, body
        assert isinstance(body["code"], int) and isinstance(body["message"], str)
        assert "Traceback" not in body["message"]


@pytest.mark.parametrize(
    "segment",
    ["%ED%A0%80", "%FF%FE", "%00", "id_" + "x" * 20_000, "%0A%0D", "..%2F..%2Fkeys"],
)
@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("DELETE", "/v1/secrets/{}"),  # our extension
        ("GET", "/v1/tools/{}"),
        ("GET", "/v1/executions/{}"),
        ("GET", "/v1/runtimes/{}"),
    ],
)
def test_a_hostile_id_in_the_path_is_a_clean_4xx_that_does_not_echo_it(
    served: tuple[FastAPI, InProcess], method: str, template: str, segment: str
) -> None:
    """An id as a client may mangle it: a lone surrogate or invalid UTF-8 (percent-encoded),
    NUL, a 20 KB id, line breaks, a path."""
    _, client = served
    response = client.request(method, template.format(segment))
    assert response.status_code in (400, 404, 414), (segment[:40], response.text[:200])
    body = response.json()
    assert set(body) == {"code", "message"} and "Traceback" not in body["message"]
    assert len(body["message"]) < 1000  # the id is not echoed whole
