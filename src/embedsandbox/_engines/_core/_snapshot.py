"""Snapshots: an instance's state after our own initialisation, restored into fresh instances.

A `Snapshot` is what differs between an instance we initialised (an interpreter started, its
prelude evaluated: our code only, before any run's data exists) and a fresh instance of the
same module: the 4 KiB pages of linear memory that differ, the memory's size, and the values
of the mutable globals (`__stack_pointer`). Tables are not part of it: the guests we snapshot
do not change theirs after instantiation (adapters that would must not snapshot). Restoring
grows the fresh instance's memory to the size, copies the differing runs of pages, and sets
the globals; most of an interpreter's memory is zero pages a fresh instance already has, so
this copies a few MB at most. Adapters keep their own facts about the state in `meta`
(integers: a handle, an offset), checked when loaded.

Restoring is one of two ways to give a fresh instance the state; the other bakes it into a
copy of the module (`_bake.py`), which wasmtime then maps copy-on-write: ~0.4 ms a guest
instead of ~2.6 ms for the QuickJS image, so the JavaScript engine bakes and keeps restoring
as its fallback (measured: docs/architecture.md, "Snapshots").

File format (the disk cache; `save`/`load`), little-endian:

    magic      the ASCII bytes "embedsandbox-snapshot" and a newline
    kind       the adapter's name for it, 1 byte of length then ASCII (e.g. "quickjs-t2")
    header     8 bytes of length, then JSON: {"size": bytes of linear memory,
               "runs": [[offset, length], ...] (ascending, non-overlapping, in the size),
               "globals": {name: int}, "meta": {name: int},
               "sha256": hex digest of the payload}
    payload    the runs' bytes, back to back, in the order of "runs"

A file that is torn, not ours, of another kind, or whose payload's digest differs is never
loaded (the image becomes guest memory); `load` returns None and the adapter rebuilds it.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import json
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, cast

import wasmtime

from ..._artifacts import write_cache_file
from ._wasmtime import memory_address

__all__ = [
    "PAGE",
    "Snapshot",
    "differing_runs",
    "load",
    "pagemap_flags",
    "private_pages",
    "read_digest",
    "save",
    "take",
    "touched_pages",
]

PAGE: Final = 4096
_WASM_PAGE: Final = 65536
_MAGIC: Final = b"embedsandbox-snapshot\n"


@dataclass(frozen=True)
class Snapshot:
    """The state to restore (see the module doc). `data` holds the runs from `start` on."""

    size: int
    data: bytes
    start: int
    runs: tuple[tuple[int, int], ...]
    globals: Mapping[str, int] = field(default_factory=dict)
    meta: Mapping[str, int] = field(default_factory=dict)

    @property
    def payload_bytes(self) -> int:
        return sum(length for _, length in self.runs)

    @functools.cached_property
    def digest(self) -> str:
        """The sha256 of the runs' bytes (what a baked module of it is keyed by)."""
        return hashlib.sha256(memoryview(self.data)[self.start :]).hexdigest()

    def chunks(self) -> Iterator[tuple[int, memoryview]]:
        """(offset, bytes) of each run."""
        view = memoryview(self.data)
        at = self.start
        for offset, length in self.runs:
            yield offset, view[at : at + length]
            at += length

    def image(self, fresh: bytes) -> bytes:
        """The whole memory: a fresh instance's (`fresh`) with the runs written over it."""
        image = bytearray(self.size)
        image[: min(len(fresh), self.size)] = fresh[: self.size]
        for offset, chunk in self.chunks():
            image[offset : offset + len(chunk)] = chunk
        return bytes(image)

    def restore(
        self,
        store: wasmtime.Store,
        memory: wasmtime.Memory,
        globals: Mapping[str, wasmtime.Global],
    ) -> None:
        """Make a fresh instance's memory and globals equal to this snapshot."""
        size = memory.data_len(store)
        if self.size > size:
            memory.grow(store, (self.size - size + _WASM_PAGE - 1) // _WASM_PAGE)
        address = memory_address(memory, store)
        source = ctypes.c_char_p(self.data)  # the bytes' own buffer, not a copy
        at = cast(int, ctypes.cast(source, ctypes.c_void_p).value) + self.start
        for offset, length in self.runs:
            ctypes.memmove(address + offset, at, length)
            at += length
        for name, value in self.globals.items():
            globals[name].set_value(store, value)


def differing_runs(image: bytes, fresh: bytes, page: int = PAGE) -> tuple[tuple[int, bytes], ...]:
    """The runs of pages where `image` differs from `fresh` (zeros past its end)."""
    runs: list[tuple[int, bytes]] = []
    start: int | None = None
    for offset in range(0, len(image), page):
        want = image[offset : offset + page]
        have = fresh[offset : offset + len(want)] if offset < len(fresh) else b""
        if want != have.ljust(len(want), b"\0"):
            if start is None:
                start = offset
        elif start is not None:
            runs.append((start, image[start:offset]))
            start = None
    if start is not None:
        runs.append((start, image[start:]))
    return tuple(runs)


def take(
    image: bytes,
    fresh: bytes,
    *,
    globals: Mapping[str, int],
    meta: Mapping[str, int] | None = None,
) -> Snapshot:
    """A snapshot of an initialised instance's memory `image` over a fresh one's `fresh`."""
    chunks = differing_runs(image, fresh)
    data = b"".join(chunk for _, chunk in chunks)
    runs = tuple((at, len(chunk)) for at, chunk in chunks)
    return Snapshot(len(image), data, 0, runs, dict(globals), dict(meta or {}))


def save(snapshot: Snapshot, path: Path, kind: str) -> None:
    """Write `snapshot` to the disk cache (atomically, 0600); best effort."""
    payload = memoryview(snapshot.data)[snapshot.start :]
    header = json.dumps(
        {
            "size": snapshot.size,
            "runs": [list(run) for run in snapshot.runs],
            "globals": dict(snapshot.globals),
            "meta": dict(snapshot.meta),
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
    ).encode()
    name = kind.encode("ascii")
    head = _MAGIC + bytes([len(name)]) + name + struct.pack("<Q", len(header)) + header
    try:
        write_cache_file(path, head, payload)
    except OSError:
        pass  # the cache is an optimisation: the next process takes the snapshot again


def load(path: Path, kind: str) -> Snapshot | None:
    """The snapshot of this `kind` at `path`; None when absent, torn, altered or not ours."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    name = kind.encode("ascii")
    prefix = _MAGIC + bytes([len(name)]) + name
    try:
        if not data.startswith(prefix):
            return None
        at = len(prefix)
        (length,) = struct.unpack_from("<Q", data, at)
        at += 8
        header = json.loads(data[at : at + length])
        start = at + length
        if hashlib.sha256(memoryview(data)[start:]).hexdigest() != header["sha256"]:
            return None
        size = int(header["size"])
        runs = tuple((int(offset), int(count)) for offset, count in header["runs"])
        end = 0
        for offset, count in runs:
            if not (end <= offset and 0 < count and offset + count <= size):
                return None
            end = offset + count
        if start + sum(count for _, count in runs) != len(data):
            return None
        globals = {str(k): int(v) for k, v in header["globals"].items()}
        meta = {str(k): int(v) for k, v in header["meta"].items()}
        return Snapshot(size, data, start, runs, globals, meta)
    except (ValueError, KeyError, TypeError, AttributeError, struct.error):
        return None


def read_digest(path: Path, kind: str) -> str | None:
    """The payload digest a snapshot file of this kind declares (its header only: cheap).

    Not a check of the file: `load` checks the payload against it.
    """
    name = kind.encode("ascii")
    prefix = _MAGIC + bytes([len(name)]) + name
    try:
        with path.open("rb") as handle:
            head = handle.read(len(prefix) + 8)
            if not head.startswith(prefix) or len(head) < len(prefix) + 8:
                return None
            (length,) = struct.unpack_from("<Q", head, len(prefix))
            if length > 1 << 20:
                return None
            digest = json.loads(handle.read(length))["sha256"]
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return None
    return digest if isinstance(digest, str) else None


def touched_pages(
    memory: wasmtime.Memory, store: wasmtime.Store, size: int
) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """(written, only read): offsets of the pages of `memory`'s first `size` bytes in use.

    For an instance whose memory starts as a copy-on-write mapping of a module's image and
    has had nothing faulted in ahead: the pages it wrote (its own copies) and the pages it
    only read (the image's, mapped in). From /proc/self/pagemap; None where it cannot be read.
    """
    flags = pagemap_flags(memory_address(memory, store), size)
    if flags is None:
        return None
    present, file_or_shared = 0x80, 0x20
    written = tuple(i * PAGE for i, f in enumerate(flags) if f & present and not f & file_or_shared)
    read = tuple(i * PAGE for i, f in enumerate(flags) if f & present and f & file_or_shared)
    return written, read


def pagemap_flags(base: int, size: int) -> bytes | None:
    """The top byte of the pagemap entry of each page in [base, base + size).

    The one reader of Linux's /proc/self/pagemap here. Bit 0x80: present, 0x40: swapped,
    0x20: file-page or shared-anon. None where it cannot be read.
    """
    if base % PAGE:
        return None
    first, count = base // PAGE, (size + PAGE - 1) // PAGE
    try:
        with open("/proc/self/pagemap", "rb", buffering=0) as pagemap:
            pagemap.seek(first * 8)
            raw = pagemap.read(count * 8)
    except OSError:
        return None
    if raw is None or len(raw) != count * 8:
        return None
    return raw[7::8]  # little-endian: byte 7 of each entry holds bits 56-63


def private_pages(
    memory: wasmtime.Memory, store: wasmtime.Store, size: int
) -> tuple[int, ...] | None:
    """Offsets of the pages in `memory`'s first `size` bytes that are this instance's own copy.

    For a baked instance, whose memory starts as a copy-on-write mapping of the module's
    image, these are the pages written since instantiation, whatever was written (the same
    bytes too). Read from Linux's /proc/self/pagemap (present, not file-backed); None where
    that cannot be read.
    """
    touched = touched_pages(memory, store, size)
    return touched[0] if touched is not None else None
