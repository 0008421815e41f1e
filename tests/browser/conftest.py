"""A real `embedsandbox serve` on 127.0.0.1 and Debian's headless chromium, driven by Playwright.

Playwright's own browsers are never downloaded: it launches /usr/bin/chromium (scripts/test
installs it when missing) through `executable_path`. Each test gets a new browser context, so
its sessionStorage (where the dashboard keeps the API key) starts empty. Every page records
Content-Security-Policy violations and page errors; a test that caused one fails.

Screenshots go to a temporary folder, or to `$EMBEDSANDBOX_SCREENSHOTS` (the README's come from
`EMBEDSANDBOX_SCREENSHOTS=docs/screenshots`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import Server, start_server, stop_server

CHROMIUM = os.environ.get("EMBEDSANDBOX_CHROMIUM", "/usr/bin/chromium")
# As root in a container: no sandbox; and nothing that would reach the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

playwright_sync = pytest.importorskip(
    "playwright.sync_api", reason="playwright is in the dev extra: pip install -e '.[dev]'"
)
expect = playwright_sync.expect
if not (os.access(CHROMIUM, os.X_OK) or shutil.which(CHROMIUM)):
    pytest.skip(
        f"no chromium at {CHROMIUM} (Debian: apt-get install chromium; scripts/test does it "
        "as root); set EMBEDSANDBOX_CHROMIUM to another one",
        allow_module_level=True,
    )


@dataclass
class Dashboard:
    """The server, a key of its default project, and where screenshots go."""

    server: Server
    key: str
    shots: Path
    problems: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url + "/"


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    running = start_server(tmp_path_factory.mktemp("browser-home"), "--workers", "2")
    shots = Path(os.environ.get("EMBEDSANDBOX_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield Dashboard(running, running.key(), shots)
    finally:
        stop_server(running)


# Module scope, not session: Playwright's sync API runs an event loop on the main thread
# until it stops, and `asyncio.run` in any later test of the session would refuse to start.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as playwright:
        # `launch` gives chromium a fresh temporary profile (--user-data-dir) of its own.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, dashboard: Dashboard) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(30_000)
    opened = context.new_page()
    problems: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text or "Trusted Type" in message.text:
            problems.append(f"console: {message.text}")

    opened.on("console", on_console)
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    try:
        yield opened
        assert not problems, problems
    finally:
        context.close()


def sign_in(page: Any, dashboard: Dashboard, key: str | None = None) -> None:
    page.goto(dashboard.url)
    page.get_by_test_id("api-key").fill(key or dashboard.key)
    page.get_by_test_id("signin").click()
    page.get_by_test_id("nav-playground").wait_for()


def set_code(page: Any, code: str) -> None:
    """Replace the editor's text as typing would (CodeMirror in its shadow root)."""
    editor = page.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)
