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
