"""`import embedsandbox` stays cheap: heavy libraries load when a run first needs them.

urllib3 (with http.client and ssl) loads on a guest's first HTTP request, idna on the first
non-ASCII host name, jsonschema and referencing on the first tool schema checked. A JavaScript
run loads quickjs-rs's internals but not its package __init__ (and with it asyncio).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from embedsandbox._paths import user_cache_dir, user_data_dir

# mcp: the `mcp` extra loads only with `embedsandbox.integrations.mcp`
LAZY = ("urllib3", "jsonschema", "referencing", "http.client", "ssl", "idna", "mcp")

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


_FIRST_JS_RUN = """\
import json, sys
import embedsandbox
with embedsandbox.Sandbox(store=None) as sb:
    out = sb.run_script(language="javascript", code="console.log(6 * 7)").stdout
before = "asyncio" in sys.modules
import quickjs_rs
from quickjs_rs import Runtime
with Runtime() as rt:
    evaluated = rt.new_context(timeout=30).eval("1 + 2")
print(json.dumps([out, before, quickjs_rs.__version__, evaluated, hasattr(quickjs_rs, "nope")]))
"""


def test_a_javascript_run_leaves_quickjs_rs_whole_but_unloaded() -> None:
    # Our JS engine loads three quickjs_rs internals without the package's __init__ (which
    # imports asyncio); a later `import quickjs_rs` by anyone must still get all of it.
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_JS_RUN], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out, asyncio_loaded, version, evaluated, has_nope = json.loads(done.stdout.splitlines()[-1])
    assert (out, asyncio_loaded, evaluated, has_nope) == ("42\n", False, 3, False)
    assert version == importlib.metadata.version("quickjs-rs")


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux fast path")
@pytest.mark.parametrize("xdg", [None, "", "  ", "/somewhere/x"])
def test_user_folders_are_platformdirs_own(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    for variable in ("XDG_CACHE_HOME", "XDG_DATA_HOME"):
        if xdg is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, xdg)
    assert user_cache_dir() == Path(platformdirs.user_cache_dir("embedsandbox"))
    assert user_data_dir() == Path(platformdirs.user_data_dir("embedsandbox"))


def test_sandbox_start_up_does_not_import_platformdirs(tmp_path: Path) -> None:
    probe = (
        "import sys, embedsandbox; embedsandbox.Sandbox(store=None).close(); "
        "print('platformdirs' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "EMBEDSANDBOX_HOME"}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_DATA_HOME=str(tmp_path / "data"))
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("False" if sys.platform == "linux" else "True")
