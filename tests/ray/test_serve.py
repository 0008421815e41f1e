"""`serve_deployment()`: the HTTP server as a Ray Serve application on the local cluster,
answering the official routes over loopback HTTP with an API key (and 401 without one)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from ray import serve

from embedsandbox._keys import KeyStore
from embedsandbox.ray import serve_deployment
from embedsandbox.server import ServerOptions

pytestmark = pytest.mark.ray


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(ray_cluster: None, tmp_path: Path) -> Iterator[tuple[str, str]]:
    keys = KeyStore(tmp_path / "keys.sqlite3")
    _, key = keys.create()
    keys.close()
    port = _free_port()
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    options = ServerOptions(
        store=tmp_path / "store.sqlite3", keys=tmp_path / "keys.sqlite3", workers=1
    )
    # no CPU reserved: the session's pool holds the small cluster's CPUs
    app = serve_deployment(options, num_replicas=1, ray_actor_options={"num_cpus": 0})
    serve.run(app, route_prefix="/")
    try:
        yield f"http://127.0.0.1:{port}", key
    finally:
        serve.shutdown()


def test_the_serve_deployment_answers_v1_execute(served: tuple[str, str]) -> None:
    url, key = served
    body = {"language": "python", "code": "import sys\nprint(6 * 7, sys.argv[1:])", "args": ["x"]}
    with httpx.Client(base_url=url, timeout=60) as client:
        ok = client.post("/v1/execute", json=body, headers={"Authorization": f"Bearer {key}"})
        anonymous = client.post("/v1/execute", json=body)
    assert ok.status_code == 200, ok.text
    assert ok.json()["exit_code"] == 0
    assert ok.json()["stdout"] == "42 ['x']\n"
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == 16


def test_the_deployment_options_are_checked() -> None:
    with pytest.raises(ValueError, match="num_replicas or autoscaling_config"):
        serve_deployment(num_replicas=2, autoscaling_config={"max_replicas": 3})
    app = serve_deployment()
    deployment = app._bound_deployment  # what serve.run would deploy
    assert deployment.name == "embedsandbox"
    config = deployment._deployment_config.autoscaling_config
    assert (config.min_replicas, config.max_replicas) == (1, 4)
    assert config.target_ongoing_requests == 2
