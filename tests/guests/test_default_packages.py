"""The packages every default Python guest has beyond the interpreter's: requests, httpx and
their dependencies, from wheels pinned by sha256, unpacked once, read-only in the guest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from embedsandbox import Sandbox
from embedsandbox._artifacts import manifest
from embedsandbox._engines import _guest_packages
from embedsandbox._engines._base import Invocation, RuntimePackages
from embedsandbox._engines._pool import PoolSize
from embedsandbox._engines._python import PythonEngine
from embedsandbox.errors import RuntimeUnavailableError

pytestmark = pytest.mark.guest

PINNED = manifest()["guest_packages"]["python"]


def _version(package: str) -> str:
    name = next(n for n in PINNED if n.startswith(f"{package}-"))
    return name.split("-")[1]


def test_requests_and_its_dependencies_import_at_their_pinned_versions(sandbox: Sandbox) -> None:
    code = (
        "import requests, urllib3, idna, certifi, httpx\n"
        "print(requests.__version__, urllib3.__version__, idna.__version__, httpx.__version__)"
    )
    result = sandbox.run_script(language="python", code=code)
    assert 0 == result.exit_code, result.stderr
    names = ("requests", "urllib3", "idna", "httpx")
    expected = " ".join(_version(p) for p in names)
    assert expected + "\n" == result.stdout


def test_they_are_read_only_and_last_on_the_path(sandbox: Sandbox) -> None:
    code = (
        "import os, sys, requests\n"
        "print(sys.path[-1] == os.path.dirname(os.path.dirname(requests.__file__)))\n"
        "try:\n"
        "    open(requests.__file__, 'a')\n"
        "except OSError as e:\n"
        "    print(type(e).__name__)\n"
        "print(sorted(os.listdir('/')))\n"
    )
    result = sandbox.run_script(language="python", code=code)
    assert 0 == result.exit_code, result.stderr
    assert "True\nPermissionError\n['tmp']\n" == result.stdout


def test_the_requests_files_shadow_the_defaults(sandbox: Sandbox) -> None:
    """The guest's own files come first on sys.path (as a runtime's packages do)."""
    files = [{"path": "requests/__init__.py", "contents": "__version__ = 'mine'\n"}]
    code = "import requests; print(requests.__version__)"
    result = sandbox.run_script(language="python", code=code, files=files)
    assert "mine\n" == result.stdout, result.stderr


def _copy_wheels(tmp_path: Path) -> Path:
    wheels = tmp_path / "wheels"
    shutil.copytree(_guest_packages._WHEELS, wheels)
    return wheels


def test_a_tampered_wheel_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheels = _copy_wheels(tmp_path)
    victim = wheels / next(iter(sorted(PINNED)))
    victim.write_bytes(victim.read_bytes() + b"\0")
    monkeypatch.setattr(_guest_packages, "_WHEELS", wheels)
    cache = tmp_path / "cache"
    cache.mkdir()
    with pytest.raises(RuntimeUnavailableError, match=f"refusing to load .*{victim.name}"):
        _guest_packages.default_python_packages(cache)
    assert [] == list(cache.iterdir())  # nothing half-made is left


def test_a_missing_wheel_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheels = _copy_wheels(tmp_path)
    (wheels / next(iter(sorted(PINNED)))).unlink()
    monkeypatch.setattr(_guest_packages, "_WHEELS", wheels)
    with pytest.raises(RuntimeUnavailableError, match="is missing"):
        _guest_packages.default_python_packages(tmp_path)


def test_unpacked_once_into_read_only_files(tmp_path: Path) -> None:
    site = _guest_packages.default_python_packages(tmp_path)
    assert (site / "requests" / "__init__.py").is_file()
    assert not (site / "requests" / "__init__.py").stat().st_mode & 0o222
    assert PINNED == json.loads((site.parent / "record.json").read_text())
    assert site == _guest_packages.default_python_packages(tmp_path)  # found, not made again
    assert 1 == len([p for p in tmp_path.iterdir() if p.name.startswith("guest-packages-")])
    _guest_packages._remove(site.parent)  # read-only files: pytest's cleanup needs help


@pytest.mark.parametrize("ahead", ["requests", "urllib3", "httpx", "urllib.request"])
def test_http_libraries_imported_ahead_by_a_runtime_still_use_the_gateway(
    sandbox: Sandbox, tmp_path: Path, ahead: str
) -> None:
    """A revision's `additional_python_imports` run in the warm-up, before any job: what they
    import is patched there too, so its requests reach the host's door, never a socket."""
    sandbox.warmup(["python"])
    engine = PythonEngine(sandbox._cache_dir / "python", PoolSize(0, 0))
    calls: list[bytes] = []

    def host_call(request: bytes) -> bytes:
        calls.append(request)
        return json.dumps({"error": "refused by the test's host", "kind": "denied"}).encode()

    get = {
        "requests": "import requests; requests.get('http://example.com/')",
        "urllib3": "import urllib3; urllib3.PoolManager().request('GET', 'http://example.com/')",
        "httpx": "import httpx; httpx.get('http://example.com/')",
        "urllib.request": "import urllib.request; urllib.request.urlopen('http://example.com/')",
    }[ahead]
    code = f"try:\n    {get}\nexcept Exception as e:\n    print('refused by the test' in str(e))\n"
    try:
        packages = RuntimePackages(python_path=str(tmp_path), imports=(ahead,))
        outcome = engine.run(
            Invocation(
                language="python", code=code, entry="script", packages=packages, host_call=host_call
            )
        )
    finally:
        engine.close()
    assert "True\n" == outcome.stdout, outcome.stderr
    assert 1 <= len(calls) and b'"http"' in calls[0]
