"""The Ruby guest's host door, on ruby.wasm's JavaScript-interop imports.

ruby.wasm's `js` extension (`require "js.so"`, loaded by our HTTP shim) asks its host to
evaluate JavaScript (`JS.eval(code)`: the import `eval-js`) and to read a value back as a
string (`JS::Object#to_s`: `js-value-to-string`). There is no JavaScript here, so the host
takes the "code" as a door message (framed as `_core/_door.py` says; the Ruby guest sends
only `host:<gateway JSON>`) and hands back a js-abi-value handle whose string is the reply.
Ruby drops the handle (`resource_drop_js-abi-value`) when its JS::Object is collected.

ABI (the legacy canonical ABI, as `_rubywasm.py` describes): `eval-js(ptr, len, ret)`
writes `[u8 tag][3 pad][u32 handle]` at `ret` (tag 0: success; failure is never answered);
the message is the callee's to free (shrunk to one byte with `cabi_realloc`, which frees
nothing at size 0). `js-value-to-string(handle, ret)` writes `[u32 ptr][u32 len]` at `ret`,
a copy the guest allocated with `cabi_realloc` and frees itself.

Guest-controlled input: nothing here raises into the guest but a trap for a handle never
handed out; messages and calls are capped as for the other guests.
"""

from __future__ import annotations

import json
import struct
from typing import Any, Final

import wasmtime

from .._core._door import MAX_DOOR_MESSAGE_BYTES, HostDoor
from ._wasi import HostState, read_memory, write_memory

__all__ = ["RubyDoor", "drop_value", "eval_js", "value_to_string"]

HELD_REPLY_BYTES: Final = 64 << 20
"""The most reply bytes a guest may hold at once (replies it has not dropped yet); past it
a message is answered with a `limit` error instead, so no guest keeps host memory."""
_NO_DOOR: Final = b'{"error": "no host door while the guest state is made"}'


RubyDoor = HostDoor
"""Serves one run's door messages: `host:` goes to the egress gateway (the core's door)."""


def _trap(message: str) -> wasmtime.Trap:
    """A trap that ends the guest: its own call broke the ABI (no valid guest does)."""
    return wasmtime.Trap(message)


def eval_js(caller: Any, ptr: int, length: int, ret: int) -> None:
    """`eval-js`: answer the message at (ptr, length); the reply's handle goes to `ret`."""
    state = HostState.current()
    if length > MAX_DOOR_MESSAGE_BYTES:
        reply = json.dumps(
            {
                "error": f"the host call's message is {length} bytes, over its cap of "
                f"{MAX_DOOR_MESSAGE_BYTES}; the call was refused",
                "kind": "limit",
            }
        ).encode()
    else:
        message = read_memory(caller, ptr, length)
        if message is None:
            msg = "eval-js: the message is outside the guest's memory"
            raise _trap(msg)
        held = state.reply_bytes
        if held > HELD_REPLY_BYTES:
            reply = json.dumps(
                {
                    "error": f"this guest holds {held} bytes of host replies, over the cap "
                    f"of {HELD_REPLY_BYTES}; drop some (let them be collected) first",
                    "kind": "limit",
                }
            ).encode()
        else:
            reply = _NO_DOOR if state.door is None else state.door(message)
    if length > 1:  # the message is ours to free (see the module doc)
        state.realloc(caller, ptr, length, 1, 1)
    state.reply_count += 1
    handle = state.reply_count
    state.replies[handle] = reply
    state.reply_bytes += len(reply)
    if not write_memory(caller, ret, struct.pack("<B3xI", 0, handle)):
        msg = "eval-js: the return area is outside the guest's memory"
        raise _trap(msg)


def value_to_string(caller: Any, handle: int, ret: int) -> None:
    """`js-value-to-string`: a copy of the reply `handle` holds, allocated in the guest."""
    state = HostState.current()
    reply = state.replies.get(handle)
    if reply is None:
        msg = f"js-value-to-string: unknown js-abi-value handle {handle}"
        raise _trap(msg)
    ptr: int = state.realloc(caller, 0, 0, 1, max(len(reply), 1))
    if not write_memory(caller, ptr, reply) or not write_memory(
        caller, ret, struct.pack("<II", ptr, len(reply))
    ):
        msg = "js-value-to-string: the copy is outside the guest's memory"
        raise _trap(msg)


def drop_value(handle: int) -> None:
    """`resource_drop_js-abi-value`: the guest no longer holds the reply."""
    state = HostState.current()
    dropped = state.replies.pop(handle, None)
    if dropped is not None:
        state.reply_bytes -= len(dropped)
