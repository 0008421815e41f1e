"""The interpreter builds' checked data: `wasm-runtimes/manifest.json` and its sha256 check.

Each language's build comes from a young package pinned exactly in pyproject.toml. Before an
engine loads a build, `verify_runtime` checks the package version and every listed file's
sha256 against the manifest, and refuses a mismatch with `RuntimeUnavailableError`. Hashing
150 MB takes a fraction of a second, so a verified file's (size, mtime, inode) is remembered
in a stamp beside the compiled-module cache; a changed file is hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import tempfile
import threading
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import RuntimeUnavailableError

_lock = threading.Lock()
_verified: dict[str, dict[str, Path]] = {}


@cache
def manifest() -> dict[str, Any]:
    """The manifest: from the installed wheel, else from the source checkout."""
    packaged = resources.files("embedsandbox").joinpath("_wasm_manifest.json")
    if packaged.is_file():
        text = packaged.read_text()
    else:
        text = (Path(__file__).resolve().parents[2] / "wasm-runtimes" / "manifest.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_pinned(path: Path, expected: str, remedy: str) -> None:
    """Raise RuntimeUnavailableError unless the file's sha256 is the manifest's `expected`.

    `remedy` ends the message: what the user should do (e.g. "reinstall quickjs-rs").
    """
    actual = sha256_of(path)
    if actual != expected:
        msg = (
            f"refusing to load {path}: its sha256 is {actual}, but "
            f"wasm-runtimes/manifest.json pins {expected}; {remedy}"
        )
        raise RuntimeUnavailableError(msg)


def verify_runtime(language: str, stamp_dir: Path) -> dict[str, Path]:
    """Check `language`'s interpreter build against the manifest; return its files' paths.

    Raises:
        RuntimeUnavailableError: the package is missing, has another version, or a file's
            sha256 differs from the manifest (a tampered or corrupt build).

    """
    with _lock:
        if language in _verified:
            return _verified[language]
        entry = manifest()["runtimes"][language]
        package = entry["package"]
        if "build" in entry:  # our own build (PHP), shipped in this package: no version
            return _verify_files(language, entry, stamp_dir, "reinstall embedsandbox")
        try:
            installed = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            msg = (
                f"the {language} interpreter build is not installed: package {package!r} "
                f"is missing; pip install '{package}=={entry['version']}'"
            )
            raise RuntimeUnavailableError(msg) from None
        if installed != entry["version"]:
            msg = (
                f"the {language} interpreter build has version {installed} of {package!r}, "
                f"but this embedsandbox is pinned to {entry['version']}; "
                f"pip install '{package}=={entry['version']}'"
            )
            raise RuntimeUnavailableError(msg)
        return _verify_files(language, entry, stamp_dir, f"reinstall {package}")


def _verify_files(
    language: str, entry: dict[str, Any], stamp_dir: Path, remedy: str
) -> dict[str, Path]:
    # Called with `_lock` held.
    stamp_path = stamp_dir / f"verified-{language}.json"
    try:
        stamps: dict[str, Any] = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamps = {}
    paths: dict[str, Path] = {}
    changed = False
    for relative, expected in entry["files"].items():
        path = _locate(relative)
        if path is None:
            msg = f"the {language} interpreter build is incomplete: {relative} is missing"
            raise RuntimeUnavailableError(msg)
        st = path.stat()
        key = [st.st_size, st.st_mtime_ns, st.st_ino, expected]
        if stamps.get(str(path)) != key:
            check_pinned(path, expected, remedy)
            stamps[str(path)] = key
            changed = True
        paths[relative] = path
    if changed:
        _write_atomic(stamp_path, json.dumps(stamps))
    _verified[language] = paths
    return paths


def _locate(relative: str) -> Path | None:
    top, _, rest = relative.partition("/")
    try:
        root = resources.files(top)
    except ModuleNotFoundError:
        return None
    path = Path(str(root.joinpath(rest)))
    return path if path.is_file() else None


def _write_atomic(path: Path, text: str) -> None:
    try:
        write_cache_file(path, text.encode())
    except OSError:
        pass  # the stamp only saves time; without it we hash again next process


def write_cache_file(path: Path, *chunks: bytes | bytearray | memoryview) -> None:
    """Write a cache file atomically (0600 temp file, then rename). Raises `OSError`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
