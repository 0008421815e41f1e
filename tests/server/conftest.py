"""A real `embedsandbox serve` process on 127.0.0.1 with its own EMBEDSANDBOX_HOME.

The home's `cache` links to the suite's interpreter cache, so no test compiles Python again.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from embedsandbox._sandbox import default_cache_dir


@dataclass
class Server:
    url: str
    home: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return cli(self.env, *args, stdin=stdin)

    def key(self, project: str = "default") -> str:
        done = self.cli("keys", "create", "--project", project, "--json")
        assert done.returncode == 0, done.stderr
        return str(json.loads(done.stdout)["key"])

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def cli(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "embedsandbox", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def make_home(path: Path) -> dict[str, str]:
    path.mkdir(parents=True, exist_ok=True)
    cache = default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    (path / "cache").symlink_to(cache, target_is_directory=True)
    return {**os.environ, "EMBEDSANDBOX_HOME": str(path)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path, *options: str) -> Server:
    env = make_home(home)
    port = _free_port()
    log = home / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "embedsandbox", "serve", "--port", str(port), *options],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", home, env, process, log)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(server.url + "/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the server did not start:\n" + server.log_text())
        time.sleep(0.1)


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(
        tmp_path_factory.mktemp("server-home"),
        "--workers",
        "4",
        "--queue-timeout",
        "60",
        "--max-body-bytes",
        "1000000",
    )
    try:
        yield running
    finally:
        stop_server(running)
