"""The ruby.wasm adapter: the only module that knows `@ruby/3.4-wasm-wasi`'s module and ABI.

`ruby+stdlib.wasm` (2.10.1) is a WASI reactor: `_initialize`, then the legacy (wit-bindgen
0.x) canonical-ABI exports, whose names carry their WIT signatures
(`"ruby-init: func(args: list<string>) -> ()"`: looked up by the part before ":"):

- a string argument is (ptr, len) in guest memory, allocated with `cabi_realloc(0, 0, 1,
  len)`; the callee owns it. `ruby-init`'s strings are read as C strings: each ends in NUL;
- `list<string>` is (ptr, count) of `{u32 ptr, u32 len}` entries;
- a `handle<rb-abi-value>` is an index into a table the *host* keeps: the guest calls the
  imports `canonical_abi.resource_new_rb-abi-value(VALUE) -> handle` and `..._get_...`. A
  value handed out is lent into a GC-rooted hash until the host calls the export
  `canonical_abi_drop_rb-abi-value(VALUE)`; guests here are discarded after one run, so
  nothing is dropped;
- `rb-eval-string-protect(str) -> tuple<handle, s32>` returns a pointer to an 8-byte area
  [handle][state] (state 0: no exception; 6: raised, ...); `rstring-ptr(handle) -> string`
  a pointer to [ptr][len] of a copy, freed by `cabi_post_rstring-ptr`.

Of its 21 `rb-js-abi-host.*` imports (JavaScript interop), `eval-js` and
`js-value-to-string` (and `resource_drop_js-abi-value`) are the host door (`_door.py`); the
others are traps: there is no JavaScript here.

The module is split once (`_core/_split.py`) into a code module, compiled once per machine
(25-60 s on 2 cores, cached) and memory modules: the *initial* one (the module's own data)
and guest states made from it (`_engine.py`). Data segments hold the wasi-vfs-packed stdlib,
so the stdlib travels with every state. wasm state besides memory: three mutable globals
(the shadow stack pointer and Asyncify's state and data pointer) that are back at their
initial values between evals (`capture` checks), a table no instruction changes, and no
passive segment with content.
"""

from __future__ import annotations

import hashlib
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import wasmtime

from ...errors import RuntimeUnavailableError
from .._core import cache_path, engine_for, lazy_exports, load_module
from .._core._growth import GROW_REFUSED
from .._core._split import GLOBAL_PREFIX, Split, memory_module, split
from .._core._wasi import WasiLinkers
from ._door import drop_value, eval_js, value_to_string
from ._fetch import WASM_MEMBER, check_files, fetch, pinned
from ._wasi import HostState

__all__ = ["INIT_ARGS", "Build", "Instance"]

# --disable-gems: RubyGems makes ruby-init 4-6x slower (210-390 ms) and the default gems
# (json, digest, ...) load without it. -e_: a script must be given, or Ruby reads stdin.
INIT_ARGS: Final = ("ruby", "--disable-gems", "-EUTF-8", "-e_")
# Ruby's tag for "an exception was raised" (rb-eval-string-protect's state).
TAG_RAISE: Final = 6
_JS_MODULE: Final = "rb-js-abi-host"
_CABI: Final = "canonical_abi"
_JS_TRAP: Final = "JavaScript interop is not available in this sandbox"
# The code module's name in the cache: bump when `split`'s options for it change
# (2: every memory.grow watched, `_core/_growth.py`).
_CODE_LABEL: Final = "ruby-code2"


class Build:
    """One cache folder's Ruby build: the code module, the initial memory module, the linker.

    Made once per process and cache folder (`Build.get`); thread-safe after that.
    """

    _builds: dict[Path, Build] = {}
    _builds_lock = threading.Lock()

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        files = fetch(folder)
        check_files(files)
        self.wasm_path = files[WASM_MEMBER]
        self.digest: str = pinned()["files"][WASM_MEMBER]
        self.engine = engine_for(True)
        self._split: Split | None = None
        what = f"the Ruby interpreter ({self.wasm_path.name})"
        self.code = load_module(True, self.code_path(), lambda: self._parts().code, None, what, "")
        memories = [i.type for i in self.code.imports if isinstance(i.type, wasmtime.MemoryType)]
        if len(memories) != 1:
            msg = f"the compiled Ruby interpreter at {self.code_path()} does not import its memory"
            raise RuntimeUnavailableError(msg)
        self.memory_maximum: int | None = memories[0].limits.max
        self.globals = tuple(e.name for e in self.code.exports if e.name.startswith(GLOBAL_PREFIX))
        if GROW_REFUSED not in {e.name for e in self.code.exports}:
            msg = f"the compiled Ruby interpreter at {self.code_path()} does not watch its growth"
            raise RuntimeUnavailableError(msg)
        # Code modules of other layouts (60 MB each) are not used again.
        for old in folder.glob("ruby-code*.cwasm"):
            if old.name != self.code_path().name:
                old.unlink(missing_ok=True)
        self._initial: wasmtime.Module | None = None
        self._lock = threading.Lock()
        self.linkers = WasiLinkers(self.engine, self.code)
        _define_ruby_imports(self.linkers.linker, self.code)

    @classmethod
    def get(cls, folder: Path) -> Build:
        """The build of `folder`, made on first use (fetching and compiling as needed)."""
        with cls._builds_lock:
            found = cls._builds.get(folder)
            if found is None:
                found = cls._builds[folder] = Build(folder)
            return found

    def code_path(self) -> Path:
        """Where the compiled code module is cached."""
        return self.code_path_of(self.folder)

    @staticmethod
    def code_path_of(folder: Path) -> Path:
        """Where the compiled code module of the pinned build is cached in `folder`."""
        digest: str = pinned()["files"][WASM_MEMBER]
        return cache_path(folder, _CODE_LABEL, digest, True)

    def state_path(self, key: str) -> Path:
        """Where the compiled memory module of a state (by its key) is cached."""
        return self.folder / f"ruby-state-{key[:32]}-{self.code_path().stem}.cwasm"

    def _parts(self) -> Split:
        if self._split is None:
            wasm = self.wasm_path.read_bytes()
            actual = hashlib.sha256(wasm).hexdigest()
            if actual != self.digest:
                msg = (
                    f"refusing to load the Ruby interpreter ({self.wasm_path}): its sha256 is "
                    f"{actual}, but wasm-runtimes/manifest.json pins {self.digest}; delete it "
                    "(it is fetched again on next use)"
                )
                raise RuntimeUnavailableError(msg)
            self._split = split(wasm, watch_grows=True)
        return self._split

    @property
    def initial(self) -> wasmtime.Module:
        """The module's own memory (before `_initialize`): only state builds start from it."""
        with self._lock:
            if self._initial is None:
                path = self.state_path("initial" + "0" * 25)
                what = "the Ruby interpreter's memory"
                self._initial = load_module(True, path, self._initial_memory, None, what, "")
            return self._initial

    def _initial_memory(self) -> bytes:
        return self._parts().initial_memory()

    def memory_module(self, image: bytes) -> bytes:
        """A memory module starting as `image` (a guest's whole memory, between evals)."""
        return memory_module(image, self.memory_maximum)


@dataclass(eq=False)
class Instance:
    """One instance of the code module on a memory module, in `store` (one guest's)."""

    build: Build
    store: wasmtime.Store
    host: HostState
    instance: Any = None
    memory: Any = None
    _exports: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(
        cls, build: Build, store: wasmtime.Store, state: wasmtime.Module, host: HostState
    ) -> Instance:
        """Instantiate the code module on a fresh instance of the memory module `state`."""
        instance, memory = build.linkers.instantiate(store, state, host)
        self = cls(build, store, host, instance, memory)
        host.realloc = lazy_exports(store, instance)["cabi_realloc"]
        return self

    def _export(self, prefix: str) -> Any:
        found = self._exports.get(prefix)
        if found is None:
            exports = lazy_exports(self.store, self.instance)
            for item in self.build.code.exports:
                if item.name.split(":", 1)[0] == prefix:
                    found = self._exports[prefix] = exports[item.name]
                    break
            else:  # pragma: no cover - the pinned build has every export used here
                msg = f"the Ruby interpreter has no export {prefix!r}"
                raise RuntimeUnavailableError(msg)
        return found

    def call(self, prefix: str, *args: int) -> Any:
        """Call the export whose name starts with `prefix` (wasm traps are raised)."""
        with self.host.active():
            return self._export(prefix)(self.store, *args)

    def _alloc(self, data: bytes, align: int = 1) -> int:
        ptr: int = self.call("cabi_realloc", 0, 0, align, max(len(data), 1))
        self.memory.write(self.store, data, ptr)
        return ptr

    def _pair(self, ptr: int) -> tuple[int, int]:
        raw = bytes(self.memory.read(self.store, ptr, ptr + 8))
        a, b = struct.unpack("<ii", raw)
        return a, b

    def initialize(self, args: tuple[str, ...] = INIT_ARGS) -> None:
        """`_initialize`, then `ruby-init(args)` (what a state is built from)."""
        self.call("_initialize")
        encoded = [a.encode() for a in args]
        ptrs = [self._alloc(a + b"\0") for a in encoded]
        table = b"".join(struct.pack("<II", p, len(a)) for p, a in zip(ptrs, encoded, strict=True))
        self.call("ruby-init", self._alloc(table, 4), len(args))

    def eval(self, source: str) -> tuple[int, int]:
        """Evaluate `source` at the top level: (handle of the value, Ruby's tag; 0 = ok)."""
        raw = source.encode()
        ret: int = self.call("rb-eval-string-protect", self._alloc(raw), len(raw))
        return self._pair(ret)

    def string(self, handle: int) -> bytes:
        """The bytes of the String value `handle` (lent by a successful eval)."""
        ret: int = self.call("rstring-ptr", handle)
        ptr, length = self._pair(ret)
        data = bytes(self.memory.read(self.store, ptr, ptr + length))
        self.call("cabi_post_rstring-ptr", ret)
        return data

    def between_evals(self) -> bool:
        """Whether the wasm state besides memory is where a fresh instance starts."""
        exports = lazy_exports(self.store, self.instance)
        fresh = {GLOBAL_PREFIX + "0": 16 << 20, GLOBAL_PREFIX + "1": 0}
        for name, value in fresh.items():
            if name in self.build.globals and exports[name].value(self.store) != value:
                return False
        return bool(self.call("asyncify_get_state") == 0)

    def grow_refused(self) -> bool:
        """Whether a memory.grow was refused (the guest trapped at its memory cap)."""
        value = lazy_exports(self.store, self.instance)[GROW_REFUSED].value(self.store)
        return bool(value)

    def memory_image(self) -> bytes:
        """The whole linear memory, as bytes."""
        size = self.memory.data_len(self.store)
        return bytes(self.memory.read(self.store, 0, size))


# The interop imports that are the host door (`_door.py`); the others trap.
_DOOR_IMPORTS: Final[dict[str, Callable[..., None]]] = {
    "eval-js": eval_js,
    "js-value-to-string": value_to_string,
}


def _define_ruby_imports(linker: wasmtime.Linker, module: wasmtime.Module) -> None:
    i32 = wasmtime.ValType.i32()
    names = {(item.name or "").split(":", 1)[0] for item in module.imports}
    if not names >= set(_DOOR_IMPORTS):
        msg = f"the Ruby interpreter does not import {sorted(_DOOR_IMPORTS)}: no host door"
        raise RuntimeUnavailableError(msg)
    for item in module.imports:
        if item.module == _JS_MODULE and isinstance(item.type, wasmtime.FuncType):
            name = item.name or ""
            door = _DOOR_IMPORTS.get(name.split(":", 1)[0])
            if door is not None:
                linker.define_func(item.module, name, item.type, door, access_caller=True)
            else:
                linker.define_func(item.module, name, item.type, _trap(name))
    handles = HostState.handles
    linker.define_func(
        _CABI,
        "resource_new_rb-abi-value",
        wasmtime.FuncType([i32], [i32]),
        lambda value: handles().new(value),
    )
    linker.define_func(
        _CABI,
        "resource_get_rb-abi-value",
        wasmtime.FuncType([i32], [i32]),
        lambda handle: handles().get(handle),
    )
    drop = wasmtime.FuncType([i32], [])
    linker.define_func(_CABI, "resource_drop_js-abi-value", drop, drop_value)


def _trap(name: str) -> Callable[..., Any]:
    def trap(*_args: Any) -> Any:
        msg = f"{_JS_TRAP} ({name})"
        raise wasmtime.Trap(msg)

    return trap
