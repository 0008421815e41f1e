"""Secrets never travel in a Ray task's arguments: the actors read them from the store by id.

Every `ActorMethod.remote(...)` call of the driver is recorded (Ray serialises exactly those
arguments) and pickled the way Ray does; the secret's value is in none of them, while the
guest (env) and the upstream server (an injected bearer token) see it.
"""

from __future__ import annotations

import hashlib
import http.server
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ray import cloudpickle
from ray.actor import ActorMethod

from embedsandbox import EgressOptions, Sandbox
from embedsandbox.ray import SandboxPool

pytestmark = pytest.mark.ray

TOOL = "import hashlib, os\ndef execute(input):\n    return hashlib.sha256(os.environ['TOKEN'].encode()).hexdigest()\n"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The pickled arguments of every actor method call made while the test runs."""
    calls: list[bytes] = []
    original = ActorMethod.remote

    def remote(self: ActorMethod, *args: Any, **kwargs: Any) -> Any:
        calls.append(cloudpickle.dumps((args, kwargs)))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ActorMethod, "remote", remote)
    return calls


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.headers.get("Authorization", ""))
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[tuple[int, list[str]]]:
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], _Recorder.seen
    finally:
        server.shutdown()
        server.server_close()


def test_a_tool_env_secret_is_read_by_id_on_the_actor(
    pool: SandboxPool, store: Path, sent: list[bytes]
) -> None:
    value = "s3cr3t-" + secrets.token_hex(16)
    with Sandbox(store=store) as sb:
        secret_id = sb.secrets.create(name="token", value=value).id
        tool = sb.tools.create(name="token_hash", code=TOOL, language="python")
    env = [{"name": "TOKEN", "secret_id": secret_id}]
    one = pool.run_tool(tool.id, input={}, env=env)
    batch = list(
        pool.map([{"input": i, "env": env} for i in range(4)], kind="tool", tool_id=tool.id)
    )
    expected = hashlib.sha256(value.encode()).hexdigest()
    assert one.output == expected  # the guest saw the value
    assert [r.output for r in batch] == [expected] * 4
    assert len(sent) == 2  # the single run, and the batch in one chunk
    assert all(secret_id.encode() in payload for payload in sent)
    assert not any(value.encode() in payload for payload in sent)


def test_an_http_secret_is_injected_on_the_actor(
    ray_cluster: None, store: Path, sent: list[bytes], upstream: tuple[int, list[str]]
) -> None:
    port, seen = upstream
    value = "tok-" + secrets.token_hex(16)
    with Sandbox(store=store) as sb:
        secret_id = sb.secrets.create(name="api", value=value).id
    sent.clear()
    with SandboxPool(
        actors=1,
        store=store,
        num_cpus=0.5,
        egress=EgressOptions(allow_private_networks=["127.0.0.1/32"]),
    ) as pool:
        result = pool.run_script(
            language="python",
            code="import sys, urllib.request\nprint(urllib.request.urlopen(sys.argv[1]).read().decode())",
            args=[f"http://127.0.0.1:{port}/"],
            http={
                "allow": [
                    {"host": f"127.0.0.1:{port}", "auth": {"bearer": {"secret_id": secret_id}}}
                ]
            },
        )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ok\n"
    assert seen == [f"Bearer {value}"]
    assert sent and not any(value.encode() in payload for payload in sent)
