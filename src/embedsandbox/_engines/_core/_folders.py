"""The host folders of the guests that see real ones (Ruby, PHP): made, filled, removed.

A run's folder (mode 0700, removed after it) lives in memory where Linux offers a
memory-backed one (`/dev/shm`), so no guest writes the host's disk; else the system's temp
folder. The paths in a request were validated by the Sandbox (relative, no `..`);
`lay_out` checks again that each stays inside its folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from ...errors import RuntimeUnavailableError

__all__ = ["SCRATCH", "lay_out", "new_folder", "remove", "stdin_file"]


def _scratch() -> str | None:
    shm = "/dev/shm"  # noqa: S108 - a private folder is made in it, never a fixed name
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


SCRATCH: Final = _scratch()
"""Where run folders are made (None: the system's temp folder)."""


def new_folder(prefix: str) -> Path:
    """A new private folder for one run (mode 0700)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=SCRATCH))


def stdin_file(prefix: str, data: bytes) -> str:
    """A private file holding a run's stdin, beside its folders (never in them)."""
    fd, path = tempfile.mkstemp(prefix=prefix, dir=SCRATCH)
    with open(fd, "wb") as handle:
        handle.write(data)
    return path


def lay_out(folder: Path, files: Mapping[str, str]) -> None:
    """Write a request's files (relative path -> text) under `folder`."""
    root = folder.resolve()
    for relative, contents in files.items():
        path = (root / relative).resolve()
        if root not in path.parents:
            msg = f"file path {relative!r} leaves the guest's folder"
            raise RuntimeUnavailableError(msg)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(contents, encoding="utf-8")


def remove(*paths: Path | str | None) -> None:
    """Remove run folders and files; what is already gone is skipped."""
    for path in paths:
        if path is None:
            continue
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            Path(path).unlink(missing_ok=True)
