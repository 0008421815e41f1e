"""`embedsandbox ui`: a real server on 127.0.0.1, the dashboard opened in "the browser".

The browser is a recording script (`BROWSER`, which Python's webbrowser module honours), so
the test sees the address it was given: the dashboard's, with no key in it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from embedsandbox._keys import KeyStore
from tests.cli.conftest import Invoke

pytestmark = pytest.mark.guest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_ui_serves_the_dashboard_and_opens_it_without_the_key(home: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf %s "$1" > {opened}\n')
    browser.chmod(0o755)
    port = _free_port()
    env = {**os.environ, "BROWSER": str(browser)}
    process = subprocess.Popen(
        [sys.executable, "-m", "embedsandbox", "ui", "--port", str(port), "--new-key"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not opened.exists() or not opened.read_text():
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "the browser was not opened"
            time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/"
        assert opened.read_text() == url
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200 and "/dashboard/app.js" in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    # --new-key printed a working key once; the browser got the bare address only.
    key = next(line.rsplit(" ", 1)[1] for line in output.splitlines() if "shown once" in line)
    assert key.startswith("esk_") and key not in opened.read_text()
    keys = KeyStore(home / "keys.sqlite3")
    try:
        assert [record.name for record in keys.list()] == ["embedsandbox ui"]
    finally:
        keys.close()
    assert f"Dashboard: http://127.0.0.1:{port}/" in output


def test_ui_without_the_server_extra_exits_2(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "embedsandbox.server", None)
    done = invoke("ui", "--no-browser")
    assert done.exit_code == 2
    assert "the dashboard needs the server extra" in done.stderr


def test_ui_refuses_a_bad_port(invoke: Invoke) -> None:
    done = invoke("ui", "--port", "70000")
    assert done.exit_code == 2 and "--port" in done.stderr
