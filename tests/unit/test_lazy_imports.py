"""`import embedsandbox` stays cheap: heavy libraries load when a run first needs them.

urllib3 (with http.client and ssl) loads on a guest's first HTTP request, idna on the first
non-ASCII host name, jsonschema and referencing on the first tool schema checked.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

LAZY = ("urllib3", "jsonschema", "referencing", "http.client", "ssl", "idna")

_PROBE = (
    "import embedsandbox, sys, json; "
    f"print(json.dumps(sorted(m for m in {LAZY!r} if m in sys.modules)))"
)


@pytest.fixture(scope="module")
def loaded() -> list[str]:
    """The modules of `LAZY` that a fresh `import embedsandbox` loads."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    found: list[str] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize("module", LAZY)
def test_import_embedsandbox_does_not_load(module: str, loaded: list[str]) -> None:
    assert module not in loaded
