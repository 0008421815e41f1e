"""A saved guest's bytes: a JSON header and named binary parts, and its memory as page runs.

Engines save a session's guest as `pack(header, parts)`; `unpack` reads one back and refuses
anything that is not exactly that shape (the sealed snapshot around it is authenticated, so
this guards against our own bugs, not an attacker). `memory_runs` lists what a guest's
memory holds beyond the state it started from: the pages it wrote (Linux's pagemap), or the
whole memory where pagemap cannot be read.
"""

from __future__ import annotations

import ctypes
import io
import json
import struct
import tarfile
from pathlib import Path
from typing import Any, Final

import wasmtime

from ._slots import written_runs
from ._wasmtime import memory_address

__all__ = ["folder_tar", "memory_runs", "pack", "restore_memory", "unpack", "untar_folder"]

_MAGIC: Final = b"ESBG1"
_WASM_PAGE: Final = 65536


def pack(header: dict[str, Any], parts: dict[str, bytes]) -> bytes:
    """The header (JSON) and parts, length-prefixed."""
    head = json.dumps({**header, "parts": {k: len(v) for k, v in parts.items()}}).encode()
    return b"".join([_MAGIC, struct.pack("<Q", len(head)), head, *parts.values()])


def unpack(blob: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """(header, parts) of a `pack`ed guest. Raises ValueError for any other bytes."""
    if blob[: len(_MAGIC)] != _MAGIC:
        msg = "not a saved guest"
        raise ValueError(msg)
    at = len(_MAGIC) + 8
    (size,) = struct.unpack_from("<Q", blob, len(_MAGIC))
    header = json.loads(blob[at : at + size])
    at += size
    parts: dict[str, bytes] = {}
    for name, length in header.pop("parts").items():
        parts[name] = blob[at : at + length]
        at += length
    if at != len(blob):
        msg = "a saved guest's parts do not add up"
        raise ValueError(msg)
    return header, parts


def memory_runs(memory: wasmtime.Memory, store: wasmtime.Store) -> tuple[int, bytes]:
    """(size, runs): the memory's size and its written pages as `<offset u64><len u64>bytes`."""
    size = memory.data_len(store)
    base = memory_address(memory, store)
    runs = written_runs(base, size)
    if runs is None:
        runs = [(0, size)]
    out = bytearray()
    for offset, length in runs:
        out += struct.pack("<QQ", offset, length)
        out += ctypes.string_at(base + offset, length)
    return size, bytes(out)


def restore_memory(memory: wasmtime.Memory, store: wasmtime.Store, size: int, runs: bytes) -> None:
    """Grow `memory` to `size` and write the runs back (onto a fresh instance of the state)."""
    have = memory.data_len(store)
    if size < have or size % _WASM_PAGE:
        msg = f"a saved memory of {size} bytes cannot follow the state's {have}"
        raise ValueError(msg)
    if size > have:
        try:
            memory.grow(store, (size - have) // _WASM_PAGE)
        except wasmtime.WasmtimeError:
            msg = f"the memory cannot grow to the saved {size} bytes (over memory_size?)"
            raise ValueError(msg) from None
    base = memory_address(memory, store)
    at = 0
    while at < len(runs):
        offset, length = struct.unpack_from("<QQ", runs, at)
        at += 16
        if offset + length > size or at + length > len(runs):
            msg = "a saved memory run lies outside the memory"
            raise ValueError(msg)
        ctypes.memmove(base + offset, runs[at : at + length], length)
        at += length


def folder_tar(root: Path) -> bytes:
    """A host folder's files and folders as an uncompressed tar (links and the rest left out)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(root.rglob("*")):
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                continue
            tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
    return out.getvalue()


def untar_folder(data: bytes, root: Path) -> None:
    """Unpack `folder_tar`'s bytes into `root` (tarfile's "data" filter: nothing outside it)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
        tar.extractall(root, filter="data")
