"""Splitting a module's memory from its code: one code module, many memory images.

`split` turns a module that defines its memory 0 (with active data segments) into:

- a *code module*: the same module byte for byte, except that memory 0 is imported
  (`embedsandbox.memory`, with the original limits) and each active data segment becomes an
  empty passive one (so every segment index stays valid, and instantiating it writes nothing
  into the memory it is given);
- the *initial image*: the active segments' bytes, as (offset, bytes) runs.

The code module also exports each of its mutable globals (`embedsandbox.global.N`, N its
index), so that an instance can be put back to where a fresh one starts, and, when its code
changes nothing else of its instance (no table or segment instructions: `_code_scan.py`), an
immutable global `embedsandbox.reusable` (1) that says an instance may serve guest after
guest (`Split.reusable`; the slots read it from the compiled module's exports).

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
of passive segments (which a reusable module's code never changes).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._bake import (
    KIND_GLOBAL,
    KIND_MEMORY,
    MAGIC,
    SEC_CODE,
    SEC_DATA,
    SEC_DATACOUNT,
    SEC_ELEMENT,
    SEC_EXPORT,
    SEC_FUNCTION,
    SEC_GLOBAL,
    SEC_IMPORT,
    SEC_MEMORY,
    SEC_START,
    SEC_TABLE,
    SEC_TAG,
    WASM_PAGE,
    BakeError,
    Section,
    _encode_section,
    _imports,
    _Reader,
    _section,
    _skip_const_expr,
    _skip_globaltype,
    _sleb,
    _uleb,
    defined_memory,
    merge_runs,
    nonzero_runs,
    parse_sections,
)
from ._code_scan import scan_code
from ._growth import GROW_REFUSED, GROWN_GLOBAL, watch_growth

__all__ = [
    "GLOBAL_PREFIX",
    "GROW_REFUSED",
    "IMPORT_MODULE",
    "IMPORT_NAME",
    "REUSABLE",
    "Split",
    "memory_module",
    "split",
]

IMPORT_MODULE = "embedsandbox"
IMPORT_NAME = "memory"
GLOBAL_PREFIX = "embedsandbox.global."  # + the index of a mutable global
REUSABLE = "embedsandbox.reusable"
# The sections that come after the global section (the export section, the import
# section) in a module.
_AFTER_GLOBALS = frozenset((SEC_EXPORT, SEC_START, SEC_ELEMENT, SEC_DATACOUNT, SEC_CODE, SEC_DATA))
_AFTER_EXPORTS = _AFTER_GLOBALS - {SEC_EXPORT}
_AFTER_IMPORTS = _AFTER_GLOBALS | {SEC_FUNCTION, SEC_TABLE, SEC_MEMORY, SEC_TAG, SEC_GLOBAL}


@dataclass(frozen=True)
class Split:
    """A module split by `split`: its code module, initial image and memory limits."""

    code: bytes
    image: tuple[tuple[int, bytes], ...]
    minimum: int  # pages
    maximum: int | None  # pages
    reusable: bool = False  # an instance may serve guest after guest (see the module doc)

    def initial_memory(self) -> bytes:
        """A memory module (`memory_module`) holding the module's own initial memory."""
        image = merge_runs(b"", self.image, self.minimum * WASM_PAGE)
        return memory_module(image, self.maximum)


def _name(text: str) -> bytes:
    raw = text.encode()
    return _uleb(len(raw)) + raw


def _limits(minimum: int, maximum: int | None) -> bytes:
    if maximum is None:
        return b"\x00" + _uleb(minimum)
    return b"\x01" + _uleb(minimum) + _uleb(maximum)


def split(wasm: bytes, *, watch_grows: bool = False) -> Split:
    """Split `wasm` (one defined, unshared, 32-bit memory; i32.const segment offsets).

    `watch_grows`: route every `memory.grow` through a hook that stops the guest when the
    grow is refused and says so in the global `GROW_REFUSED` (`_growth.py`).
    """
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

    code = _section(sections, SEC_CODE)
    sites: list[int] = []
    try:
        changes, sites = scan_code(code.payload) if code is not None else ({"": 1}, [])
        reusable = not changes
    except BakeError:
        if watch_grows:
            raise  # a grow we cannot find is not watched
        reusable = False  # code we cannot read is never reused
    globals_, exports, refused = _globals_and_exports(sections, reusable, watch_grows)
    replaced: dict[int, bytes] = {}
    if watch_grows:
        replaced = watch_growth(sections, sites, refused)

    memory_import = _name(IMPORT_MODULE) + _name(IMPORT_NAME) + bytes([KIND_MEMORY])
    memory_import += _limits(minimum, maximum)
    imports = _section(sections, SEC_IMPORT)
    if imports is None:
        import_payload = _uleb(1) + memory_import
    else:
        ir = _Reader(imports.payload)
        count = ir.uleb()
        import_payload = _uleb(count + 1) + bytes(ir.data[ir.pos :]) + memory_import
    # The rewritten sections, each emitted where the first section that must follow it is
    # (or at the end), in their order; the originals are left out.
    pending = [
        (_AFTER_IMPORTS, SEC_IMPORT, import_payload),
        (_AFTER_GLOBALS, SEC_GLOBAL, globals_),
        (_AFTER_EXPORTS, SEC_EXPORT, exports),
    ]
    out = bytearray(MAGIC)
    for sec in sections:
        while pending and sec.id in pending[0][0]:
            _, sid, payload = pending.pop(0)
            out += _encode_section(sid, payload)
        if sec.id == SEC_DATA:
            out += _encode_section(SEC_DATA, bytes(new_data))
        elif sec.id in replaced:
            out += _encode_section(sec.id, replaced[sec.id])
        elif sec.id not in (SEC_IMPORT, SEC_MEMORY, SEC_GLOBAL, SEC_EXPORT):
            out += sec.raw(wasm)
    for _, sid, payload in pending:
        out += _encode_section(sid, payload)
    return Split(bytes(out), tuple(image), minimum, maximum, reusable)


def _globals_and_exports(
    sections: list[Section], reusable: bool, watch_grows: bool
) -> tuple[bytes, bytes, int]:
    """The global and export sections' new payloads, and the grow watch's global index.

    Mutable globals are exported, the reusable mark and the grow watch's global appended
    (its index is -1 without the watch).
    """
    first = _imports(sections)[KIND_GLOBAL]
    sec = _section(sections, SEC_GLOBAL)
    r = _Reader(sec.payload if sec is not None else _uleb(0))
    count = r.uleb()
    body = r.pos
    mutable = []
    for i in range(count):
        _, mut = _skip_globaltype(r)
        _skip_const_expr(r)
        if mut:
            mutable.append(first + i)
    entries = [_export(f"{GLOBAL_PREFIX}{index}", index) for index in mutable]
    defined = bytes(r.data[body : r.pos])
    if reusable:  # one more global, after every other (no index moves): i32, immutable, 1
        defined += b"\x7f\x00\x41\x01\x0b"
        entries.append(_export(REUSABLE, first + count))
        count += 1
    refused = -1
    if watch_grows:  # after every other too; exported as a mutable global and by its name
        defined += GROWN_GLOBAL
        refused = first + count
        entries += [_export(f"{GLOBAL_PREFIX}{refused}", refused), _export(GROW_REFUSED, refused)]
        count += 1
    sec = _section(sections, SEC_EXPORT)
    e = _Reader(sec.payload if sec is not None else _uleb(0))
    old = e.uleb()
    exports = _uleb(old + len(entries)) + bytes(e.data[e.pos :]) + b"".join(entries)
    return _uleb(count) + defined, exports, refused


def _export(name: str, index: int) -> bytes:
    return _name(name) + bytes([KIND_GLOBAL]) + _uleb(index)


def memory_module(image: bytes, maximum: int | None) -> bytes:
    """A module defining memory 0 (exported as `memory`) whose contents start as `image`.

    `image` is the whole memory (its length a multiple of 64 KiB: the minimum); its zero
    stretches are left out of the segments, unless that would leave the segments less than
    half the span they cover: wasmtime maps an image copy-on-write only when it is at least
    half data (or at most 16 MiB), and copies it into every instance otherwise (14 ms for
    Ruby's 70 MB state, of which 29% is not zero). Then one segment holds it all.
    """
    if len(image) % WASM_PAGE:
        msg = f"an image of {len(image)} bytes is not a whole number of 64 KiB pages"
        raise BakeError(msg)
    pages = len(image) // WASM_PAGE
    if maximum is not None and pages > maximum:
        msg = f"{pages} pages exceed the memory's maximum of {maximum}"
        raise BakeError(msg)
    segments = nonzero_runs(image)
    if segments:
        start = segments[0][0]
        span = segments[-1][0] + len(segments[-1][1]) - start
        if 2 * sum(len(chunk) for _, chunk in segments) < span:
            segments = [(start, image[start : start + span])]
    data = bytearray(_uleb(len(segments)))
    for offset, chunk in segments:
        signed = offset - (1 << 32) if offset >> 31 else offset
        data += b"\x00\x41" + _sleb(signed) + b"\x0b" + _uleb(len(chunk)) + chunk
    out = bytearray(MAGIC)
    out += _encode_section(SEC_MEMORY, _uleb(1) + _limits(pages, maximum))
    out += _encode_section(SEC_EXPORT, _uleb(1) + _name(IMPORT_NAME) + bytes([KIND_MEMORY, 0]))
    out += _encode_section(SEC_DATA, bytes(data))
    return bytes(out)
