"""`output_files`: which of a finished guest's files go back to the caller, within the caps.

Each engine lists its guest's files its own way (Python's in-memory disk, Ruby's run
folder, JavaScript's in-guest `fs`) as `Entry`s; `collect` applies the rules every guest
shares:

- a pattern is a relative glob: `*`, `?` and `[...]` match within one path part, `**` any
  number of parts (none included), so `out/**` is everything under `out/`;
- only regular files are returned; a link or special file that matches is named, never
  followed (`not a regular file`);
- in path order, a file larger than `output_file_bytes`, or past `output_files_count` files
  or `output_files_bytes` in all, is left out and named with the cap it was past; at most
  `MAX_LEFT_OUT` are named and all are counted, so nothing is dropped silently.

A file's bytes are read only once it is known to fit (`Entry.read`), so a guest that leaves
a gigabyte behind costs the host nothing it did not ask for.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Final

from .._base import RawOutcome, RunLimits

__all__ = ["MAX_LEFT_OUT", "Entry", "collect", "folder_entries", "matches"]

MAX_LEFT_OUT: Final = 100
NOT_REGULAR: Final = "not a regular file"


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of a finished guest: its path under the working directory, size, reader."""

    path: str  # relative POSIX path
    size: int
    read: Callable[[], bytes] | None  # None: not a regular file


def folder_entries(root: Path) -> Iterator[Entry]:
    """The entries of a host folder a guest wrote (no link followed, none left out)."""
    for top, dirs, files in os.walk(root, followlinks=False):
        base = Path(top)
        for name in [*files, *dirs]:
            path = base / name
            try:
                info = path.lstat()
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                continue  # walked into (a link to a folder is not a folder: lstat)
            rel = path.relative_to(root).as_posix()
            regular = stat.S_ISREG(info.st_mode)
            yield Entry(rel, info.st_size, _reader(path) if regular else None)


def _reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            return handle.read()

    return read


def matches(path: str, pattern: str) -> bool:
    """Whether the relative `path` matches the glob `pattern` (see the module doc)."""
    return _match(path.split("/"), pattern.split("/"))


def _match(parts: list[str], pats: list[str]) -> bool:
    if not pats:
        return not parts
    if pats[0] == "**":
        return any(_match(parts[i:], pats[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], pats[0]) and _match(parts[1:], pats[1:])


def collect(
    entries: Iterable[Entry], patterns: tuple[str, ...], limits: RunLimits, raw: RawOutcome
) -> None:
    """Fill `raw.files` and the left-out fields from `entries` (see the module doc)."""
    if not patterns:
        return
    wanted = sorted(
        (e for e in entries if any(matches(e.path, p) for p in patterns)), key=lambda e: e.path
    )
    total = 0
    for entry in wanted:
        reason = None
        if entry.read is None:
            reason = NOT_REGULAR
        elif entry.size > limits.output_file_bytes:
            reason = f"larger than output_file_bytes ({limits.output_file_bytes} bytes)"
        elif len(raw.files) >= limits.output_files_count:
            reason = f"past output_files_count ({limits.output_files_count} files)"
        elif total + entry.size > limits.output_files_bytes:
            reason = f"past output_files_bytes ({limits.output_files_bytes} bytes in all)"
        else:
            data = entry.read()
            if len(data) > limits.output_file_bytes or total + len(data) > (
                limits.output_files_bytes
            ):  # it changed size since it was listed
                reason = f"past output_files_bytes ({limits.output_files_bytes} bytes in all)"
            else:
                total += len(data)
                raw.files.append((entry.path, data))
        if reason is not None:
            raw.files_left_out_count += 1
            if len(raw.files_left_out) < MAX_LEFT_OUT:
                raw.files_left_out.append((entry.path, reason))
