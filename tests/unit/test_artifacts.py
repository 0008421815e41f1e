"""The interpreter builds are checked against wasm-runtimes/manifest.json before use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embedsandbox import _artifacts
from embedsandbox.errors import RuntimeUnavailableError


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_artifacts, "_verified", {})


def _manifest_with(monkeypatch: pytest.MonkeyPatch, **changes: object) -> None:
    real = json.loads(json.dumps(_artifacts.manifest()))
    real["runtimes"]["javascript"].update(changes)
    monkeypatch.setattr(_artifacts, "manifest", lambda: real)


def test_the_installed_builds_match_the_manifest(tmp_path: Path) -> None:
    for language in ("python", "javascript", "php"):
        paths = _artifacts.verify_runtime(language, tmp_path)
        assert paths and all(path.is_file() for path in paths.values())
    # the stamp lets the next process skip hashing
    assert (tmp_path / "verified-python.json").is_file()


def test_a_tampered_build_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _manifest_with(monkeypatch, files={"quickjs_rs/_guest.wasm": "0" * 64})
    with pytest.raises(
        RuntimeUnavailableError, match="refusing to load .*_guest.wasm: its sha256 is"
    ):
        _artifacts.verify_runtime("javascript", tmp_path)


def test_a_stale_stamp_does_not_hide_tampering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _artifacts.verify_runtime("javascript", tmp_path)  # writes a stamp for the good hash
    monkeypatch.setattr(_artifacts, "_verified", {})
    _manifest_with(monkeypatch, files={"quickjs_rs/_guest.wasm": "1" * 64})
    with pytest.raises(RuntimeUnavailableError, match="sha256"):
        _artifacts.verify_runtime("javascript", tmp_path)


def test_a_wrong_package_version_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _manifest_with(monkeypatch, version="9.9.9")
    with pytest.raises(RuntimeUnavailableError, match="pinned to 9.9.9"):
        _artifacts.verify_runtime("javascript", tmp_path)


def test_a_missing_package_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _manifest_with(monkeypatch, package="no-such-package-xyz")
    with pytest.raises(RuntimeUnavailableError, match="pip install 'no-such-package-xyz=="):
        _artifacts.verify_runtime("javascript", tmp_path)
