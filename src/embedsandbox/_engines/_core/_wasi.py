"""The host side of a guest's WASI calls that wasmtime's own WASI does not limit.

For the guests that run on wasmtime's WASI (`define_wasi`): Ruby and PHP. A few calls are
shadowed in the guest's linker so that each resource is capped on the host, whatever the
guest's code does:

- `fd_write` on 1 and 2: the bytes go into the run's stdout/stderr buffers, each capped at
  `max_output_bytes` (what fits is kept, then the guest is stopped: `output_size`);
- writes to files (`fd_write`, `fd_pwrite`, `fd_allocate`, `fd_filestat_set_size`) count
  against `disk_bytes` and creations (`path_open` with O_CREAT, `path_create_directory`)
  against `disk_files`; past either the guest is stopped (`disk_size`). Overwrites count
  again: a quota on bytes written, never below what the folder holds;
- `path_symlink` and `path_link` are refused (EPERM): a guest needs no links, and a link is
  the classic way out of a folder;
- `poll_oneoff` (Ruby's `sleep`, PHP's `usleep`) waits on the host for at most what is left
  of the run's deadline, then stops the guest: wasmtime's blocks in native code, where the
  epoch deadline cannot reach it (`sleep 2` under a 0.2 s deadline took 2 s).

An engine may add shadows of its own (`define_shadows(..., extra=...)`: PHP's host door is
one). Everything else is wasmtime's WASI. A shadow that lets a call through forwards it to
wasmtime's own function through a tiny module (`FORWARD_WAT`) instantiated per guest on the
guest's memory: WASI reads its arguments from the memory its *caller* exports, so a host
function cannot call it directly. The guest being served is the one whose export call is
running on this thread (`WasiHost.active`): host functions are shared by every store.
"""

from __future__ import annotations

import contextlib
import ctypes
import struct
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar

import wasmtime

from ._split import IMPORT_MODULE, IMPORT_NAME
from ._wasmtime import fast_caller, lazy_exports

__all__ = [
    "FORWARD_WAT",
    "WasiLinkers",
    "SHADOWS",
    "WASI",
    "GuestStop",
    "WasiHost",
    "define_shadows",
    "read_memory",
    "write_memory",
]

WASI: Final = "wasi_snapshot_preview1"
_EFAULT: Final = 21
_EINVAL: Final = 28
_EPERM: Final = 63
_O_CREAT: Final = 1
_SUB: Final = 48  # bytes per subscription
_EVENT: Final = 32  # bytes per event
_local = threading.local()
_H = TypeVar("_H", bound="WasiHost")
# wasmtime's WASI functions that a shadow forwards to: name -> (params, results).
_FORWARDED: Final = {
    "fd_write": ("i32 i32 i32 i32", "i32"),
    "fd_pwrite": ("i32 i32 i32 i64 i32", "i32"),
    "fd_allocate": ("i32 i64 i64", "i32"),
    "fd_filestat_set_size": ("i32 i64", "i32"),
    "path_open": ("i32 i32 i32 i32 i32 i64 i64 i32 i32", "i32"),
    "path_create_directory": ("i32 i32 i32", "i32"),
    "poll_oneoff": ("i32 i32 i32 i32", "i32"),
    "clock_time_get": ("i32 i64 i32", "i32"),
    "fd_read": ("i32 i32 i32 i32", "i32"),
    "fd_close": ("i32", "i32"),
}


def _forward_wat() -> str:
    imports = ['(module (import "embedsandbox" "memory" (memory 0))']
    funcs = []
    for name, (params, results) in _FORWARDED.items():
        gets = " ".join(f"(local.get {i})" for i in range(len(params.split())))
        sig = f"(param {params}) (result {results})"
        imports.append(f'(import "{WASI}" "{name}" (func ${name} {sig}))')
        funcs.append(f'(func (export "{name}") {sig} (call ${name} {gets}))')
    return "\n".join([*imports, *funcs, '(export "memory" (memory 0)))'])


FORWARD_WAT: Final = _forward_wat()
"""A module that calls wasmtime's WASI functions for the host, on the guest's memory."""


class GuestStop(Exception):
    """Raised by a host function to end the guest's run; `reason` names the limit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WasiHost:
    """One guest's host-side WASI state: its outputs, disk quota, deadline, WASI forwards.

    Engines subclass it for what else their host functions keep (Ruby's handle tables).
    """

    def __init__(
        self,
        *,
        max_output_bytes: int,
        deadline: float,
        disk_bytes: int,
        disk_files: int,
    ) -> None:
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.max_output_bytes = max_output_bytes
        self.deadline = deadline  # time.monotonic()
        self.disk_bytes = disk_bytes
        self.disk_files = disk_files
        self.truncated = False
        self._plain: dict[str, Any] = {}
        self._forward: Any = None
        self._store: wasmtime.Store | None = None
        self._forward_module: wasmtime.Module | None = None
        self.memory: wasmtime.Memory | None = None

    def bind(
        self,
        memory: wasmtime.Memory,
        forward: Any,
        *,
        store: wasmtime.Store | None = None,
        module: wasmtime.Module | None = None,
    ) -> None:
        """Serve the guest whose memory is `memory`; `forward`: its `FORWARD_WAT` instance.

        With the guest's `store` and the forward `module`, a forward is called through the
        core's fast path (`_wasmtime.fast_caller`): wasmtime-py's public call checks every
        argument's type, about 0.1 ms per WASI call a shadow lets through.
        """
        self.memory, self._forward, self._plain = memory, forward, {}
        self._store, self._forward_module = store, module

    def plain(self, name: str) -> Any:
        """Wasmtime's own WASI function `name` for this guest (called with the caller)."""
        found = self._plain.get(name)
        if found is None:
            if self._forward is None:  # pragma: no cover - bound before any call
                msg = "a guest's WASI call before it was bound"
                raise wasmtime.Trap(msg)
            func = self._forward[name]
            if self._store is not None and self._forward_module is not None:
                fast = fast_caller(self._store, func, module=self._forward_module, name=name)

                def found(_caller: Any, *args: int, fast: Any = fast) -> Any:
                    return fast(*args)
            else:
                found = func
            self._plain[name] = found
        return found

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Serve this guest's host calls on this thread while the block runs."""
        previous = getattr(_local, "state", None)
        _local.state = self
        try:
            yield
        finally:
            _local.state = previous

    @classmethod
    def current(cls: type[_H]) -> _H:
        """The guest being served on this thread (a trap outside of a run)."""
        state = getattr(_local, "state", None)
        if not isinstance(state, cls):
            msg = "a guest's host call outside of its run"
            raise wasmtime.Trap(msg)
        return state

    def output(self, fd: int, data: bytes) -> None:
        """Append to stdout (1) or stderr (2); past the cap keep what fits and stop."""
        buffer = self.stdout if fd == 1 else self.stderr
        room = self.max_output_bytes - len(buffer)
        if len(data) > room:
            buffer += data[: max(room, 0)]
            self.truncated = True
            reason = "output"
            raise GuestStop(reason)
        buffer += data

    def spend_disk(self, size: int, files: int = 0) -> None:
        """Count `size` bytes written and `files` created against the quota."""
        self.disk_bytes -= size
        self.disk_files -= files
        if self.disk_bytes < 0 or self.disk_files < 0:
            reason = "disk"
            raise GuestStop(reason)


def _memory(caller: Any) -> tuple[int, int]:
    memory = WasiHost.current().memory
    if memory is None:  # pragma: no cover - bound before any call
        msg = "a guest's WASI call before it was bound"
        raise wasmtime.Trap(msg)
    base = ctypes.addressof(memory.data_ptr(caller).contents)
    return base, memory.data_len(caller)


def _read(caller: Any, ptr: int, length: int) -> bytes | None:
    base, size = _memory(caller)
    if ptr < 0 or length < 0 or ptr + length > size:
        return None
    return ctypes.string_at(base + ptr, length)


def _iovec_bytes(caller: Any, iovs: int, count: int) -> bytes | None:
    table = _read(caller, iovs, 8 * count)
    if table is None:
        return None
    parts = []
    for i in range(count):
        ptr, length = struct.unpack_from("<II", table, 8 * i)
        part = _read(caller, ptr, length)
        if part is None:
            return None
        parts.append(part)
    return b"".join(parts)


def _iovec_size(caller: Any, iovs: int, count: int) -> int | None:
    table = _read(caller, iovs, 8 * count)
    if table is None:
        return None
    return sum(int(struct.unpack_from("<II", table, 8 * i)[1]) for i in range(count))


def _write_u32(caller: Any, ptr: int, value: int) -> bool:
    return write_memory(caller, ptr, struct.pack("<I", value))


def read_memory(caller: Any, ptr: int, length: int) -> bytes | None:
    """`length` bytes of the served guest's memory at `ptr`; None when out of bounds."""
    return _read(caller, ptr, length)


def write_memory(caller: Any, ptr: int, data: bytes) -> bool:
    """Write `data` into the served guest's memory at `ptr`; False when out of bounds."""
    base, size = _memory(caller)
    if ptr < 0 or ptr + len(data) > size:
        return False
    ctypes.memmove(base + ptr, data, len(data))
    return True


def _fd_write(caller: Any, fd: int, iovs: int, count: int, nwritten: int) -> int:
    state = WasiHost.current()
    if fd in (1, 2):
        data = _iovec_bytes(caller, iovs, count)
        if data is None:
            return _EFAULT
        state.output(fd, data)
        return 0 if _write_u32(caller, nwritten, len(data)) else _EFAULT
    size = _iovec_size(caller, iovs, count)
    if size is None:
        return _EFAULT
    state.spend_disk(size)
    result: int = state.plain("fd_write")(caller, fd, iovs, count, nwritten)
    return result


def _fd_pwrite(caller: Any, fd: int, iovs: int, count: int, offset: int, nwritten: int) -> int:
    state = WasiHost.current()
    size = _iovec_size(caller, iovs, count)
    if size is None:
        return _EFAULT
    state.spend_disk(size)
    result: int = state.plain("fd_pwrite")(caller, fd, iovs, count, offset, nwritten)
    return result


def _fd_allocate(caller: Any, fd: int, offset: int, length: int) -> int:
    state = WasiHost.current()
    state.spend_disk(max(length, 0))
    result: int = state.plain("fd_allocate")(caller, fd, offset, length)
    return result


def _fd_filestat_set_size(caller: Any, fd: int, size: int) -> int:
    state = WasiHost.current()
    if size > state.disk_bytes:  # a sparse file of any size costs nothing to ask for
        reason = "disk"
        raise GuestStop(reason)
    result: int = state.plain("fd_filestat_set_size")(caller, fd, size)
    return result


def _path_open(caller: Any, fd: int, dirflags: int, path: int, path_len: int, oflags: int,
               base: int, inheriting: int, fdflags: int, opened: int) -> int:  # fmt: skip
    state = WasiHost.current()
    if oflags & _O_CREAT:
        state.spend_disk(0, 1)
    result: int = state.plain("path_open")(
        caller, fd, dirflags, path, path_len, oflags, base, inheriting, fdflags, opened
    )
    return result


def _path_create_directory(caller: Any, fd: int, path: int, path_len: int) -> int:
    state = WasiHost.current()
    state.spend_disk(0, 1)
    result: int = state.plain("path_create_directory")(caller, fd, path, path_len)
    return result


def _refuse(*_args: Any) -> int:
    return _EPERM


def _poll_oneoff(caller: Any, subs: int, events: int, count: int, nevents: int) -> int:
    state = WasiHost.current()
    raw = _read(caller, subs, _SUB * count) if count > 0 else None
    if raw is None:
        return _EINVAL
    waits: list[tuple[int, float]] = []  # (userdata, seconds)
    for i in range(count):
        at = _SUB * i
        userdata, tag = struct.unpack_from("<QB", raw, at)
        if tag != 0:  # an fd: wasmtime answers at once for files and stdin (no sockets)
            result: int = state.plain("poll_oneoff")(caller, subs, events, count, nevents)
            return result
        clock, timeout, _precision, flags = struct.unpack_from("<I4xQQH", raw, at + 16)
        seconds = timeout / 1e9
        if flags & 1:  # an absolute time on the guest's clock
            now = _guest_now(caller, state, clock, events)
            if now is None:
                return _EINVAL
            seconds = (timeout - now) / 1e9
        waits.append((userdata, max(seconds, 0.0)))
    shortest = min(seconds for _, seconds in waits)
    left = state.deadline - time.monotonic()
    if shortest > left:
        time.sleep(max(left, 0.0))
        reason = "deadline"
        raise GuestStop(reason)
    time.sleep(shortest)
    due = [userdata for userdata, seconds in waits if seconds <= shortest]
    out = b"".join(struct.pack("<QHBxxxxxQHxxxxxx", u, 0, 0, 0, 0) for u in due)
    base, size = _memory(caller)
    if events < 0 or events + len(out) > size:
        return _EFAULT
    ctypes.memmove(base + events, out, len(out))
    return 0 if _write_u32(caller, nevents, len(due)) else _EFAULT


def _guest_now(caller: Any, state: WasiHost, clock: int, scratch: int) -> int | None:
    # The guest's clocks are wasmtime's: ask it, into the events area (written later).
    if state.plain("clock_time_get")(caller, clock, 1, scratch) != 0:
        return None
    raw = _read(caller, scratch, 8)
    return None if raw is None else int(struct.unpack("<Q", raw)[0])


_SHADOWS: Final[dict[str, Callable[..., int]]] = {
    "fd_write": _fd_write,
    "fd_pwrite": _fd_pwrite,
    "fd_allocate": _fd_allocate,
    "fd_filestat_set_size": _fd_filestat_set_size,
    "path_open": _path_open,
    "path_create_directory": _path_create_directory,
    "path_symlink": _refuse,
    "path_link": _refuse,
    "poll_oneoff": _poll_oneoff,
}


SHADOWS: Final[Mapping[str, Callable[..., int]]] = MappingProxyType(_SHADOWS)
"""The core's shadows by WASI name, for an engine's own shadow that wraps one."""


def define_shadows(
    linker: wasmtime.Linker,
    module: wasmtime.Module,
    extra: Mapping[str, Callable[..., int]] | None = None,
) -> None:
    """Define the shadowing WASI functions (after `define_wasi`, with shadowing allowed).

    `extra`: an engine's own shadows, by WASI function name (taking the caller first); each
    may forward to wasmtime's function with `WasiHost.current().plain(name)` when that name
    is one `FORWARD_WAT` exports.
    """
    shadows = {**_SHADOWS, **(extra or {})}
    for item in module.imports:
        name = item.name or ""
        func: Callable[..., int] | None = shadows.get(name) if item.module == WASI else None
        if func is not None and isinstance(item.type, wasmtime.FuncType):
            linker.define_func(WASI, name, item.type, func, access_caller=func is not _refuse)


class WasiLinkers:
    """How a split WASI guest's code module (Ruby, PHP) is linked: once per build.

    The code module's linker has wasmtime's WASI with the core's shadows (and `extra`: an
    engine's own, `define_shadows`); an engine may define more imports on `linker` before the
    first guest. The forward module (`FORWARD_WAT`) gets wasmtime's plain WASI. The code
    module imports its memory: each guest's is defined in the shared linkers just before it
    is instantiated (a linker's memory belongs to one store), under `lock`.
    """

    def __init__(
        self,
        engine: wasmtime.Engine,
        code: wasmtime.Module,
        extra: Mapping[str, Callable[..., int]] | None = None,
    ) -> None:
        self.code = code
        self.forward = wasmtime.Module(engine, bytes(wasmtime.wat2wasm(FORWARD_WAT)))
        self.lock = threading.Lock()
        self.plain = wasmtime.Linker(engine)
        self.plain.allow_shadowing = True  # each guest's memory replaces the last
        self.plain.define_wasi()
        self.linker = wasmtime.Linker(engine)
        self.linker.allow_shadowing = True
        self.linker.define_wasi()
        define_shadows(self.linker, code, extra)

    def instantiate(
        self, store: wasmtime.Store, memory_source: wasmtime.Module, host: WasiHost
    ) -> tuple[wasmtime.Instance, wasmtime.Memory]:
        """A guest: a fresh copy of the memory module, the code module on it, `host` bound."""
        memory = wasmtime.Instance(store, memory_source, []).exports(store)[IMPORT_NAME]
        if not isinstance(memory, wasmtime.Memory):  # pragma: no cover - our modules
            msg = "a memory module exports no memory"
            raise TypeError(msg)
        with self.lock:
            self.linker.define(store, IMPORT_MODULE, IMPORT_NAME, memory)
            instance = self.linker.instantiate(store, self.code)
            self.plain.define(store, IMPORT_MODULE, IMPORT_NAME, memory)
            forward = self.plain.instantiate(store, self.forward)
        host.bind(memory, lazy_exports(store, forward), store=store, module=self.forward)
        return instance, memory
