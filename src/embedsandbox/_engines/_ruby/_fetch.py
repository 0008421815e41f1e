"""Getting the Ruby build: the pinned npm tarball, checked, unpacked into the cache folder.

The build is not a Python package: it comes from the npm registry as the tarball that
`wasm-runtimes/manifest.json` pins (`runtimes.ruby`: its URL and sha512 `integrity`, and the
sha256 of each file taken from it). On first use (or `embedsandbox warmup ruby`) the tarball
is downloaded with a progress message on stderr (~30 MB), checked against the pinned sha512
before anything in it is read, and the pinned files (`ruby+stdlib.wasm`) and the licence
files (`LICENSE`, `NOTICE`) are written into `<cache>/ruby/`, each file checked against its
pinned sha256 first. Nothing else of the tarball is unpacked (no paths from it are used).

Offline: a tarball already at `<cache>/ruby/<name>.tgz` is used instead of the network (the
same sha512 check), so `curl -o <that path> <url>` elsewhere is the one-command way in; a
failed download raises `RuntimeUnavailableError` saying exactly that.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import tarfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Final

from ..._artifacts import check_pinned, manifest, write_cache_file
from ...errors import RuntimeUnavailableError

__all__ = ["WASM_MEMBER", "build_files", "check_files", "fetch", "pinned", "tarball_path"]

logger = logging.getLogger("embedsandbox")

WASM_MEMBER: Final = "package/dist/ruby+stdlib.wasm"
_TIMEOUT_S: Final = 120.0
_MAX_TARBALL: Final = 256 << 20  # the pinned one is 30 MB; refuse a runaway download
_lock = threading.Lock()


def pinned() -> dict[str, Any]:
    """The manifest's `runtimes.ruby` entry."""
    entry: dict[str, Any] = manifest()["runtimes"]["ruby"]
    return entry


def _local_name(member: str) -> str:
    return member.rsplit("/", 1)[-1]


def build_files(folder: Path) -> dict[str, Path]:
    """Where each pinned file (and licence file) of the build lives in `folder`."""
    entry = pinned()
    members = [*entry["files"], *entry.get("notices", [])]
    return {member: folder / _local_name(member) for member in members}


def tarball_path(folder: Path) -> Path:
    """Where a tarball put there by hand (offline installs) is looked for."""
    return folder / _local_name(str(pinned()["tarball"]))


def fetch(folder: Path) -> dict[str, Path]:
    """The build's files in `folder`, downloaded and unpacked first if any is missing.

    The .wasm files are checked against their pinned sha256 here only when written; the
    engine checks the bytes it compiles again (`_core.load_module`).

    Raises:
        RuntimeUnavailableError: the tarball cannot be downloaded, or it or a file in it
            does not match the manifest.

    """
    files = build_files(folder)
    if all(path.is_file() for path in files.values()):
        return files
    with _lock:
        if all(path.is_file() for path in files.values()):
            return files
        entry = pinned()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        local = tarball_path(folder)
        data = local.read_bytes() if local.is_file() else _download(entry, local)
        _check_integrity(data, entry, local)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member, path in files.items():
                content = _member(tar, member)
                expected = entry["files"].get(member)
                if expected is not None:
                    actual = hashlib.sha256(content).hexdigest()
                    if actual != expected:
                        msg = (
                            f"refusing the Ruby build: {member} in {entry['tarball']} has sha256 "
                            f"{actual}, but wasm-runtimes/manifest.json pins {expected}"
                        )
                        raise RuntimeUnavailableError(msg)
                write_cache_file(path, content)
        local.unlink(missing_ok=True)  # 30 MB no longer needed: its files are out
    return files


def check_files(files: dict[str, Path]) -> None:
    """Check the unpacked .wasm files against the manifest (a tampered cache is refused)."""
    for member, expected in pinned()["files"].items():
        check_pinned(files[member], expected, "delete it; it is fetched again on next use")


def _download(entry: dict[str, Any], local: Path) -> bytes:
    url = str(entry["tarball"])
    logger.warning(
        "embedsandbox: fetching the Ruby interpreter (%s %s, about 30 MB) from %s, once per "
        "machine; it is kept in %s",
        entry["package"],
        entry["version"],
        url,
        local.parent,
    )
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as response:  # noqa: S310 - pinned https URL
            data: bytes = response.read(_MAX_TARBALL + 1)
    except (urllib.error.URLError, OSError, ValueError) as e:
        msg = (
            f"the Ruby interpreter is not in {local.parent} and could not be fetched from {url} "
            f"({e}); run `embedsandbox warmup ruby` where the npm registry is reachable, or "
            f"download that file to {local} (e.g. curl -fo {str(local)!r} {url}) and run again"
        )
        raise RuntimeUnavailableError(msg) from None
    if len(data) > _MAX_TARBALL:
        msg = f"refusing the Ruby build: {url} is larger than {_MAX_TARBALL} bytes"
        raise RuntimeUnavailableError(msg)
    logger.info("embedsandbox: fetched %s in %.1f s", url, time.monotonic() - start)
    return data


def _check_integrity(data: bytes, entry: dict[str, Any], local: Path) -> None:
    sri = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if sri != entry["integrity"]:
        local.unlink(missing_ok=True)
        msg = (
            f"refusing the Ruby build: the tarball's integrity is {sri}, but "
            f"wasm-runtimes/manifest.json pins {entry['integrity']} ({entry['tarball']})"
        )
        raise RuntimeUnavailableError(msg)


def _member(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        info = tar.getmember(name)
    except KeyError:
        info = None
    handle = tar.extractfile(info) if info is not None and info.isfile() else None
    if handle is None:
        msg = f"refusing the Ruby build: the pinned tarball has no file {name}"
        raise RuntimeUnavailableError(msg)
    content: bytes = handle.read()
    return content
