"""Baking a snapshot into a module (Wizer's way): its instances start in the snapshot's state.

The baked module's data segments *are* the snapshot's memory, its mutable globals start at
the snapshot's values, its memory's minimum covers the snapshot, and its start function (if
any) is dropped, as the initialisation it ran already happened. Every other section is copied
byte for byte (code, types, imports, exports, tables, elements, custom sections such as
`name`), so the baked module has the same imports, exports and code.

Why: wasmtime initialises a baked module's memory by mapping the image copy-on-write (from
the .cwasm file when the module comes from `Module.deserialize_file`; `Config.memory_init_cow`
is on by default) instead of copying it into every instance. Measured on the QuickJS guest
(docs/architecture.md, "Snapshots"): a fresh guest in 0.4 ms instead of 2.6 ms, and 10 KiB of
private memory per idle guest instead of 1.9 MiB.

What is *not* carried over, so must be unchanged by the initialisation snapshotted (the
caller's to know; `check_bakeable` checks what can be seen statically): tables, passive data
segments (refused), memories other than memory 0 and imported memories (refused), host state
(WASI descriptors, environment, clocks).
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Iterable

from ._snapshot import Snapshot

__all__ = [
    "KIND_FUNC",
    "KIND_GLOBAL",
    "KIND_MEMORY",
    "KIND_TABLE",
    "BakeError",
    "Section",
    "bake",
    "bake_snapshot",
    "check_bakeable",
    "defined_memory",
    "export_index",
    "merge_runs",
    "nonzero_runs",
    "parse_sections",
]

MAGIC = b"\0asm\x01\0\0\0"
WASM_PAGE = 65536

SEC_CUSTOM = 0
SEC_TYPE = 1
SEC_IMPORT = 2
SEC_FUNCTION = 3
SEC_TABLE = 4
SEC_MEMORY = 5
SEC_GLOBAL = 6
SEC_EXPORT = 7
SEC_START = 8
SEC_ELEMENT = 9
SEC_CODE = 10
SEC_DATA = 11
SEC_DATACOUNT = 12
SEC_TAG = 13

KIND_FUNC = 0
KIND_TABLE = 1
KIND_MEMORY = 2
KIND_GLOBAL = 3
KIND_TAG = 4

_I32, _I64, _F32, _F64, _V128 = 0x7F, 0x7E, 0x7D, 0x7C, 0x7B
_END = 0x0B


class BakeError(ValueError):
    """The module cannot be baked (unsupported shape) or the inputs do not fit it."""


# ---------------------------------------------------------------------------- LEB128


def _uleb(value: int) -> bytes:
    if value < 0:
        msg = f"negative unsigned LEB128 value {value}"
        raise BakeError(msg)
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _sleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        out.append(byte if done else byte | 0x80)
        if done:
            return bytes(out)


class _Reader:
    """A cursor over a byte string, with the wasm binary format's primitive decoders."""

    def __init__(self, data: bytes | memoryview, pos: int = 0, end: int | None = None) -> None:
        self.data = memoryview(data)
        self.pos = pos
        self.end = len(self.data) if end is None else end

    def at_end(self) -> bool:
        return self.pos >= self.end

    def byte(self) -> int:
        if self.pos >= self.end:
            msg = "unexpected end of section"
            raise BakeError(msg)
        b = self.data[self.pos]
        self.pos += 1
        return b

    def bytes(self, n: int) -> bytes:
        if self.pos + n > self.end:
            msg = "unexpected end of section"
            raise BakeError(msg)
        b = bytes(self.data[self.pos : self.pos + n])
        self.pos += n
        return b

    def _leb(self, bits: int) -> tuple[int, int, int]:
        """The raw LEB128 value, its length in bits and its last byte."""
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result, shift, b
            if shift >= bits + 7:
                msg = "LEB128 too long"
                raise BakeError(msg)

    def uleb(self, bits: int = 32) -> int:
        result, _, _ = self._leb(bits)
        if result >> bits:
            msg = "LEB128 out of range"
            raise BakeError(msg)
        return result

    def sleb(self, bits: int = 32) -> int:
        result, shift, last = self._leb(bits)
        return result - (1 << shift) if last & 0x40 else result

    def name(self) -> str:
        return self.bytes(self.uleb()).decode("utf-8")


# -------------------------------------------------------------------------- sections


@dataclasses.dataclass(frozen=True)
class Section:
    """One section: its id and payload, and where the whole section lies in the module."""

    id: int
    payload: bytes
    start: int  # offset of the id byte
    end: int  # offset just past the payload

    def raw(self, module: bytes) -> bytes:
        return module[self.start : self.end]


def parse_sections(wasm: bytes) -> list[Section]:
    """Split a core wasm module into its sections (custom sections included, in order)."""
    if wasm[:8] != MAGIC:
        msg = "not a core WebAssembly module (bad magic or version)"
        raise BakeError(msg)
    r = _Reader(wasm, 8)
    sections: list[Section] = []
    while not r.at_end():
        start = r.pos
        sid = r.byte()
        size = r.uleb()
        body = r.pos
        if body + size > len(wasm):
            msg = "section runs past the end of the module"
            raise BakeError(msg)
        r.pos = body + size
        sections.append(Section(sid, wasm[body : body + size], start, body + size))
    return sections


def _section(sections: list[Section], sid: int) -> Section | None:
    found = [s for s in sections if s.id == sid]
    if len(found) > 1:
        msg = f"duplicate section {sid}"
        raise BakeError(msg)
    return found[0] if found else None


def _encode_section(sid: int, payload: bytes) -> bytes:
    return bytes([sid]) + _uleb(len(payload)) + payload


# ------------------------------------------------------------------------ type parts


def _skip_heaptype(r: _Reader) -> None:
    # abstract heap types are single negative-s33 bytes; concrete ones a type index (s33)
    r.sleb(33)


def _skip_valtype(r: _Reader) -> int:
    t = r.byte()
    if t in (0x63, 0x64):  # (ref null? ht) of the GC / function-references proposals
        _skip_heaptype(r)
    return t


def _read_limits(r: _Reader) -> tuple[int, int, int | None, int, int]:
    """(flags, minimum, maximum or None, offset of the minimum, offset past the minimum)."""
    flags = r.byte()
    wide = bool(flags & 0x04)  # memory64 / table64
    lo = r.pos
    minimum = r.uleb(64 if wide else 32)
    hi = r.pos
    maximum = r.uleb(64 if wide else 32) if flags & 0x01 else None
    if flags & 0x08:  # custom-page-sizes: log2 of the page size
        r.uleb()
    return flags, minimum, maximum, lo, hi


def _skip_tabletype(r: _Reader) -> None:
    _skip_valtype(r)
    _read_limits(r)


def _skip_globaltype(r: _Reader) -> tuple[int, int]:
    t = _skip_valtype(r)
    mut = r.byte()
    return t, mut


def _skip_const_expr(r: _Reader) -> None:
    """Skip a constant expression (MVP, extended-const and reference instructions)."""
    while True:
        op = r.byte()
        if op == _END:
            return
        if op == 0x41:
            r.sleb(32)
        elif op == 0x42:
            r.sleb(64)
        elif op == 0x43:
            r.bytes(4)
        elif op == 0x44:
            r.bytes(8)
        elif op in (0x23, 0xD2):  # global.get, ref.func
            r.uleb()
        elif op == 0xD0:  # ref.null
            _skip_heaptype(r)
        elif op in (0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E):  # extended-const arithmetic
            pass
        elif op == 0xFD:  # v128.const
            if r.uleb() != 12:
                msg = "unsupported SIMD instruction in a constant expression"
                raise BakeError(msg)
            r.bytes(16)
        elif op == 0xFB:  # GC constant instructions: refuse rather than guess
            msg = "GC instructions in constant expressions are not supported"
            raise BakeError(msg)
        else:
            msg = f"unsupported opcode 0x{op:02x} in a constant expression"
            raise BakeError(msg)


def _imports(sections: list[Section]) -> dict[int, int]:
    """How many imports of each kind the module has."""
    counts = {KIND_FUNC: 0, KIND_TABLE: 0, KIND_MEMORY: 0, KIND_GLOBAL: 0, KIND_TAG: 0}
    sec = _section(sections, SEC_IMPORT)
    if sec is None:
        return counts
    r = _Reader(sec.payload)
    for _ in range(r.uleb()):
        r.name()
        r.name()
        kind = r.byte()
        if kind == KIND_FUNC:
            r.uleb()
        elif kind == KIND_TABLE:
            _skip_tabletype(r)
        elif kind == KIND_MEMORY:
            _read_limits(r)
        elif kind == KIND_GLOBAL:
            _skip_globaltype(r)
        elif kind == KIND_TAG:
            r.byte()
            r.uleb()
        else:
            msg = f"unknown import kind {kind}"
            raise BakeError(msg)
        counts[kind] += 1
    return counts


def export_index(wasm: bytes, name: str, kind: int = KIND_GLOBAL) -> int:
    """The index (in its index space, imports first) of the export `name` of `kind`."""
    sec = _section(parse_sections(wasm), SEC_EXPORT)
    if sec is not None:
        r = _Reader(sec.payload)
        for _ in range(r.uleb()):
            n = r.name()
            k = r.byte()
            idx = r.uleb()
            if n == name and k == kind:
                return idx
    msg = f"no export {name!r} of kind {kind}"
    raise BakeError(msg)


def _data_segments(sections: list[Section]) -> list[int]:
    """The mode of each data segment (0: active memory 0, 1: passive, 2: active explicit)."""
    sec = _section(sections, SEC_DATA)
    if sec is None:
        return []
    r = _Reader(sec.payload)
    modes = []
    for _ in range(r.uleb()):
        flag = r.uleb()
        if flag == 0:
            _skip_const_expr(r)
        elif flag == 2:
            r.uleb()
            _skip_const_expr(r)
        elif flag != 1:
            msg = f"unknown data segment flag {flag}"
            raise BakeError(msg)
        r.bytes(r.uleb())
        modes.append(flag)
    return modes


def defined_memory(sections: list[Section]) -> tuple[int, int, int | None]:
    """(flags, minimum, maximum) of the module's one memory, which it must define itself."""
    if _imports(sections)[KIND_MEMORY]:
        msg = "memory 0 is imported: its contents belong to the host"
        raise BakeError(msg)
    mem = _section(sections, SEC_MEMORY)
    if mem is None:
        msg = "the module defines no memory"
        raise BakeError(msg)
    r = _Reader(mem.payload)
    count = r.uleb()
    if count != 1:
        msg = f"the module defines {count} memories; only one is supported"
        raise BakeError(msg)
    flags, minimum, maximum, _, _ = _read_limits(r)
    return flags, minimum, maximum


def check_bakeable(wasm: bytes) -> None:
    """Raise BakeError if `bake` cannot represent a snapshot of this module faithfully.

    Static checks only: one defined memory 0 (not imported, not shared), no passive data
    segments. Whether the initialisation changed tables or host state is the caller's to
    know (e.g. the code has no table.set/table.grow).
    """
    sections = parse_sections(wasm)
    flags, _, _ = defined_memory(sections)
    if flags & 0x02:
        msg = "memory 0 is shared"
        raise BakeError(msg)
    if flags & 0x08:
        msg = "memory 0 has a custom page size"
        raise BakeError(msg)
    if 1 in _data_segments(sections):
        msg = "passive data segments (memory.init/data.drop state) are not supported"
        raise BakeError(msg)


# ---------------------------------------------------------------------------- images


def nonzero_runs(image: bytes, *, min_gap: int = 4096, align: int = 8) -> list[tuple[int, bytes]]:
    """The runs of `image` that are not zero, as (offset, bytes).

    Zero gaps shorter than `min_gap` are kept inside a run (fewer, larger segments: a data
    segment costs ~6 bytes of header and a separate copy at instantiation when copy-on-write
    is not used). Runs start and end on `align` boundaries.
    """
    mv = memoryview(image)
    runs: list[tuple[int, int]] = []
    n = len(image)
    page = 4096
    pos = 0
    zero_page = bytes(page)
    while pos < n:
        # skip whole zero pages fast, then zero bytes
        if mv[pos : pos + page] == zero_page[: min(page, n - pos)]:
            pos += page
            continue
        end = min(pos + page, n)
        chunk = image[pos:end]
        first = len(chunk) - len(chunk.lstrip(b"\0"))
        last = len(chunk.rstrip(b"\0"))
        s = (pos + first) // align * align
        e = min(-(-(pos + last) // align) * align, n)
        if runs and s - runs[-1][1] < min_gap:
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
        pos = end
    return [(s, image[s:e]) for s, e in runs]


def merge_runs(base: bytes, patches: Iterable[tuple[int, bytes]], size: int) -> bytes:
    """`base` (zero-extended to `size`) with `patches` (offset, bytes) written over it."""
    out = bytearray(size)
    out[: len(base)] = base[:size]
    for offset, chunk in patches:
        if offset < 0 or offset + len(chunk) > size:
            msg = f"patch at {offset} (+{len(chunk)}) outside {size} bytes"
            raise BakeError(msg)
        out[offset : offset + len(chunk)] = chunk
    return bytes(out)


# ------------------------------------------------------------------------------ bake


def _const_expr(valtype: int, value: int) -> bytes:
    if valtype == _I32:
        v = value & 0xFFFFFFFF
        return b"\x41" + _sleb(v - (1 << 32) if v >> 31 else v) + bytes([_END])
    if valtype == _I64:
        v = value & 0xFFFFFFFFFFFFFFFF
        return b"\x42" + _sleb(v - (1 << 64) if v >> 63 else v) + bytes([_END])
    if valtype == _F32:  # `value` is the raw bit pattern
        return b"\x43" + struct.pack("<I", value & 0xFFFFFFFF) + bytes([_END])
    if valtype == _F64:
        return b"\x44" + struct.pack("<Q", value & 0xFFFFFFFFFFFFFFFF) + bytes([_END])
    msg = f"cannot set a global of value type 0x{valtype:02x}"
    raise BakeError(msg)


def _rewrite_globals(sec: Section, first_index: int, values: dict[int, int]) -> bytes:
    r = _Reader(sec.payload)
    count = r.uleb()
    out = bytearray(_uleb(count))
    todo = dict(values)
    for i in range(count):
        index = first_index + i
        type_start = r.pos
        valtype, mut = _skip_globaltype(r)
        type_end = r.pos
        _skip_const_expr(r)
        out += sec.payload[type_start:type_end]
        if index in todo:
            if not mut:
                msg = f"global {index} is immutable"
                raise BakeError(msg)
            out += _const_expr(valtype, todo.pop(index))
        else:
            out += sec.payload[type_end : r.pos]
    if not r.at_end():
        msg = "trailing bytes in the global section"
        raise BakeError(msg)
    if todo:
        msg = f"no defined globals with indices {sorted(todo)}"
        raise BakeError(msg)
    return bytes(out)


def _rewrite_memory(sec: Section, memory_pages: int) -> bytes:
    r = _Reader(sec.payload)
    if r.uleb() != 1:
        msg = "exactly one defined memory is supported"
        raise BakeError(msg)
    _, minimum, maximum, lo, hi = _read_limits(r)
    if maximum is not None and memory_pages > maximum:
        msg = f"{memory_pages} pages exceed the memory's maximum of {maximum}"
        raise BakeError(msg)
    if memory_pages < minimum:
        msg = f"{memory_pages} pages are below the memory's minimum of {minimum}"
        raise BakeError(msg)
    return sec.payload[:lo] + _uleb(memory_pages) + sec.payload[hi:]


def _data_payload(runs: list[tuple[int, bytes]], memory64: bool) -> bytes:
    out = bytearray(_uleb(len(runs)))
    for offset, chunk in runs:
        out += b"\x00"  # active, memory 0
        if memory64:
            out += b"\x42" + _sleb(offset) + bytes([_END])
        else:
            out += b"\x41" + _sleb(offset - (1 << 32) if offset >> 31 else offset) + bytes([_END])
        out += _uleb(len(chunk)) + chunk
    return bytes(out)


def bake(
    wasm: bytes,
    image_runs: list[tuple[int, bytes]],
    memory_pages: int,
    globals: dict[int, int],
    *,
    drop_start: bool = True,
) -> bytes:
    """A copy of `wasm` whose instances start in a snapshotted state.

    wasm: the original core module (the one the snapshot was taken from).
    image_runs: the snapshot's linear memory 0 as (offset, bytes) runs; everything outside
        them is zero. It must be the WHOLE memory, original data segments included (they are
        replaced): e.g. `nonzero_runs(full_image)`. Runs must not overlap; any order.
    memory_pages: memory 0's size at the snapshot, in 64 KiB pages: the new minimum.
    globals: global index (in the global index space, imported globals first) -> value at
        the snapshot: the new initialiser of each of these (mutable, defined) globals.
        i32/i64 values as Python ints (any sign); f32/f64 as raw bit patterns.
    drop_start: remove the start section (the start function's work is in the snapshot).

    Returns the new module's bytes: all other sections byte-identical and in order; the
    data section replaced (and the data count section, if any, updated). Raises BakeError
    for modules `check_bakeable` refuses or inputs that do not fit (a run outside
    `memory_pages`, overlapping runs, an immutable or unknown global).
    """
    check_bakeable(wasm)
    sections = parse_sections(wasm)
    imports = _imports(sections)
    mem = _section(sections, SEC_MEMORY)
    if mem is None:  # pragma: no cover - check_bakeable refused it
        msg = "the module defines no memory"
        raise BakeError(msg)
    mr = _Reader(mem.payload)
    mr.uleb()
    mem_flags = _read_limits(mr)[0]
    memory64 = bool(mem_flags & 0x04)

    size = memory_pages * WASM_PAGE
    runs = sorted((o, bytes(c)) for o, c in image_runs if len(c))
    prev_end = 0
    for offset, chunk in runs:
        if offset < prev_end:
            msg = f"image runs overlap at {offset}"
            raise BakeError(msg)
        if offset + len(chunk) > size:
            msg = f"image run at {offset} (+{len(chunk)}) is outside {size} bytes"
            raise BakeError(msg)
        prev_end = offset + len(chunk)
    old_segments = len(_data_segments(sections))
    if _section(sections, SEC_DATACOUNT) is not None and len(runs) < old_segments:
        # Code may name segment indices (memory.init/data.drop on dropped active segments,
        # which behave the same on any dropped segment): keep every index valid.
        runs += [(0, b"")] * (old_segments - len(runs))

    glob = _section(sections, SEC_GLOBAL)
    if globals and glob is None:
        msg = "the module defines no globals"
        raise BakeError(msg)
    new_payloads: dict[int, bytes] = {SEC_MEMORY: _rewrite_memory(mem, memory_pages)}
    if glob is not None and globals:
        new_payloads[SEC_GLOBAL] = _rewrite_globals(glob, imports[KIND_GLOBAL], globals)
    data_payload = _data_payload(runs, memory64)

    out = bytearray(MAGIC)
    wrote_data = False
    for sec in sections:
        if sec.id == SEC_START and drop_start:
            continue
        if sec.id == SEC_DATACOUNT:
            out += _encode_section(SEC_DATACOUNT, _uleb(len(runs)))
        elif sec.id == SEC_DATA:
            out += _encode_section(SEC_DATA, data_payload)
            wrote_data = True
        elif sec.id in new_payloads:
            out += _encode_section(sec.id, new_payloads[sec.id])
        else:
            out += sec.raw(wasm)
        # A module without data segments gets its data section after the code section
        # (or where the code section would be), before any trailing custom sections.
        if not wrote_data and sec.id == SEC_CODE and _section(sections, SEC_DATA) is None:
            out += _encode_section(SEC_DATA, data_payload)
            wrote_data = True
    if not wrote_data:
        out += _encode_section(SEC_DATA, data_payload)
    return bytes(out)


def bake_snapshot(wasm: bytes, snapshot: Snapshot, fresh: bytes) -> bytes:
    """`wasm` baked with `snapshot`, taken over a fresh instance whose memory was `fresh`.

    The snapshot's globals are named by their exports (`__stack_pointer`).
    """
    image = snapshot.image(fresh)
    values = {export_index(wasm, name, KIND_GLOBAL): v for name, v in snapshot.globals.items()}
    return bake(wasm, nonzero_runs(image), snapshot.size // WASM_PAGE, values)
