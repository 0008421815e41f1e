"""Splitting a module's memory from its code: one code module, many memory images.

`split` turns a module that defines its memory 0 (with active data segments) into:

- a *code module*: the same module byte for byte, except that memory 0 is imported
  (`embedsandbox.memory`, with the original limits) and each active data segment becomes an
  empty passive one (so every segment index stays valid, and instantiating it writes nothing
  into the memory it is given);
- the *initial image*: the active segments' bytes, as (offset, bytes) runs.

`memory_module` makes a tiny module that only defines memory 0 with an image as its data
segments and exports it. Instantiated in a store, its memory starts copy-on-write from the
image (wasmtime's `memory_init_cow`, from the mapped .cwasm), and the code module is
instantiated on it.

Why: baking a state into the interpreter module itself (`_bake.py`) means compiling the whole
interpreter again for each state (the Python guest's code section is 74 MB: 85 s to 4 min on
2 cores). Split, the code is compiled once per machine and each state (the bootstrap loaded,
common modules imported, a runtime revision's packages imported) is a memory module that
compiles in well under a second: every fresh guest starts from the state, faulting in only
the pages it writes.

What a memory module cannot carry is the caller's to know, as for baking: the code module's
mutable globals start at their original values (so the state must be taken where they are
back at those: between turns, with the shadow stack unwound), tables, and the dropped state
of passive segments.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._bake import (
    KIND_MEMORY,
    MAGIC,
    SEC_DATA,
    SEC_EXPORT,
    SEC_IMPORT,
    SEC_MEMORY,
    WASM_PAGE,
    BakeError,
    _encode_section,
    _Reader,
    _section,
    _skip_const_expr,
    _sleb,
    _uleb,
    defined_memory,
    nonzero_runs,
    parse_sections,
)

__all__ = ["IMPORT_MODULE", "IMPORT_NAME", "Split", "memory_module", "split"]

IMPORT_MODULE = "embedsandbox"
IMPORT_NAME = "memory"


@dataclass(frozen=True)
class Split:
    """A module split by `split`: its code module, initial image and memory limits."""

    code: bytes
    image: tuple[tuple[int, bytes], ...]
    minimum: int  # pages
    maximum: int | None  # pages


def _name(text: str) -> bytes:
    raw = text.encode()
    return _uleb(len(raw)) + raw


def _limits(minimum: int, maximum: int | None) -> bytes:
    if maximum is None:
        return b"\x00" + _uleb(minimum)
    return b"\x01" + _uleb(minimum) + _uleb(maximum)


def split(wasm: bytes) -> Split:
    """Split `wasm` (one defined, unshared, 32-bit memory; i32.const segment offsets)."""
    sections = parse_sections(wasm)
    flags, minimum, maximum = defined_memory(sections)
    if flags & ~0x01:
        msg = "memory 0 is shared, 64-bit or has a custom page size"
        raise BakeError(msg)

    image: list[tuple[int, bytes]] = []
    data = _section(sections, SEC_DATA)
    new_data = bytearray()
    if data is not None:
        d = _Reader(data.payload)
        count = d.uleb()
        new_data += _uleb(count)
        for _ in range(count):
            start = d.pos
            flag = d.uleb()
            if flag == 1:  # passive: kept as it is
                d.bytes(d.uleb())
                new_data += data.payload[start : d.pos]
                continue
            if flag == 2 and d.uleb() != 0:
                msg = "a data segment names a memory other than 0"
                raise BakeError(msg)
            expr = d.pos
            if d.byte() != 0x41:
                msg = "a data segment's offset is not an i32.const"
                raise BakeError(msg)
            offset = d.sleb(32) & 0xFFFFFFFF
            d.pos = expr
            _skip_const_expr(d)
            chunk = d.bytes(d.uleb())
            image.append((offset, bytes(chunk)))
            new_data += b"\x01\x00"  # an empty passive segment in its place
        if not d.at_end():
            msg = "trailing bytes in the data section"
            raise BakeError(msg)

    memory_import = _name(IMPORT_MODULE) + _name(IMPORT_NAME) + bytes([KIND_MEMORY])
    memory_import += _limits(minimum, maximum)
    out = bytearray(MAGIC)
    wrote_import = False
    for sec in sections:
        if sec.id == SEC_IMPORT:
            ir = _Reader(sec.payload)
            count = ir.uleb()
            payload = _uleb(count + 1) + sec.payload[ir.pos :] + memory_import
            out += _encode_section(SEC_IMPORT, payload)
            wrote_import = True
        elif sec.id == SEC_MEMORY:
            if not wrote_import:  # no import section: one goes where it would be
                out += _encode_section(SEC_IMPORT, _uleb(1) + memory_import)
                wrote_import = True
        elif sec.id == SEC_DATA:
            out += _encode_section(SEC_DATA, bytes(new_data))
        else:
            out += sec.raw(wasm)
    return Split(bytes(out), tuple(image), minimum, maximum)


def memory_module(image: bytes, maximum: int | None) -> bytes:
    """A module defining memory 0 (exported as `memory`) whose contents start as `image`.

    `image` is the whole memory (its length a multiple of 64 KiB: the minimum); its zero
    stretches cost nothing (they are left out of the segments).
    """
    if len(image) % WASM_PAGE:
        msg = f"an image of {len(image)} bytes is not a whole number of 64 KiB pages"
        raise BakeError(msg)
    pages = len(image) // WASM_PAGE
    if maximum is not None and pages > maximum:
        msg = f"{pages} pages exceed the memory's maximum of {maximum}"
        raise BakeError(msg)
    segments = nonzero_runs(image)
    data = bytearray(_uleb(len(segments)))
    for offset, chunk in segments:
        signed = offset - (1 << 32) if offset >> 31 else offset
        data += b"\x00\x41" + _sleb(signed) + b"\x0b" + _uleb(len(chunk)) + chunk
    out = bytearray(MAGIC)
    out += _encode_section(SEC_MEMORY, _uleb(1) + _limits(pages, maximum))
    out += _encode_section(SEC_EXPORT, _uleb(1) + _name(IMPORT_NAME) + bytes([KIND_MEMORY, 0]))
    out += _encode_section(SEC_DATA, bytes(data))
    return bytes(out)
