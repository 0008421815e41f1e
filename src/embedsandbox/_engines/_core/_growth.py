"""A refused memory growth the host can see: every `memory.grow` made a call that reports it.

A guest whose `memory.grow` is refused (it asked for more than its memory cap) gets -1 back
and may carry on: Ruby raises NoMemoryError, which `rescue Exception` catches, and nothing
would tell the host that the cap was hit. `watch_growth` rewrites a split code module
(`_split.py`) so that every `memory.grow` calls one function appended to it, which grows the
memory and, when that is refused, sets the appended global `GROW_REFUSED` to 1. The host
reads it after the run: the run hit its memory limit, whatever the guest did next.

The guest is not stopped there: Ruby itself asks for more than it needs and carries on when
refused (its start-up under a 48 MiB cap has a 14 MiB request refused), so a trap would end
runs that finish; a run that was refused any growth is reported as ended by `memory_size`.

No index moves: the type, the function and the global come after all others. Only the
bodies that hold a `memory.grow` are encoded again (each call a byte or two longer than the
instruction it replaces); the others are copied as they are.
"""

from __future__ import annotations

from typing import Final

from ._bake import (
    KIND_FUNC,
    SEC_CODE,
    SEC_FUNCTION,
    SEC_TYPE,
    BakeError,
    Section,
    _imports,
    _Reader,
    _section,
    _uleb,
)

__all__ = ["GROW_REFUSED", "GROWN_GLOBAL", "watch_growth"]

GROW_REFUSED: Final = "embedsandbox.grow_refused"
"""The exported i32 global that is 1 once a `memory.grow` was refused."""
GROWN_GLOBAL: Final = b"\x7f\x01\x41\x00\x0b"  # the global: mutable i32, starting at 0
_I32_TO_I32: Final = b"\x60\x01\x7f\x01\x7f"  # func type (i32) -> (i32)


def _body(refused_global: int) -> bytes:
    """grow(delta): memory.grow(delta), and when that returns -1 the global set to 1."""
    code = (
        b"\x20\x00"  # local.get 0
        b"\x40\x00"  # memory.grow 0
        b"\x22\x01"  # local.tee 1
        b"\x41\x7f"  # i32.const -1
        b"\x46"  # i32.eq
        b"\x04\x40"  # if
        b"\x41\x01"  # i32.const 1
        b"\x24"
        + _uleb(refused_global)  # global.set
        + b"\x0b"  # end
        b"\x20\x01"  # local.get 1
        b"\x0b"  # end
    )
    return b"\x01\x01\x7f" + code  # one local: i32


def watch_growth(
    sections: list[Section], sites: list[int], refused_global: int
) -> dict[int, bytes]:
    """New type, function and code section payloads that route every grow through the hook.

    `sites`: the offsets of the `memory.grow` opcodes in the code section's payload
    (`_code_scan.scan_code`); `refused_global`: the index the caller gives the
    appended global (`GROWN_GLOBAL`) in its global section.
    """
    types, funcs, code = (_section(sections, sid) for sid in (SEC_TYPE, SEC_FUNCTION, SEC_CODE))
    if types is None or funcs is None or code is None:
        msg = "a module without types, functions or code has no memory.grow to watch"
        raise BakeError(msg)
    t = _Reader(types.payload)
    type_count = t.uleb()
    new_types = _uleb(type_count + 1) + bytes(t.data[t.pos :]) + _I32_TO_I32
    f = _Reader(funcs.payload)
    func_count = f.uleb()
    new_funcs = _uleb(func_count + 1) + bytes(f.data[f.pos :]) + _uleb(type_count)
    hook = _imports(sections)[KIND_FUNC] + func_count
    return {
        SEC_TYPE: new_types,
        SEC_FUNCTION: new_funcs,
        SEC_CODE: _rewrite_code(code.payload, sites, hook, _body(refused_global)),
    }


def _rewrite_code(payload: bytes, sites: list[int], hook: int, body: bytes) -> bytes:
    r = _Reader(payload)
    count = r.uleb()
    out = bytearray(_uleb(count + 1))
    call = b"\x10" + _uleb(hook)
    i = 0
    for _ in range(count):
        head = r.pos
        end = r.uleb()
        end += r.pos
        if i >= len(sites) or sites[i] >= end:
            out += payload[head:end]
        else:
            parts = bytearray()
            at = r.pos
            while i < len(sites) and sites[i] < end:
                site = sites[i]
                if payload[site] != 0x40 or payload[site + 1] != 0x00:
                    msg = f"byte {site} of the code is not memory.grow of memory 0"
                    raise BakeError(msg)
                parts += payload[at:site] + call
                at = site + 2
                i += 1
            parts += payload[at:end]
            out += _uleb(len(parts)) + parts
        r.pos = end
    if i != len(sites) or not r.at_end():
        msg = "the memory.grow sites do not match the code section"
        raise BakeError(msg)
    out += _uleb(len(body)) + body
    return bytes(out)
