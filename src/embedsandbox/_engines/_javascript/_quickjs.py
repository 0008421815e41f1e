"""The quickjs-rs adapter: the only module that imports quickjs_rs (0.2.6, pinned exactly).

quickjs-rs 0.2.6 runs every guest on one process-wide wasmtime Engine with the default
Config (`_wasmtime.shared_wasmtime_engine`), builds each Store in `_engine._Instance.__init__`
with `inherit_stdout/inherit_stderr`, and never sets fuel, memory caps or epochs. We need all
of those, so this module:

1. instantiates the same guest module, compiled on the core's engines (`_core._build`), with a
   store made by the core (fuel, epoch deadline, memory cap, WASI without any host stdio, env
   or preopens), through a Linker built by quickjs-rs's own `_build_shared_linker(engine)`,
   whose import trampolines route host calls to the running instance through the thread-local
   `_engine._CUR` (set in `GuestInstance.c`): `GuestInstance`, a subclass of `_engine._Instance`;
2. overrides `_Instance.c()` with the core's fast export call (wasmtime-py's generic
   `Func.__call__` costs ~11 us per crossing, which made every console.log ~260 us), which
   also marks the instance dead at its first trap, so nothing re-enters a trapped guest;
3. overrides `_Instance._host_call` with our single host door (one string in, one string out;
   see js_prelude.js), which can stop the guest at once by raising a BaseException that
   wasmtime-py turns into a trap;
4. subclasses `_transform._TransformInstance` the same way for TypeScript stripping.

Everything else (marshalling, module-loader callbacks, handles, contexts) is reused as is,
without changing anything for other users of quickjs_rs in the process.
`tests/guests/test_javascript_contract.py` checks every private name used here
(`PRIVATE_NAMES`), so a new quickjs-rs fails that one test with a clear message.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import struct
import sys
import threading
from collections.abc import Callable
from typing import Any, Final, Protocol, cast

import wasmtime

from .._core import TICKER, LazyExports, Snapshot, fast_caller, memory_address, new_store


def _register_quickjs_rs_lazily() -> None:
    """Let quickjs_rs's internal modules load without its package `__init__` running yet.

    That `__init__` imports quickjs-rs's public API and, through it, asyncio: about 13 ms of
    a process's first JavaScript run, for modules this engine never uses. If nobody has
    imported quickjs_rs yet, its package is registered unexecuted; the first lookup of a name
    it does not have yet (PEP 562 module `__getattr__`) runs the real `__init__`, so other
    users of quickjs_rs in the process still see the whole package.
    """
    if "quickjs_rs" in sys.modules:
        return
    spec = importlib.util.find_spec("quickjs_rs")
    if spec is None or spec.loader is None:
        return  # the imports below raise the usual ModuleNotFoundError
    loader = spec.loader
    package = importlib.util.module_from_spec(spec)
    lock = threading.RLock()

    def complete(name: str) -> Any:
        with lock:
            if "__getattr__" in package.__dict__:
                del package.__dict__["__getattr__"]
                loader.exec_module(package)
        try:
            return package.__dict__[name]
        except KeyError:
            msg = f"module 'quickjs_rs' has no attribute {name!r}"
            raise AttributeError(msg) from None

    package.__dict__["__getattr__"] = complete
    sys.modules["quickjs_rs"] = package


_register_quickjs_rs_lazily()
# `import a.b as c`, not `from a import b`: the latter looks `b` up on the package before
# importing it, and that lookup would run the package's __init__.
import quickjs_rs._engine as _qjs  # noqa: E402
import quickjs_rs._transform as _qjs_transform  # noqa: E402
import quickjs_rs._wasmtime as _qjs_wasmtime  # noqa: E402

__all__ = [
    "HOST_FN_NAME",
    "PRIVATE_NAMES",
    "SETUP_FUEL",
    "TS_FLAGS",
    "TSX_FLAGS",
    "GuestDead",
    "GuestInstance",
    "GuestStop",
    "Host",
    "JSError",
    "QjsContext",
    "QjsHandle",
    "TransformError",
    "TransformInstance",
    "adopt_handle",
    "decode_guest_text",
    "guest_linker",
    "handle_id",
    "new_context",
    "read_guest_wasm",
    "read_transform_wasm",
    "transform_linker",
    "well_formed",
]

# What this module uses of quickjs-rs's private API (the contract test checks each).
PRIVATE_NAMES: Final = (
    "quickjs_rs._engine._Instance",
    "quickjs_rs._engine._Instance.c",
    "quickjs_rs._engine._Instance._host_call",
    "quickjs_rs._engine._Instance._new_string",
    "quickjs_rs._engine.QjsRuntime._new_instance",
    "quickjs_rs._engine._tramp_host_call",
    "quickjs_rs._engine._CUR",
    "quickjs_rs._engine._build_shared_linker",
    "quickjs_rs._engine._read_guest_wasm",
    "quickjs_rs._engine.HOST_CALL_ERROR",
    "quickjs_rs._engine.STATUS_OK",
    "quickjs_rs._engine.JSError",
    "quickjs_rs._engine.QjsContext",
    "quickjs_rs._engine.QjsRuntime",
    "quickjs_rs._engine.QjsHandle",
    "quickjs_rs._engine.QjsHandle._adopt",
    "quickjs_rs._engine.QjsHandle._handle",
    "quickjs_rs._transform._TransformInstance",
    "quickjs_rs._transform._read_transform_wasm",
    "quickjs_rs._transform.SourceTransformer",
    "quickjs_rs._transform.TransformError",
    "quickjs_rs._transform.FLAG_SOURCE_TS",
    "quickjs_rs._transform.FLAG_SOURCE_TSX",
    "quickjs_rs._transform.FLAG_STRIP_TYPESCRIPT",
    "quickjs_rs._wasmtime.default_wasi_linker",
)

JSError = _qjs.JSError
QjsContext = _qjs.QjsContext
QjsHandle = _qjs.QjsHandle
TransformError = _qjs_transform.TransformError
TS_FLAGS: Final = _qjs_transform.FLAG_SOURCE_TS | _qjs_transform.FLAG_STRIP_TYPESCRIPT
TSX_FLAGS: Final = _qjs_transform.FLAG_SOURCE_TSX | _qjs_transform.FLAG_STRIP_TYPESCRIPT
read_guest_wasm: Final = _qjs._read_guest_wasm
read_transform_wasm: Final = _qjs_transform._read_transform_wasm

# The one host function of the guest (js_prelude.js calls it for everything).
HOST_FN_NAME: Final = "__es"
# Fuel for our own set-up work (QuickJS start-up + the prelude: tens of millions of units
# without a start-up image; ~0.1M per run with one, more for a big configuration). It is not
# charged to the user: the user's budget is installed right before user code starts.
SETUP_FUEL: Final = 2_000_000_000
# A host message longer than this that writes to stdout/stderr is read only as far as the
# stream has room (plus a character), so a huge console.log is never copied whole.
LONG_WRITE: Final = 1 << 16
# Exports every run calls: their fast callers are built while an instance waits in a pool.
_HOT_EXPORTS: Final = (
    "new_undefined",
    "qjs_alloc",
    "new_string",
    "qjs_free",
    "call_function",
    "free_value",
    "get_prop",
    "execute_pending_jobs",
    "get_string",
    "qjs_last_len",
    "qjs_last_ptr",
    "qjs_result_free",
    "type_of",
    "get_number",
)
_DOOR_EXPORTS: Final = (
    "get_string",
    "qjs_last_len",
    "qjs_last_ptr",
    "qjs_result_free",
    "new_undefined",
)


class GuestStop(BaseException):
    """Raised inside a host call to end the guest now (exit, output or memory limit).

    A BaseException on purpose: quickjs-rs catches `Exception` around host callbacks, and
    wasmtime-py turns any exception escaping a host function into a trap, which unwinds the
    guest immediately and uncatchably. The reason is recorded on the run, not the exception:
    wasmtime-py passes the exception through a process-global slot that a concurrent trap
    on another thread can pick up.
    """


class GuestDead(BaseException):
    """A call into an instance that already trapped (never re-enter a trapped guest)."""


class Host(Protocol):
    """What a run gives the instance it drives (see `_run.Run`)."""

    def on_host_message(self, message: str) -> str | None: ...
    def write_extent(self, address: int, length: int) -> int: ...
    def interrupt(self) -> bool: ...
    def normalize(self, base: str, spec: str) -> str | None: ...
    def load(self, name: str) -> str | None: ...


def well_formed(text: str) -> str:
    """`text` encodable as UTF-8: lone surrogates become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


def decode_guest_text(data: bytes) -> str:
    """UTF-8 from the guest; a lone surrogate (WTF-8 from QuickJS) becomes U+FFFD."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return well_formed(data.decode("utf-8", errors="surrogatepass"))


def guest_linker(engine: wasmtime.Engine) -> wasmtime.Linker:
    """quickjs-rs's own linker for the guest: WASI and its 4 `env` trampolines.

    The trampolines dispatch through `_CUR` to whichever instance is running.
    """
    return _qjs._build_shared_linker(engine)


def transform_linker(engine: wasmtime.Engine) -> wasmtime.Linker:
    """The TypeScript transformer's linker (WASI only)."""
    return _qjs_wasmtime.default_wasi_linker(engine)


class GuestInstance(_qjs._Instance):
    """quickjs-rs's `_Instance` on a core store (see the module doc)."""

    def __init__(
        self,
        *,
        module: wasmtime.Module,
        linker: wasmtime.Linker,
        metered: bool,
        build_id: bytes,
        memory: int,
        deadline_s: float,
    ) -> None:
        # NOTE: deliberately does not call super().__init__ (that would build a Store on the
        # shared default engine and compile the guest there). Mirrors every attribute the
        # 0.2.6 `_Instance.__init__` sets.
        self._host: Host | None = None
        self.dead = False
        self.trap_code: wasmtime.TrapCode | None = None
        self.build_id = build_id
        self.module = module
        self.store = new_store(metered, fuel=SETUP_FUEL, memory=memory, deadline_s=deadline_s)
        self.interrupt_handler: Callable[[], bool] | None = None
        self.inst = linker.instantiate(self.store, module)
        exports = LazyExports(self.store, self.inst)
        self.mem = cast(wasmtime.Memory, exports["memory"])
        self.sp = cast(wasmtime.Global, exports["__stack_pointer"])
        self._exports = cast(Any, exports)
        self._fast: dict[str, Callable[..., Any]] = {}
        self._door: tuple[Callable[..., Any], ...] | None = None
        self.module_touched = False
        self.sync_dispatch = None
        self.async_dispatch = None
        self.name_to_fn_id = {}
        self.async_names = set()
        self.in_sync_eval = False
        self.sync_eval_hit_async = False
        self.module_normalize = None
        self.module_load = None
        # 0 = never transform: we strip TypeScript ourselves, before the guest sees it.
        self.runtime_transform_flags = 0
        self.module_transform_flags = 0
        self.source_transformer = _qjs_transform.SourceTransformer()
        self._closed = False
        # The start-up snapshot this instance holds (None: a blank instance).
        self.image: Snapshot | None = None

    def prepare(self, image: Snapshot, *, restore: bool) -> None:
        """Take the start-up snapshot and reseed Math.random; no guest code runs.

        `restore`: copy the snapshot in (a plain module); else the module has it baked in.

        Each instance gets its own Math.random sequence, like a freshly started QuickJS
        (the snapshot holds the state of the process that took it).
        """
        if restore:
            image.restore(self.store, self.mem, {"__stack_pointer": self.sp})
        seed = int.from_bytes(os.urandom(8), "little") or 1
        self.mem.write(self.store, seed.to_bytes(8, "little"), image.meta["random_state"])
        self.image = image
        for name in _HOT_EXPORTS:
            self._caller(name)

    def prefault(self, pages: tuple[int, ...]) -> None:
        """Write each page's first byte back: a run finds the pages already its own.

        The copy-on-write copies happen here, ahead of demand, instead of in the run.
        """
        base = memory_address(self.mem, self.store)
        size = self.memory_size()
        for offset in pages:
            if 0 <= offset < size:
                byte = ctypes.c_char.from_address(base + offset)
                byte.value = byte.value

    def fits(self, memory_limit_bytes: int) -> bool:
        """Whether this (pooled) instance's memory is within a run's cap already."""
        return int(self.mem.data_len(self.store)) <= memory_limit_bytes

    def attach(self, host: Host, *, memory: int, deadline_s: float) -> None:
        """Hand this instance to a run: its host door, interrupt poll, module loader, limits."""
        self._host = host
        self.interrupt_handler = host.interrupt
        self.module_normalize = host.normalize
        self.module_load = host.load
        self.store.set_limits(memory_size=memory)
        self.store.set_epoch_deadline(TICKER.ticks_for(deadline_s))

    def memory_size(self) -> int:
        return int(self.mem.data_len(self.store))

    def stack_pointer(self) -> int:
        return int(self.sp.value(self.store))

    def _caller(self, name: str) -> Callable[..., Any]:
        fn = self._fast.get(name)
        if fn is None:
            func = cast(wasmtime.Func, self._exports[name])
            fn = self._fast[name] = fast_caller(self.store, func, module=self.module, name=name)
        return fn

    def c(self, name: str, *args: Any) -> Any:
        if self.dead or self._closed:
            raise GuestDead
        fn = self._fast.get(name) or self._caller(name)
        prev = getattr(_qjs._CUR, "inst", None)
        _qjs._CUR.inst = self
        try:
            return fn(*args)
        except BaseException as e:
            self.dead = True
            if isinstance(e, wasmtime.Trap) and self.trap_code is None:
                self.trap_code = e.trap_code
            raise
        finally:
            _qjs._CUR.inst = prev

    def _host_call(self, name_ptr: int, name_len: int, this: int, argc: int, argv_ptr: int) -> int:
        # Hot path (every console.log): memory is read through one raw pointer instead of
        # quickjs-rs's bound-checked `read` (two ffi calls per read), and the nested export
        # calls skip `c()` (this runs inside a `c()` of this instance on this thread, so
        # `_CUR` is already set, and a trap unwinds to that outer `c()`). The only host
        # function of this guest is ours, so its name is not re-read.
        try:
            host = self._host
            if argc != 1 or name_len != len(HOST_FN_NAME) or host is None:
                return _qjs.HOST_CALL_ERROR
            door = self._door
            if door is None:
                door = self._door = tuple(self._caller(n) for n in _DOOR_EXPORTS)
            get_string, last_len, last_ptr, result_free, new_undefined = door
            mem, store = self.mem, self.store
            if not 0 <= argv_ptr <= mem.data_len(store) - 4:
                return _qjs.HOST_CALL_ERROR
            base = memory_address(mem, store)
            (handle,) = struct.unpack("<i", ctypes.string_at(base + argv_ptr, 4))
            if get_string(handle) != _qjs.STATUS_OK:
                return _qjs.HOST_CALL_ERROR
            length = int(last_len())
            ptr = int(last_ptr())
            if length < 0 or ptr < 0 or ptr + length > mem.data_len(store):
                return _qjs.HOST_CALL_ERROR
            base = memory_address(mem, store)  # memory may have moved
            if length > LONG_WRITE:
                length = host.write_extent(base + ptr, length)
            data = ctypes.string_at(base + ptr, length) if length else b""
            result_free()
            reply = host.on_host_message(decode_guest_text(data))  # may raise GuestStop
            if reply is None:
                return int(new_undefined())
            return self._new_string(reply)
        except Exception:
            # Sanitised: the guest sees quickjs-rs's generic HostError, never host details.
            return _qjs.HOST_CALL_ERROR


class _GuestRuntime(_qjs.QjsRuntime):
    """`QjsRuntime` whose contexts get a `GuestInstance` from `factory` (one per run)."""

    def __init__(self, factory: Callable[[], GuestInstance]) -> None:
        super().__init__(memory_limit=None, stack_limit=None, transform_flags=0)
        self._factory = factory

    def _new_instance(self) -> _qjs._Instance:
        return self._factory()


def new_context(factory: Callable[[], GuestInstance]) -> _qjs.QjsContext:
    """A QuickJS context on the instance `factory()` makes (called once, right away)."""
    return _qjs.QjsContext(_GuestRuntime(factory))


def handle_id(handle: _qjs.QjsHandle) -> int:
    """The guest handle a context's handle holds (to find it again in a snapshot)."""
    return int(handle._handle)


def adopt_handle(inst: GuestInstance, handle: int, ctx: _qjs.QjsContext) -> _qjs.QjsHandle:
    """A context's handle for a guest value `handle` already holds (from a snapshot)."""
    return _qjs.QjsHandle._adopt(inst, handle, context=ctx)


class TransformInstance(_qjs_transform._TransformInstance):
    """quickjs-rs's OXC transformer instance on a core store, without host stdio."""

    def __init__(
        self,
        *,
        module: wasmtime.Module,
        linker: wasmtime.Linker,
        fuel: int,
        memory: int,
        deadline_s: float,
    ) -> None:
        self.store = new_store(True, fuel=fuel, memory=memory, deadline_s=deadline_s)
        self.inst = linker.instantiate(self.store, module)
        exports = LazyExports(self.store, self.inst)
        self.mem = cast(wasmtime.Memory, exports["memory"])
        self._exports = cast(Any, exports)
        self._closed = False
