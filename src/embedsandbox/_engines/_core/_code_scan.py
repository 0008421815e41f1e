"""What a module's code can change in its instance besides its memory and globals.

An instance that served one guest can serve the next (`_slots.py`) only if everything it
keeps between calls is put back: its memory (reset from the state) and its mutable globals
(set back to their initial values). Its tables and the dropped state of its passive
segments would also carry over, so `instance_changes` decodes every function body and
lists the instructions that change them: `table.set`, `table.fill`, `table.copy`,
`table.init`, `table.grow`, `elem.drop`, `memory.init` and `data.drop`. A statically linked
C program (CPython, QuickJS, Ruby built with wasi-sdk) has none: its function-pointer table
is written once, by its element segments, at instantiation.

The decoder knows the instruction set wasmtime 49 compiles for these guests: the MVP,
sign extension, saturating truncation, bulk memory, reference types, SIMD and relaxed SIMD,
threads' atomics, tail calls, typed function references and exception handling (both
encodings). Anything else (GC's 0xFB prefix, say) is refused with `BakeError`, and so is a
body that does not decode to exactly its declared size: a module it cannot read is never
called safe to reuse. Pure Python: about 10 s for the Python guest's 74 MB code section,
once per machine, beside the 1.5 to 4 minute compile it comes with.
"""

from __future__ import annotations

from typing import Final

from ._bake import BakeError

__all__ = ["instance_changes", "scan_code"]

# How each one-byte opcode's immediates are laid out.
_NONE, _IDX, _IDX2, _BLOCK, _BR_TABLE, _MEMARG, _LEB, _F32, _F64 = range(9)
_SELECT_T, _TRY_TABLE, _FC, _FD, _FE = range(9, 14)

_KIND: list[int | None] = [None] * 256
for _op in (*range(0x45, 0xC5), 0x00, 0x01, 0x05, 0x0A, 0x0B, 0x0F, 0x19, 0x1A, 0x1B):
    _KIND[_op] = _NONE
for _op in (0xD1, 0xD3, 0xD4):  # ref.is_null, ref.eq, ref.as_non_null
    _KIND[_op] = _NONE
for _op in (0x02, 0x03, 0x04, 0x06):  # block, loop, if, try (legacy)
    _KIND[_op] = _BLOCK
# catch, throw, rethrow, br, br_if, call, return_call, call_ref, return_call_ref, delegate,
# local.get/set/tee, global.get/set, table.get, table.set, ref.func, br_on_null, br_on_non_null
for _op in (0x07, 0x08, 0x09, 0x0C, 0x0D, 0x10, 0x12, 0x14, 0x15, 0x18, *range(0x20, 0x27)):
    _KIND[_op] = _IDX
for _op in (0xD2, 0xD5, 0xD6):
    _KIND[_op] = _IDX
_KIND[0x11] = _KIND[0x13] = _IDX2  # call_indirect, return_call_indirect: type, table
_KIND[0x0E] = _BR_TABLE
for _op in range(0x28, 0x3F):  # loads and stores
    _KIND[_op] = _MEMARG
_KIND[0x3F] = _KIND[0x40] = _LEB  # memory.size, memory.grow: a memory index
_KIND[0x41] = _KIND[0x42] = _LEB  # i32.const, i64.const
_KIND[0xD0] = _LEB  # ref.null: a heap type
_KIND[0x43], _KIND[0x44] = _F32, _F64
_KIND[0x1C], _KIND[0x1F] = _SELECT_T, _TRY_TABLE
_KIND[0xFC], _KIND[0xFD], _KIND[0xFE] = _FC, _FD, _FE

_OPENS: Final = frozenset((0x02, 0x03, 0x04, 0x06, 0x1F))
_TABLE_SET: Final = 0x26
_MEMORY_GROW: Final = 0x40
# 0xFC sub-opcodes that change an instance's tables or segments, and their immediates.
_FC_CHANGES: Final = {
    8: "memory.init",
    9: "data.drop",
    12: "table.init",
    13: "elem.drop",
    14: "table.copy",
    15: "table.grow",
    17: "table.fill",
}
_FC_TWO: Final = frozenset((8, 10, 12, 14))
_FC_ONE: Final = frozenset((9, 11, 13, 15, 16, 17))
_REF_TYPES: Final = frozenset((0x63, 0x64))  # (ref null ht), (ref ht): a heap type follows
_SHORT_TYPES: Final = frozenset((0x40, 0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F, 0x69))


def instance_changes(code: bytes) -> dict[str, int]:
    """How often each instance-changing instruction occurs in a code section's payload.

    Empty: the code changes nothing of its instance but its memory and globals. Raises
    `BakeError` where the code cannot be decoded.
    """
    try:
        return _scan(memoryview(code))
    except IndexError:
        msg = "the code section ends inside an instruction"
        raise BakeError(msg) from None


def scan_code(code: bytes) -> tuple[dict[str, int], list[int]]:
    """`instance_changes`, and the offsets of every `memory.grow` opcode, in order.

    The offsets are into the code section's payload (`_growth.py` rewrites them).
    """
    sites: list[int] = []
    try:
        changes = _scan(memoryview(code), sites)
    except IndexError:
        msg = "the code section ends inside an instruction"
        raise BakeError(msg) from None
    return changes, sites


def _scan(d: memoryview, grows: list[int] | None = None) -> dict[str, int]:
    found: dict[str, int] = {}
    pos = 0

    def uleb() -> int:
        nonlocal pos
        result = shift = 0
        while True:
            byte = d[pos]
            pos += 1
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result
            shift += 7

    def skip_leb() -> None:
        nonlocal pos
        while d[pos] & 0x80:
            pos += 1
        pos += 1

    def valtype() -> None:
        nonlocal pos
        pos += 1
        if d[pos - 1] in _REF_TYPES:
            skip_leb()

    def blocktype() -> None:
        nonlocal pos
        if d[pos] in _SHORT_TYPES:
            pos += 1
        elif d[pos] in _REF_TYPES:
            pos += 1
            skip_leb()
        else:
            skip_leb()  # a type index (s33)

    def memarg() -> None:
        if uleb() & 0x40:  # a memory index follows the alignment
            skip_leb()
        skip_leb()

    for _ in range(uleb()):
        end = uleb()
        end += pos
        for _ in range(uleb()):  # locals: (count, type)*
            skip_leb()
            valtype()
        depth = 0
        while True:
            op = d[pos]
            pos += 1
            kind = _KIND[op]
            if kind == _NONE:
                if op == 0x0B:
                    if depth == 0:
                        break
                    depth -= 1
            elif kind == _IDX:
                if op == _TABLE_SET:
                    found["table.set"] = found.get("table.set", 0) + 1
                skip_leb()
            elif kind == _MEMARG:
                memarg()
            elif kind == _LEB:
                if op == _MEMORY_GROW and grows is not None:
                    grows.append(pos - 1)
                skip_leb()
            elif kind == _BLOCK:
                depth += 1
                blocktype()
            elif kind == _IDX2:
                skip_leb()
                skip_leb()
            elif kind == _BR_TABLE:
                for _ in range(uleb() + 1):
                    skip_leb()
            elif kind == _F32:
                pos += 4
            elif kind == _F64:
                pos += 8
            elif kind == _SELECT_T:
                for _ in range(uleb()):
                    valtype()
            elif kind == _TRY_TABLE:
                depth += 1
                blocktype()
                for _ in range(uleb()):
                    catch = d[pos]
                    pos += 1
                    if catch in (0, 1):  # catch, catch_ref: a tag
                        skip_leb()
                    elif catch not in (2, 3):  # catch_all, catch_all_ref
                        msg = f"unknown catch clause {catch:#x} at byte {pos - 1}"
                        raise BakeError(msg)
                    skip_leb()  # the label
            elif kind == _FC:
                sub = uleb()
                name = _FC_CHANGES.get(sub)
                if name is not None:
                    found[name] = found.get(name, 0) + 1
                if sub in _FC_TWO:
                    skip_leb()
                    skip_leb()
                elif sub in _FC_ONE:
                    skip_leb()
                elif sub > 7:  # 0-7: the saturating truncations
                    msg = f"unknown instruction 0xfc {sub} at byte {pos}"
                    raise BakeError(msg)
            elif kind == _FD:
                sub = uleb()
                if sub <= 11 or sub in (92, 93):  # v128 loads and stores
                    memarg()
                elif sub in (12, 13):  # v128.const, i8x16.shuffle
                    pos += 16
                elif 21 <= sub <= 34:  # lane extracts and replaces
                    pos += 1
                elif 84 <= sub <= 91:  # lane loads and stores
                    memarg()
                    pos += 1
                elif sub > 0x113:
                    msg = f"unknown instruction 0xfd {sub} at byte {pos}"
                    raise BakeError(msg)
            elif kind == _FE:
                if uleb() == 3:  # atomic.fence
                    pos += 1
                else:
                    memarg()
            else:
                msg = f"unknown opcode {op:#x} at byte {pos - 1}"
                raise BakeError(msg)
        if pos != end:
            msg = f"a function body decodes to byte {pos}, not its declared end {end}"
            raise BakeError(msg)
    if pos != len(d):
        msg = "trailing bytes in the code section"
        raise BakeError(msg)
    return found
