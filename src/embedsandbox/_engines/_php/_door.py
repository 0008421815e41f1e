"""The PHP guest's host door: one file of its harness folder that the host answers.

php.wasm imports nothing but WASI, so the door is made of WASI calls the host shadows
(`_core/_wasi.py` `define_shadows(extra=...)`). The engine's harness folder, preopened
read-only at `/.sandbox/lib`, holds an empty file `door`; a descriptor the guest opens on it
(`_guest/php_http.php` and run_function's entry do) is the door:

- what the guest writes to it is a message, framed as `<length> LF <message>` (length in
  decimal bytes); the message is a door message (`_core/_door.py`: `op:payload`);
- once a message is complete the host answers it, and what the guest reads next is the
  reply: 4 bytes of its length (little-endian) and the reply. Reads past it get nothing.

Nothing of this touches the file itself (it stays empty and read-only). Ops served: `host:`
(the egress gateway) and `result:` (a function's result, kept for the host; the reply is
empty). A message over `MAX_DOOR_MESSAGE_BYTES` or past `MAX_DOOR_CALLS` is answered with an
error reply; a malformed frame stops the guest (only a guest that broke the protocol on
purpose sends one).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from typing import Any, Final

import wasmtime

from .._base import HostCall
from .._core._door import MAX_DOOR_MESSAGE_BYTES, HostDoor, split
from .._core._wasi import SHADOWS, WasiHost, read_memory, write_memory

__all__ = ["DOOR_NAME", "DOOR_SHADOWS", "PhpHost"]

DOOR_NAME: Final = "door"
"""The door's file name in the harness folder."""
LIB_FD: Final = 5
"""The engine's harness folder's descriptor: the third preopen (the run's folder and the
run's harness are the first two)."""
_EFAULT: Final = 21
_HEAD_MAX: Final = 12  # "<length>\n": a length of up to 11 digits


class PhpHost(WasiHost):
    """One PHP guest's host state: the core's, plus the door's descriptors and buffers."""

    def __init__(
        self,
        *,
        max_output_bytes: int,
        deadline: float,
        disk_bytes: int,
        disk_files: int,
        host_call: HostCall | None,
    ) -> None:
        super().__init__(
            max_output_bytes=max_output_bytes,
            deadline=deadline,
            disk_bytes=disk_bytes,
            disk_files=disk_files,
        )
        self._door = HostDoor(host_call)
        self.door_fds: set[int] = set()
        self.result: str | None = None  # a function's `result:` payload
        self._pending = bytearray()  # the message being written
        self._reply = b""
        self._at = 0

    def door_write(self, data: bytes) -> None:
        """Take bytes the guest wrote to the door; answer each message once it is whole."""
        self._pending += data
        while True:
            newline = self._pending.find(b"\n", 0, _HEAD_MAX)
            if newline < 0:
                if len(self._pending) >= _HEAD_MAX:
                    self._broken("a door message without its length")
                return
            head = bytes(self._pending[:newline])
            if not head.isdigit():
                self._broken("a door message whose length is not a number")
            length = int(head)
            if length > MAX_DOOR_MESSAGE_BYTES:
                self._answer(
                    _refusal(
                        f"the host call's message is {length} bytes, over its "
                        f"cap of {MAX_DOOR_MESSAGE_BYTES}; the call was refused"
                    )
                )
                self._broken("a door message over its cap")  # its bytes are not read
            if len(self._pending) - newline - 1 < length:
                return
            message = bytes(self._pending[newline + 1 : newline + 1 + length])
            del self._pending[: newline + 1 + length]
            self._answer(self._serve(message))

    def door_read(self, size: int) -> bytes:
        """Up to `size` bytes of the reply the guest has not read yet."""
        chunk = self._reply[self._at : self._at + size]
        self._at += len(chunk)
        return chunk

    def _answer(self, reply: bytes) -> None:
        self._reply = struct.pack("<I", len(reply)) + reply
        self._at = 0

    def _serve(self, message: bytes) -> bytes:
        op, payload = split(message)
        if op == b"result":  # a function's result, for the host (the door's reply is empty)
            self.result = payload.decode("utf-8", "replace")
            return b""
        return self._door(message)

    @staticmethod
    def _broken(why: str) -> None:
        msg = f"the PHP guest broke the host door's protocol ({why})"
        raise wasmtime.Trap(msg)


def _refusal(message: str) -> bytes:
    return json.dumps({"error": message, "kind": "limit"}).encode()


def _iovecs(caller: Any, iovs: int, count: int) -> list[tuple[int, int]] | None:
    table = read_memory(caller, iovs, 8 * count)
    if table is None:
        return None
    return [struct.unpack_from("<II", table, 8 * i) for i in range(count)]


def _path_open(caller: Any, fd: int, dirflags: int, path: int, path_len: int, oflags: int,
               base: int, inheriting: int, fdflags: int, opened: int) -> int:  # fmt: skip
    result: int = SHADOWS["path_open"](
        caller, fd, dirflags, path, path_len, oflags, base, inheriting, fdflags, opened
    )
    if result == 0 and fd == LIB_FD and read_memory(caller, path, path_len) == b"door":
        raw = read_memory(caller, opened, 4)
        if raw is not None:
            PhpHost.current().door_fds.add(struct.unpack("<I", raw)[0])
    return result


def _fd_write(caller: Any, fd: int, iovs: int, count: int, nwritten: int) -> int:
    host = PhpHost.current()
    if fd not in host.door_fds:
        result: int = SHADOWS["fd_write"](caller, fd, iovs, count, nwritten)
        return result
    vecs = _iovecs(caller, iovs, count)
    if vecs is None:
        return _EFAULT
    data = b"".join(read_memory(caller, ptr, length) or b"" for ptr, length in vecs)
    host.door_write(data)
    return 0 if write_memory(caller, nwritten, struct.pack("<I", len(data))) else _EFAULT


def _fd_read(caller: Any, fd: int, iovs: int, count: int, nread: int) -> int:
    host = PhpHost.current()
    if fd not in host.door_fds:
        result: int = host.plain("fd_read")(caller, fd, iovs, count, nread)
        return result
    vecs = _iovecs(caller, iovs, count)
    if vecs is None:
        return _EFAULT
    total = 0
    for ptr, length in vecs:
        chunk = host.door_read(length)
        if chunk and not write_memory(caller, ptr, chunk):
            return _EFAULT
        total += len(chunk)
        if len(chunk) < length:
            break
    return 0 if write_memory(caller, nread, struct.pack("<I", total)) else _EFAULT


def _fd_close(caller: Any, fd: int) -> int:
    host = PhpHost.current()
    host.door_fds.discard(fd)
    result: int = host.plain("fd_close")(caller, fd)
    return result


DOOR_SHADOWS: Final[dict[str, Callable[..., int]]] = {
    "path_open": _path_open,
    "fd_write": _fd_write,
    "fd_read": _fd_read,
    "fd_close": _fd_close,
}
"""The WASI functions the door shadows, on top of the core's (`define_shadows(extra=)`)."""
