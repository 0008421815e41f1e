"""The JavaScript/TypeScript engine: QuickJS-ng (quickjs-rs 0.2.6) guests on wasmtime.

Every run gets a fresh WebAssembly instance (its own linear memory, QuickJS runtime and
context); nothing carries over. Instances are prepared ahead of demand in warm pools
(`_pool.py`): instantiated and loaded with the start-up image (QuickJS started, the
prelude's run-independent part built; cached on disk per guest build and prelude), holding
no data of any run. Each is handed to
exactly one run, which installs its own limits and deadline on it, and is then discarded.
Guests run on a few persistent threads with large stacks (`_GuestThreads`).

The guest sees only what the `Invocation` gives it: the prelude (`_guest/js_prelude.js`)
builds `console`, `process`, an in-memory `fs`, timers and the function harness inside the
guest, and talks to the host through one host function.

Limits:
- wall clock: QuickJS's interrupt poll (an uncatchable "interrupted" error) plus a
  wasmtime epoch deadline as a backstop for long native operations that never poll;
- memory: the store caps the guest's linear memory (QuickJS's own malloc limit is inert in
  this build: its malloc accounting reads 0), so allocation fails inside the guest;
- fuel: wasmtime fuel, counted only in runs with a fuel cap. Counting is compiled into
  the code, so the guest is compiled twice (both cached): a metered build for runs with a
  cap (they report `fuel_used`) and an unmetered one for the others (`fuel_used` is None).
  On fib(25) the counting costs ~15-20% of pure compute; the epoch checks (~8%) stay in
  both builds, as the only wall-clock guard for native operations that never poll;
- output: per stream, enforced on the host side of the write call;
- stack: the guest runs on a host thread with a known large stack and a raised
  `max_wasm_stack`; overflowing it traps and is reported as a RangeError.

This is the only module that imports quickjs_rs. quickjs-rs is built around one process-wide
wasmtime Engine with default settings and stores that inherit the host's stdio; the
adaptations below (clearly marked) run its guest on our own engines instead, without
changing anything for other users of quickjs_rs in the process.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import hashlib
import importlib.metadata
import importlib.resources
import importlib.util
import json
import logging
import os
import posixpath
import re
import struct
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Final, TypeVar, cast

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime._func import maybe_raise_last_exn

from .._artifacts import check_pinned, manifest, verify_runtime, write_cache_file
from .._runtimes._node_modules import PREFIX, NodeModules, ResolveError
from ..errors import RuntimeUnavailableError
from ._base import Invocation, LimitHit, OutputStatus, RawOutcome, RuntimePackages
from ._core._threads import run_on_guest_thread
from ._pool import Pools, PoolSize, WarmPool, resolve_size
from ._waiting import waiting
from ._wasm import LazyExports


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

__all__ = ["JavaScriptEngine"]

logger = logging.getLogger("embedsandbox")

R = TypeVar("R")

# ------------------------------------------------------------------------------ tunables

# Fuel for our own set-up work (QuickJS start-up + the prelude: tens of millions of units
# without a start-up image; ~0.1M per run with one, more for a big configuration, see
# `_setup`). It is not charged to the user: the user's budget is
# installed right before user code starts.
_SETUP_FUEL: Final = 2_000_000_000
# "Unlimited" fuel when the invocation has no fuel cap (well inside wasmtime's i64 range).
_UNLIMITED_FUEL: Final = 1 << 62
# The TypeScript transformer is host work on untrusted input: bounded, not charged.
_TRANSFORM_FUEL: Final = 50_000_000_000
_TRANSFORM_MEMORY: Final = 512 << 20
# wasm native stack for the guest (QuickJS recursion uses ~0.8 KiB of it per JS call; its
# own 1 MiB shadow stack is the other bound, at ~6000 plain JS frames).
_MAX_WASM_STACK: Final = 8 << 20
# Epoch backstop for the wall clock: one tick every _EPOCH_TICK_S while any run is live; a
# store traps _EPOCH_GRACE_S after its deadline if the cooperative interrupt did not fire.
_EPOCH_TICK_S: Final = 0.01
_EPOCH_GRACE_S: Final = 0.25
# A trap with less headroom than this under the memory cap is reported as MEMORY_SIZE.
_MEMORY_HEADROOM: Final = 4 << 20
# Max random bytes per guest request (crypto.getRandomValues' own limit).
_MAX_RANDOM_BYTES: Final = 65536
# Host calls (fetch) per run; past it the guest gets a "limit" error reply and the host
# callback is not called (its per-call work and records stay bounded).
_MAX_HOST_CALLS: Final = 100_000
_HOST_CALLS_SPENT: Final = json.dumps(
    {
        "error": f"this execution has made its {_MAX_HOST_CALLS} host calls; no more are allowed",
        "kind": "limit",
    }
)
# Output: a stream's small writes are joined every this many parts (bounded host overhead).
_STREAM_JOIN_PARTS: Final = 256
# A host message longer than this that writes to stdout/stderr is read only as far as the
# stream has room (plus a character), so a huge console.log is never copied whole.
_LONG_WRITE: Final = 1 << 16
# TypeScript transform results kept per process (pure function of name + source).
_TRANSFORM_CACHE_ENTRIES: Final = 256
_TRANSFORM_CACHE_MAX_SOURCE: Final = 1 << 20

_HOST_FN_NAME: Final = "__es"
# Module names of a runtime revision's package files, and of a module that throws why an
# import could not be resolved.
_NM_PREFIX: Final = PREFIX
_MODULE_ERROR: Final = "(unresolved module) "
_CJS_EXPORT: Final = re.compile(
    r"(?:^|[^.\w$])(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=(?!=)", re.MULTILINE
)
_PRELUDE_RESOURCE: Final = "js_prelude.js"
# The web-platform packages (Buffer, Event/EventTarget) bundled by
# scripts/js-packages/build.mjs; pinned by sha256 in the manifest's `guest_bundles`.
_PACKAGES_RESOURCE: Final = "js_packages.js"
# The quickjs-rs files we load, as wasm-runtimes/manifest.json names them.
_GUEST_FILE: Final = "quickjs_rs/_guest.wasm"
_TRANSFORM_FILE: Final = "quickjs_rs/_transform.wasm"
_CACHE_LAYOUT: Final = "v1"
# The start-up image on disk: bump when `_build_template` or the file format changes.
_TEMPLATE_LAYOUT: Final = "t2"
_TEMPLATE_MAGIC: Final = b"embedsandbox-quickjs-template\n"

# Warm pools: the store of an instance waiting in a pool has these limits; the run's own
# memory cap and deadline are installed when it is handed out (no guest code runs before).
_POOL_MEMORY: Final = 4 << 30
_POOL_DEADLINE_S: Final = 3600.0
_PLAIN_POOL_KEY: Final = ("javascript", None)
_DEFAULT_POOL: Final = PoolSize()
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

# Node-style built-in modules served to `import`: canonical name -> named exports.
_BUILTIN_EXPORTS: Final[dict[str, tuple[str, ...]]] = {
    "fs": (
        "readFileSync",
        "writeFileSync",
        "appendFileSync",
        "existsSync",
        "readdirSync",
        "mkdirSync",
        "unlinkSync",
        "rmdirSync",
        "rmSync",
        "renameSync",
        "copyFileSync",
        "statSync",
        "lstatSync",
        "constants",
        "promises",
        "readFile",
        "writeFile",
        "appendFile",
        "readdir",
        "mkdir",
        "unlink",
        "rm",
        "rename",
        "stat",
        "exists",
    ),
    "fs/promises": (
        "readFile",
        "writeFile",
        "appendFile",
        "readdir",
        "mkdir",
        "unlink",
        "rm",
        "rmdir",
        "rename",
        "copyFile",
        "stat",
        "lstat",
        "access",
    ),
    "path": (
        "sep",
        "delimiter",
        "normalize",
        "join",
        "resolve",
        "isAbsolute",
        "dirname",
        "basename",
        "extname",
        "relative",
        "parse",
        "format",
        "posix",
    ),
    "path/posix": (),
    "process": ("argv", "env", "exit", "cwd", "platform", "nextTick", "hrtime", "stdout", "stderr"),
    "util": ("format", "inspect", "isDeepStrictEqual", "promisify", "types"),
    "buffer": ("Buffer",),
}

_TS_FLAGS: Final = _qjs_transform.FLAG_SOURCE_TS | _qjs_transform.FLAG_STRIP_TYPESCRIPT
_TSX_FLAGS: Final = _qjs_transform.FLAG_SOURCE_TSX | _qjs_transform.FLAG_STRIP_TYPESCRIPT


# ==============================================================================
# quickjs-rs ADAPTATIONS (quickjs-rs 0.2.6 internals; keep this section minimal)
#
# quickjs-rs 0.2.6 runs every guest on one process-wide wasmtime Engine with the default
# Config (`_wasmtime.shared_wasmtime_engine`), builds each Store in
# `_engine._Instance.__init__` with `inherit_stdout/inherit_stderr`, and never sets fuel,
# memory caps or epochs. We need all of those, so we:
#   1. build our OWN Engine (consume_fuel, epoch_interruption, large max_wasm_stack) and
#      compile/cache the same two wasm files on it (`_WasmRuntime`). Their shared engine
#      and artifacts are left untouched;
#   2. subclass `_engine._Instance` (`_GuestInstance`) with an `__init__` that builds the
#      Store on our engine (fuel, epoch deadline, memory limit, WASI without any host
#      stdio/env/preopens) and instantiates through a Linker built by quickjs-rs's own
#      `_build_shared_linker(our_engine)`, whose import trampolines route host calls to
#      the running instance through the thread-local `_engine._CUR` (set in `c()`);
#   3. override `_Instance.c()` with a faster export call (wasmtime-py's generic
#      `Func.__call__` costs ~11 us per crossing, which made every console.log ~260 us) that
#      also marks the instance dead at its first trap, so nothing re-enters a trapped guest;
#   4. override `_Instance._host_call` with our single host door (one string in, one string
#      out; see js_prelude.js), which can stop the guest at once by raising a BaseException
#      that wasmtime-py turns into a trap;
#   5. subclass `_transform._TransformInstance` the same way for TypeScript stripping.
# Everything else (marshalling, module-loader callbacks, handles) is reused as is.
# ==============================================================================


class _GuestStop(BaseException):
    """Raised inside a host call to end the guest now (exit, output or memory limit).

    A BaseException on purpose: quickjs-rs catches `Exception` around host callbacks, and
    wasmtime-py turns any exception escaping a host function into a trap, which unwinds the
    guest immediately and uncatchably. The reason is recorded on the run, not the exception:
    wasmtime-py passes the exception through a process-global slot that a concurrent trap
    on another thread can pick up.
    """


class _GuestDead(BaseException):
    """A call into an instance that already trapped (never re-enter a trapped guest)."""


@functools.cache  # importlib.metadata scans the installed distributions (~0.3-2 ms a call)
def _wasmtime_version() -> str:
    try:
        return importlib.metadata.version("wasmtime")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - odd installs
        return "unknown"


def _make_engine_config(metered: bool) -> tuple[wasmtime.Config, str]:
    """Our engine settings, and a tag naming them (part of the compiled-cache file name).

    `metered` compiles fuel counting into the guest code (~15-20% of pure compute): runs with
    a fuel cap use that build, the others one without it.
    """
    config = wasmtime.Config()
    config.consume_fuel = metered
    config.epoch_interruption = True
    stack = _MAX_WASM_STACK
    # wasmtime refuses (by aborting the process!) a max_wasm_stack above async_stack_size
    # (2 MiB by default in the C API build); wasmtime-py does not wrap the setter, so call it
    # through its ffi module, and stay under the default if that is not possible.
    try:
        ffi.wasmtime_config_async_stack_size_set(config.ptr(), stack + (1 << 20))
    except Exception:
        stack = 1 << 20
    config.max_wasm_stack = stack
    return config, f"{'fuel-' if metered else ''}epoch-stack{stack >> 20}m"


def _prelude_source() -> str:
    """The bundled packages, then js_prelude.js: one script whose value is the set-up.

    The bundle's exports reach the prelude as the global `__embedsandboxPackages`, which the
    prelude deletes as it starts (before any user code exists). Not a function wrapped
    around both: QuickJS keeps each function's source text, so a wrapper would keep a
    second copy of the whole prelude in every guest.
    """
    guest = importlib.resources.files("embedsandbox._guest")
    bundle = guest.joinpath(_PACKAGES_RESOURCE)
    pinned: str = manifest()["guest_bundles"]["javascript"]["sha256"]
    with importlib.resources.as_file(bundle) as path:
        check_pinned(path, pinned, "reinstall embedsandbox (or run scripts/js-packages/build.mjs)")
    packages = bundle.read_text(encoding="utf-8")
    prelude = guest.joinpath(_PRELUDE_RESOURCE).read_text(encoding="utf-8")
    return f"globalThis.__embedsandboxPackages = (\n{packages});\n{prelude}"


def _pinned_sha256(relative: str) -> str:
    """The sha256 that wasm-runtimes/manifest.json pins for a quickjs-rs file."""
    digest: str = manifest()["runtimes"]["javascript"]["files"][relative]
    return digest


def _cache_path(cache_dir: Path, label: str, sha256: str, tag: str) -> Path:
    name = f"{label}-{sha256[:32]}-wasmtime{_wasmtime_version()}-{tag}-{_CACHE_LAYOUT}.cwasm"
    return cache_dir / name


def _store_compiled(module: wasmtime.Module, path: Path) -> None:
    """Write a compiled module atomically (temp file + rename); best effort."""
    try:
        write_cache_file(path, module.serialize())
    except OSError:
        pass  # the cache is an optimisation; an unwritable cache dir only costs time


def _load_module(
    engine: wasmtime.Engine, cache_dir: Path, relative: str, read: Callable[[], bytes], path: Path
) -> wasmtime.Module:
    """Load a compiled module from the disk cache, or compile it and store it there.

    The cache is keyed by the pinned sha256, which `verify_runtime` has checked the installed
    file against; the bytes compiled on a miss are checked again (no gap between check and
    use).
    """
    if path.is_file():
        try:
            return wasmtime.Module.deserialize_file(engine, str(path))
        except Exception:  # noqa: S110 - stale/corrupt cache entry: recompile below
            pass
    wasm = read()
    _verify_build(cache_dir, relative, hashlib.sha256(wasm).hexdigest())
    module = wasmtime.Module(engine, wasm)
    _store_compiled(module, path)
    return module


def _verify_build(cache_dir: Path, relative: str, actual_sha256: str) -> None:
    """Refuse a quickjs-rs build that differs from wasm-runtimes/manifest.json.

    `verify_runtime` checks the package version and the files on disk; the digest of the
    very bytes we are about to compile is checked here too (no gap between check and use).
    """
    verify_runtime("javascript", cache_dir)
    pinned = manifest()["runtimes"]["javascript"]["files"]
    if pinned.get(relative) != actual_sha256:
        msg = (
            f"refusing to load {relative}: its sha256 is {actual_sha256}, but "
            f"wasm-runtimes/manifest.json pins {pinned.get(relative)}; reinstall quickjs-rs"
        )
        raise RuntimeUnavailableError(msg)


class _EpochTicker:
    """Advances our engines' epochs every _EPOCH_TICK_S while at least one run is live.

    One for the process: a run on the unmetered build may also use the metered one (its
    TypeScript transformer), and one thread serves both.
    """

    def __init__(self) -> None:
        self._engines: tuple[wasmtime.Engine, ...] = ()
        self._cond = threading.Condition()
        self._active = 0
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        with self._cond:
            self._active += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="embedsandbox-js-epoch", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1

    def add(self, engine: wasmtime.Engine) -> None:
        with self._cond:
            self._engines = (*self._engines, engine)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._active == 0:
                    self._cond.wait()
                engines = self._engines
            time.sleep(_EPOCH_TICK_S)
            for engine in engines:
                engine.increment_epoch()

    @staticmethod
    def ticks_for(seconds: float) -> int:
        return int((max(seconds, 0.0) + _EPOCH_GRACE_S) / _EPOCH_TICK_S) + 2


_TICKER: Final = _EpochTicker()


class _WasmRuntime:
    """One per build (fuel-metered or not) and process: our Engine, the guest and its linker.

    The metered build also holds the TypeScript transformer, loaded on first use (which keeps
    it off the first JavaScript run of a process). Unmetered runs use it too: its fuel bounds
    host work on untrusted input.
    """

    _lock = threading.Lock()
    _instances: ClassVar[dict[bool, _WasmRuntime]] = {}

    def __init__(self, cache_dir: Path, metered: bool) -> None:
        config, self._tag = _make_engine_config(metered)
        self.metered = metered
        self.engine = wasmtime.Engine(config)
        self._cache_dir = cache_dir
        verify_runtime("javascript", cache_dir)
        self.guest_sha256 = _pinned_sha256(_GUEST_FILE)
        self.prelude = _prelude_source()
        # The start-up image is read and checked (~2 ms) while the guest module deserializes:
        # both release the GIL, and a process's first run needs both.
        self._image_read: list[_Template | None] = []
        image_path = _template_path(cache_dir, self.guest_sha256, self.prelude)
        self._image_reader: threading.Thread | None = threading.Thread(
            target=lambda: self._image_read.append(_load_template(image_path)),
            name="embedsandbox-js-image",
            daemon=True,
        )
        self._image_reader.start()
        self.guest_module = _load_module(
            self.engine, cache_dir, _GUEST_FILE, _qjs._read_guest_wasm, self._guest_path(cache_dir)
        )
        self._transform: tuple[wasmtime.Module, wasmtime.Linker] | None = None
        self._cached_dirs = {cache_dir}
        # quickjs-rs's own linker builder: WASI + its 4 `env` trampolines (registered once
        # per linker; they dispatch through _qjs._CUR to whichever instance is running).
        self.guest_linker = _qjs._build_shared_linker(self.engine)
        self.ticker = _TICKER
        self.ticker.add(self.engine)
        self._template: _Template | None = None
        self._template_done = False
        self._template_lock = threading.Lock()
        self._transform_lock = threading.Lock()

    def template(
        self, build: Callable[[Callable[[], _Template | None]], _Template | None] | None = None
    ) -> _Template | None:
        """The start-up image: from the disk cache, else built and stored there.

        Building runs guest code: off a guest thread, pass `build=run_on_guest_thread`.
        """
        if not self._template_done:
            with self._template_lock:
                if not self._template_done:
                    path = _template_path(self._cache_dir, self.guest_sha256, self.prelude)
                    reader, self._image_reader = self._image_reader, None
                    if reader is not None:
                        reader.join()
                    template = self._image_read[0] if self._image_read else None
                    if template is None:
                        template = (build or _call)(lambda: _build_template(self))
                        if template is not None:
                            _store_template(template, path)
                    self._template = template
                    self._template_done = True
        return self._template

    def transform(self) -> tuple[wasmtime.Module, wasmtime.Linker]:
        """The TypeScript transformer's module and linker, loaded on first use (metered only)."""
        if not self.metered:
            msg = "the TypeScript transformer runs on the metered build"
            raise RuntimeError(msg)
        loaded = self._transform
        if loaded is None:
            with self._transform_lock:
                loaded = self._transform
                if loaded is None:
                    module = _load_module(
                        self.engine,
                        self._cache_dir,
                        _TRANSFORM_FILE,
                        _qjs_transform._read_transform_wasm,
                        self._transform_path(self._cache_dir),
                    )
                    linker = _qjs_wasmtime.default_wasi_linker(self.engine)
                    loaded = self._transform = (module, linker)
        return loaded

    def metered_build(self) -> _WasmRuntime:
        """The metered build's runtime (this one, if it is metered)."""
        return self if self.metered else _WasmRuntime.get(self._cache_dir, metered=True)

    def _guest_path(self, cache_dir: Path) -> Path:
        return _cache_path(cache_dir, "quickjs-guest", self.guest_sha256, self._tag)

    def _transform_path(self, cache_dir: Path) -> Path:
        return _cache_path(
            cache_dir, "quickjs-transform", _pinned_sha256(_TRANSFORM_FILE), self._tag
        )

    @classmethod
    def get(cls, cache_dir: Path, metered: bool) -> _WasmRuntime:
        """The process-wide runtime of a build; a cache dir first seen later is filled from it."""
        inst = cls._instances.get(metered)
        if inst is None or cache_dir not in inst._cached_dirs:
            with cls._lock:
                inst = cls._instances.get(metered)
                if inst is None:
                    inst = cls._instances[metered] = _WasmRuntime(cache_dir, metered)
                elif cache_dir not in inst._cached_dirs:
                    guest = inst._guest_path(cache_dir)
                    if not guest.is_file():
                        _store_compiled(inst.guest_module, guest)
                    if metered:
                        transform_module, _ = inst.transform()
                        transform = inst._transform_path(cache_dir)
                        if not transform.is_file():
                            _store_compiled(transform_module, transform)
                    inst._cached_dirs.add(cache_dir)
        return inst


def _new_store(rt: _WasmRuntime, *, fuel: int, memory: int, deadline_s: float) -> wasmtime.Store:
    store = wasmtime.Store(rt.engine)
    if rt.metered:
        store.set_fuel(fuel)
    store.set_epoch_deadline(_EpochTicker.ticks_for(deadline_s))
    store.set_limits(memory_size=memory)
    # A WASI context with nothing of the host: no stdio (writes go nowhere), no env, no
    # args, no preopened directories.
    store.set_wasi(wasmtime.WasiConfig())
    return store


# Per export name: (param kinds, which params are i64, number of results), or None when the
# signature is not all-integer (then the public call path is used). Same module, same types.
_call_specs: dict[str, tuple[tuple[int, ...], tuple[bool, ...], int] | None] = {}


def _call_spec(
    store: wasmtime.Store, name: str, func: wasmtime.Func
) -> tuple[tuple[int, ...], tuple[bool, ...], int] | None:
    if name in _call_specs:
        return _call_specs[name]
    ty = func.type(store)
    i32, i64 = wasmtime.ValType.i32(), wasmtime.ValType.i64()
    params = list(ty.params)
    results = list(ty.results)
    spec: tuple[tuple[int, ...], tuple[bool, ...], int] | None = None
    if all(p in (i32, i64) for p in params) and results in ([], [i32]):
        kinds = tuple(
            ffi.WASMTIME_I32.value if p == i32 else ffi.WASMTIME_I64.value for p in params
        )
        spec = (kinds, tuple(p == i64 for p in params), len(results))
    _call_specs[name] = spec
    return spec


def _fast_caller(store: wasmtime.Store, name: str, func: wasmtime.Func) -> Callable[..., Any]:
    """A cheaper `func(store, *args)` (~2-3 us instead of ~11 us per guest crossing).

    The same steps as wasmtime-py 49's `Func.__call__` and `enter_wasm` (raw values,
    `wasmtime_func_call`, then a trap or a host exception re-raised) minus the per-call
    type introspection and context-manager overhead.
    """
    spec = _call_spec(store, name, func)
    if spec is None:
        return lambda *args: func(store, *args)
    kinds, is64, nresults = spec
    nparams = len(kinds)
    param_array = ffi.wasmtime_val_t * max(nparams, 1)
    result_array = ffi.wasmtime_val_t * max(nresults, 1)
    trap_ptr = ctypes.POINTER(ffi.wasm_trap_t)
    func_ref = ctypes.byref(func._func)
    call = ffi.wasmtime_func_call
    byref = ctypes.byref
    # Valid for the store's lifetime; callers never call into a closed store (see `c`).
    context = store._context()
    error_from_ptr = wasmtime.WasmtimeError._from_ptr
    trap_from_ptr = wasmtime.Trap._from_ptr

    def fast(*args: int) -> Any:
        if len(args) != nparams:
            msg = "wrong number of arguments for a guest export"
            raise TypeError(msg)
        raw = param_array()
        for i, a in enumerate(args):
            v: Any = raw[i]
            v.kind = kinds[i]
            if is64[i]:
                v.of.i64 = a
            else:
                v.of.i32 = a
        out = result_array()
        trap = trap_ptr()
        error = call(context, func_ref, raw, nparams, out, nresults, byref(trap))
        if error:
            maybe_raise_last_exn()
            raise error_from_ptr(error)
        if trap:
            trap_obj = trap_from_ptr(trap)
            maybe_raise_last_exn()
            raise trap_obj
        return out[0].of.i32 if nresults else None

    return fast


def _well_formed(text: str) -> str:
    """`text` encodable as UTF-8: lone surrogates become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


def _decode_guest_text(data: bytes) -> str:
    """UTF-8 from the guest; a lone surrogate (WTF-8 from QuickJS) becomes U+FFFD."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _well_formed(data.decode("utf-8", errors="surrogatepass"))


class _GuestInstance(_qjs._Instance):
    """quickjs-rs's `_Instance` on our Store (see the section comment above)."""

    def __init__(
        self, rt: _WasmRuntime, run: _Run | None, *, memory: int, deadline_s: float
    ) -> None:
        # NOTE: deliberately does not call super().__init__ (that would build a Store on the
        # shared default engine and compile the guest there). Mirrors every attribute the
        # 0.2.6 `_Instance.__init__` sets.
        self._run = run
        self.dead = False
        self.trap_code: wasmtime.TrapCode | None = None
        self.build_id = bytes.fromhex(rt.guest_sha256)
        self.store = _new_store(rt, fuel=_SETUP_FUEL, memory=memory, deadline_s=deadline_s)
        self.interrupt_handler: Callable[[], bool] | None = None
        self.inst = rt.guest_linker.instantiate(self.store, rt.guest_module)
        exports = LazyExports(self.store, self.inst)
        self.mem = cast(wasmtime.Memory, exports["memory"])
        self.sp = cast(wasmtime.Global, exports["__stack_pointer"])
        self._exports = cast(Any, exports)
        self._fast: dict[str, Callable[..., Any]] = {}
        self._hot: tuple[Callable[..., Any], ...] | None = None
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
        # The start-up image this instance holds (None: a blank instance).
        self.image: _Template | None = None

    def prepare(self, template: _Template) -> None:
        """Load the start-up image and reseed Math.random; no guest code runs.

        Each instance gets its own Math.random sequence, like a freshly started QuickJS
        (the image holds the state of the process that built it).
        """
        self.load_image(template)
        seed = int.from_bytes(os.urandom(8), "little") or 1
        self.mem.write(self.store, seed.to_bytes(8, "little"), template.random_state)
        self.image = template
        for name in _HOT_EXPORTS:
            self._caller(name)

    def fits(self, memory_limit_bytes: int) -> bool:
        """Whether this (pooled) instance's memory is within a run's cap already."""
        return int(self.mem.data_len(self.store)) <= memory_limit_bytes

    def attach(self, run: _Run) -> None:
        """Hand this instance to `run`: its host door, module loader, limits and deadline."""
        self._run = run
        self.interrupt_handler = run._interrupt
        self.module_normalize = run._normalize
        self.module_load = run._load
        self.store.set_limits(memory_size=run.inv.limits.memory_limit_bytes)
        self.store.set_epoch_deadline(_EpochTicker.ticks_for(run.remaining()))

    def _caller(self, name: str) -> Callable[..., Any]:
        fn = self._fast.get(name)
        if fn is None:
            func = cast(wasmtime.Func, self._exports[name])
            fn = self._fast[name] = _fast_caller(self.store, name, func)
        return fn

    def c(self, name: str, *args: Any) -> Any:
        if self.dead or self._closed:
            raise _GuestDead
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
            run = self._run
            if argc != 1 or name_len != len(_HOST_FN_NAME) or run is None:
                return _qjs.HOST_CALL_ERROR
            fast = self._hot
            if fast is None:
                fast = self._hot = tuple(
                    self._caller(n)
                    for n in (
                        "get_string",
                        "qjs_last_len",
                        "qjs_last_ptr",
                        "qjs_result_free",
                        "new_undefined",
                    )
                )
            get_string, last_len, last_ptr, result_free, new_undefined = fast
            mem, store = self.mem, self.store
            if not 0 <= argv_ptr <= mem.data_len(store) - 4:
                return _qjs.HOST_CALL_ERROR
            base = ctypes.addressof(mem.data_ptr(store).contents)
            (handle,) = struct.unpack("<i", ctypes.string_at(base + argv_ptr, 4))
            if get_string(handle) != _qjs.STATUS_OK:
                return _qjs.HOST_CALL_ERROR
            length = int(last_len())
            ptr = int(last_ptr())
            if length < 0 or ptr < 0 or ptr + length > mem.data_len(store):
                return _qjs.HOST_CALL_ERROR
            base = ctypes.addressof(mem.data_ptr(store).contents)  # memory may have moved
            if length > _LONG_WRITE:
                length = run.write_extent(base + ptr, length)
            data = ctypes.string_at(base + ptr, length) if length else b""
            result_free()
            reply = run.on_host_message(_decode_guest_text(data))  # may raise _GuestStop
            if reply is None:
                return int(new_undefined())
            return self._new_string(reply)
        except Exception:
            # Sanitised: the guest sees quickjs-rs's generic HostError, never host details.
            return _qjs.HOST_CALL_ERROR

    def load_image(self, template: _Template) -> None:
        """Make this fresh instance's memory equal to the template's image.

        What quickjs-rs's `restore` does, copying only the pages where the image differs
        from a fresh instance (most of the image is zero pages a fresh instance has too).
        """
        size = self.mem.data_len(self.store)
        if template.size > size:
            page = 65536
            self.mem.grow(self.store, (template.size - size + page - 1) // page)
        base = self.mem.data_ptr(self.store)
        address = ctypes.addressof(base.contents)
        source = ctypes.c_char_p(template.data)  # the bytes' own buffer, not a copy
        at = cast(int, ctypes.cast(source, ctypes.c_void_p).value) + template.start
        for offset, length in template.runs:
            ctypes.memmove(address + offset, at, length)
            at += length
        self.sp.set_value(self.store, template.stack_pointer)


class _GuestRuntime(_qjs.QjsRuntime):
    """`QjsRuntime` whose contexts get a `_GuestInstance` (one per run)."""

    def __init__(self, factory: Callable[[], _GuestInstance]) -> None:
        super().__init__(memory_limit=None, stack_limit=None, transform_flags=0)
        self._factory = factory

    def _new_instance(self) -> _qjs._Instance:
        return self._factory()


@dataclasses.dataclass(frozen=True)
class _Template:
    """A guest just after QuickJS start-up and evaluation of the prelude, as a memory image.

    Evaluating the prelude parses it and builds everything in it that does not depend on a
    run (its phase 1: console, process, fs, timers, Buffer, the web platform, the globals);
    each run only calls the set-up function it returns (phase 2) with its configuration.
    That costs ~8 ms and ~40M fuel per run without the image; copying this image into a fresh
    instance costs ~0.7 ms (mostly first-touch page faults), which warm pools do ahead of
    demand. It is the same whole-memory snapshot quickjs-rs implements (linear memory +
    stack pointer), holding only our own code, taken before any user input exists. Built
    once per guest build and prelude, and kept in the disk cache next to the compiled
    modules.
    """

    size: int  # bytes of linear memory the image spans
    # The bytes of the runs, back to back from `start` (a file read whole, or just them).
    data: bytes
    start: int
    # (offset, length) runs of 4 KiB pages where the image differs from a fresh instance
    runs: tuple[tuple[int, int], ...]
    stack_pointer: int
    setup_handle: int  # guest handle (boxed Persistent) of the prelude's per-run set-up
    random_state: int  # offset of QuickJS's Math.random xorshift64* state, reseeded per run


_XORSHIFT_MASK: Final = (1 << 64) - 1


def _xorshift64star_step(x: int) -> int:
    x ^= x >> 12
    x ^= (x << 25) & _XORSHIFT_MASK
    x ^= x >> 27
    return x


def _find_random_state(before: bytes, after: bytes) -> int | None:
    """Find Math.random's state in QuickJS-ng's JSContext.

    It is the one 8-byte word that advanced by exactly one xorshift64* step between two
    memory images taken around one Math.random() call.
    """
    found: list[int] = []
    end = min(len(before), len(after)) & ~63
    for page in range(0, end, 4096):
        if before[page : page + 4096] == after[page : page + 4096]:
            continue
        for line in range(page, min(page + 4096, end), 64):
            if before[line : line + 64] == after[line : line + 64]:
                continue
            for off in range(line, line + 64, 8):
                a = int.from_bytes(before[off : off + 8], "little")
                b = int.from_bytes(after[off : off + 8], "little")
                if a and a != b and _xorshift64star_step(a) == b:
                    found.append(off)
    return found[0] if len(found) == 1 else None


def _differing_runs(image: bytes, fresh: bytes, page: int = 4096) -> tuple[tuple[int, bytes], ...]:
    """The runs of pages where `image` differs from `fresh` (zeros past its end)."""
    runs: list[tuple[int, bytes]] = []
    start: int | None = None
    zero = bytes(page)
    for offset in range(0, len(image), page):
        want = image[offset : offset + page]
        have = fresh[offset : offset + page] if offset < len(fresh) else zero[: len(want)]
        if want != have.ljust(len(want), b"\0"):
            if start is None:
                start = offset
        elif start is not None:
            runs.append((start, image[start:offset]))
            start = None
    if start is not None:
        runs.append((start, image[start:]))
    return tuple(runs)


def _build_template(rt: _WasmRuntime) -> _Template | None:
    """Start a guest, evaluate the prelude, and snapshot it (None: runs evaluate it)."""
    made: list[_GuestInstance] = []

    def factory() -> _GuestInstance:
        inst = _GuestInstance(rt, None, memory=256 << 20, deadline_s=60.0)
        made.append(inst)
        return inst

    with rt.ticker.active():
        ctx = _qjs.QjsContext(_GuestRuntime(factory))
        try:
            ctx.register_host_function(_HOST_FN_NAME, 1)
            setup = ctx.eval_handle(rt.prelude)
            probe = ctx.eval_handle("(function () { return Math.random(); })")
            inst = made[0]
            before = bytes(inst.mem.read(inst.store, 0, inst.mem.data_len(inst.store)))
            probe.call().dispose()
            probe.dispose()
            after = bytes(inst.mem.read(inst.store, 0, inst.mem.data_len(inst.store)))
            offset = _find_random_state(before, after)
            if offset is None:
                return None
            image = bytes(inst.mem.read(inst.store, 0, inst.mem.data_len(inst.store)))
            sp = int(inst.sp.value(inst.store))
            fresh = _GuestInstance(rt, None, memory=256 << 20, deadline_s=60.0)
            try:
                blank = bytes(fresh.mem.read(fresh.store, 0, fresh.mem.data_len(fresh.store)))
            finally:
                fresh.close()
            chunks = _differing_runs(image, blank)
            data = b"".join(chunk for _, chunk in chunks)
            runs = tuple((at, len(chunk)) for at, chunk in chunks)
            return _Template(len(image), data, 0, runs, sp, setup._handle, offset)
        except Exception:
            return None
        finally:
            ctx.close()


def _call(fn: Callable[[], R]) -> R:
    return fn()


def _template_path(cache_dir: Path, guest_sha256: str, prelude: str) -> Path:
    prelude_sha256 = hashlib.sha256(prelude.encode("utf-8")).hexdigest()
    name = (
        f"quickjs-template-{guest_sha256[:32]}-{prelude_sha256[:16]}"
        f"-wasmtime{_wasmtime_version()}-{_TEMPLATE_LAYOUT}.bin"
    )
    return cache_dir / name


def _store_template(template: _Template, path: Path) -> None:
    """Write the start-up image to the disk cache (atomically); best effort.

    Layout: magic, 8-byte header length, JSON header (sizes, offsets, the payload's
    sha256), then the chunks' bytes back to back.
    """
    payload = memoryview(template.data)[template.start :]
    header = json.dumps(
        {
            "size": template.size,
            "stack_pointer": template.stack_pointer,
            "setup_handle": template.setup_handle,
            "random_state": template.random_state,
            "runs": [list(run) for run in template.runs],
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
    ).encode()
    try:
        write_cache_file(path, _TEMPLATE_MAGIC + struct.pack("<Q", len(header)) + header, payload)
    except OSError:
        pass  # the cache is an optimisation: the next process builds the image again


def _load_template(path: Path) -> _Template | None:
    """The start-up image from the disk cache; None when absent, torn or not ours."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        if not data.startswith(_TEMPLATE_MAGIC):
            return None
        at = len(_TEMPLATE_MAGIC)
        (length,) = struct.unpack_from("<Q", data, at)
        at += 8
        header = json.loads(data[at : at + length])
        start = at + length
        # The image becomes guest memory: a corrupt file must never be loaded.
        if hashlib.sha256(memoryview(data)[start:]).hexdigest() != header["sha256"]:
            return None
        size = int(header["size"])
        runs = tuple((int(offset), int(count)) for offset, count in header["runs"])
        if any(
            not (0 <= offset and 0 < count and offset + count <= size) for offset, count in runs
        ):
            return None
        if start + sum(count for _, count in runs) != len(data):
            return None
        if not 0 <= int(header["random_state"]) <= size - 8:
            return None
        if not 0 < int(header["stack_pointer"]) <= size:
            return None
        return _Template(
            size,
            data,
            start,
            runs,
            int(header["stack_pointer"]),
            int(header["setup_handle"]),
            int(header["random_state"]),
        )
    except (ValueError, KeyError, TypeError, struct.error):
        return None


class _TransformInstance(_qjs_transform._TransformInstance):
    """quickjs-rs's OXC transformer instance on our engine, without host stdio."""

    def __init__(self, rt: _WasmRuntime, deadline_s: float) -> None:
        self.store = _new_store(
            rt, fuel=_TRANSFORM_FUEL, memory=_TRANSFORM_MEMORY, deadline_s=deadline_s
        )
        module, linker = rt.transform()
        self.inst = linker.instantiate(self.store, module)
        exports = LazyExports(self.store, self.inst)
        self.mem = cast(wasmtime.Memory, exports["memory"])
        self._exports = cast(Any, exports)
        self._closed = False


# ======================================================== end of quickjs-rs adaptations


class _TransformFailed(Exception):
    """TypeScript could not be stripped (the message is guest-visible)."""


_transform_cache: OrderedDict[tuple[str, int, bytes], str] = OrderedDict()
_transform_cache_lock = threading.Lock()


def _strip_types(rt: _WasmRuntime, name: str, source: str, deadline_s: float) -> str:
    """TypeScript -> JavaScript with OXC (types stripped, enums/namespaces lowered)."""
    flags = _TSX_FLAGS if name.endswith(".tsx") else _TS_FLAGS
    data = _well_formed(source).encode("utf-8")
    key = (name, flags, hashlib.sha256(data).digest())
    with _transform_cache_lock:
        hit = _transform_cache.get(key)
        if hit is not None:
            _transform_cache.move_to_end(key)
            return hit
    inst: _TransformInstance | None = None
    try:
        inst = _TransformInstance(rt.metered_build(), deadline_s)
        out = inst.transform(name, data, flags=flags)
    except _qjs_transform.TransformError as e:
        raise _TransformFailed(str(e)) from None
    except Exception:
        msg = f"could not transform {name} (TypeScript)"
        raise _TransformFailed(msg) from None
    finally:
        if inst is not None:
            inst.close()
    if len(data) <= _TRANSFORM_CACHE_MAX_SOURCE:
        with _transform_cache_lock:
            _transform_cache[key] = out
            while len(_transform_cache) > _TRANSFORM_CACHE_ENTRIES:
                _transform_cache.popitem(last=False)
    return out


class _Stream:
    """One output stream, capped at `cap` bytes of UTF-8.

    Many tiny writes must not cost the host more than the text itself: every
    _STREAM_JOIN_PARTS parts written since the last join are joined into one.
    """

    __slots__ = ("cap", "joined", "parts", "size")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[str] = []
        self.size = 0
        self.joined = 0  # parts[:joined] are joined pieces

    def text(self) -> str:
        return "".join(self.parts)


class _Run:
    """One execution: host-side state and the event loop that drives the guest."""

    def __init__(
        self, rt: _WasmRuntime, inv: Invocation, prepared: _GuestInstance | None = None
    ) -> None:
        self.rt = rt
        self.inv = inv
        # A warm instance from a pool (image loaded, no run's data), used for this run only.
        self._prepared = prepared
        self._ctx: _qjs.QjsContext | None = None
        self.deadline = time.monotonic() + inv.limits.deadline_s
        self.stdout = _Stream(inv.limits.max_output_bytes)
        self.stderr = _Stream(inv.limits.max_output_bytes)
        self.exit_code: int | None = None
        self.limit: LimitHit | None = None
        self.result: OutputStatus | None = None
        self.output_json: str | None = None
        self.stopped = False
        self.main_name = "main.ts" if inv.language == "typescript" else "main.js"
        self.main_source = ""
        self.files = {posixpath.normpath(k).lstrip("/"): v for k, v in inv.files.items()}
        self.module_errors: dict[str, str] = {}
        self.user_fuel: int | None = None
        self.inst: _GuestInstance | None = None
        self.host_calls = 0
        packages = inv.packages
        self.node_modules: NodeModules | None = None
        if packages is not None and packages.node_modules is not None:
            self.node_modules = NodeModules(packages.node_modules)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    # ------------------------------------------------------------------ host door
    def on_host_message(self, message: str) -> str | None:
        if self.stopped:
            raise _GuestStop
        op, payload = message[:1], message[1:]
        if op == "1":
            self._write(self.stdout, payload)
        elif op == "2":
            self._write(self.stderr, payload)
        elif op == "x":
            self._stop(exit_code=int(payload) & 0xFF if payload.lstrip("-").isdigit() else 1)
        elif op == "m":
            self._stop(exit_code=1, limit=LimitHit.MEMORY_SIZE)
        elif op == "d":
            self._stop(exit_code=1, limit=LimitHit.DISK_SIZE)
        elif op == "r":
            self._on_result(payload)
        elif op == "h":
            return self._on_host_call(payload)
        elif op == "q":
            return self._on_require(payload)
        elif op == "R":
            n = int(payload)
            if not 0 <= n <= _MAX_RANDOM_BYTES:
                msg = "bad random request"
                raise ValueError(msg)
            return os.urandom(n).hex()
        else:
            msg = "unknown host request"
            raise ValueError(msg)
        return None

    def write_extent(self, address: int, length: int) -> int:
        """How much of the long host message at `address` to read (guest memory, WTF-8).

        All of it, unless it writes more to stdout/stderr than the stream has room for: then
        just past the room, cut before a character, so `_write` still sees it overflow and
        ends the run, and the host never copies (three times) text it would drop.
        """
        op = ctypes.string_at(address, 1)
        stream = self.stdout if op == b"1" else self.stderr if op == b"2" else None
        if stream is None:
            return length
        keep = 1 + (stream.cap - stream.size) + 5
        if length <= keep:
            return length
        tail = ctypes.string_at(address + keep - 4, 4)
        i = 3
        while i > 0 and tail[i] & 0xC0 == 0x80:  # back to the last character's lead byte
            i -= 1
        return keep - 4 + i

    def _stop(self, *, exit_code: int, limit: LimitHit | None = None) -> None:
        self.stopped = True
        self.exit_code = exit_code
        if limit is not None:
            self.limit = limit
        raise _GuestStop

    def _write(self, stream: _Stream, text: str) -> None:
        data = text.encode("utf-8", errors="replace")
        room = stream.cap - stream.size
        if len(data) <= room:
            parts = stream.parts
            parts.append(text)
            stream.size += len(data)
            if len(parts) - stream.joined >= _STREAM_JOIN_PARTS:
                tail = "".join(parts[stream.joined :])
                del parts[stream.joined :]
                parts.append(tail)
                stream.joined = len(parts)
            return
        stream.parts.append(data[:room].decode("utf-8", errors="ignore"))
        stream.size = stream.cap
        self._stop(exit_code=1, limit=LimitHit.OUTPUT_SIZE)

    def _on_result(self, payload: str) -> None:
        if self.inv.entry != "function" or self.result is not None:
            return
        kind, text = payload[:1], payload[1:]
        if kind == "v":
            cap = self.inv.limits.max_output_bytes
            if len(text) > cap // 4 and len(text.encode("utf-8", "surrogatepass")) > cap:
                # The returned value is an output stream like stdout: capped by output_bytes.
                self.result = OutputStatus.ERROR
                self._stop(exit_code=1, limit=LimitHit.OUTPUT_SIZE)
            try:
                json.loads(text)
            except (ValueError, RecursionError):  # guest-written text: never raises here
                self.result = OutputStatus.JSON_SERIALIZATION_ERROR
                return
            self.result = OutputStatus.VALID
            self.output_json = text
        elif kind == "j":
            self.result = OutputStatus.JSON_SERIALIZATION_ERROR
        else:
            self.result = OutputStatus.ERROR

    def _on_host_call(self, request: str) -> str | None:
        host_call = self.inv.host_call
        if host_call is None:
            return None
        self.host_calls += 1
        if self.host_calls > _MAX_HOST_CALLS:
            return _HOST_CALLS_SPENT
        try:
            with waiting():  # fetch through the egress gateway: no core needed
                reply = host_call(request.encode("utf-8"))
            return bytes(reply).decode("utf-8", errors="replace")
        except Exception:
            return None  # the guest raises a generic "host call failed"

    # ------------------------------------------------------------------ modules
    def _on_require(self, payload: str) -> str:
        # Guest-controlled input: never raises.
        try:
            base, spec = json.loads(payload)
            if self.node_modules is None or not isinstance(base, str) or not isinstance(spec, str):
                msg = f"Cannot find module {spec!r}"
                raise ResolveError(msg)
            name = self.node_modules.resolve(base, spec, "require")
            source = self.node_modules.read(name)
            if source is None:
                msg = f"Cannot find module '{spec}'"
                raise ResolveError(msg)
            fmt = self.node_modules.format(name)
            return json.dumps({"name": name, "format": fmt, "source": _well_formed(source)})
        except ResolveError as e:
            return json.dumps({"error": str(e), "code": e.code})
        except Exception:
            return json.dumps({"error": "Cannot find module", "code": "MODULE_NOT_FOUND"})

    def _normalize(self, base: str, spec: str) -> str | None:
        bare = spec[5:] if spec.startswith("node:") else spec
        if bare in _BUILTIN_EXPORTS:
            return "node:" + bare
        nm = self.node_modules
        if nm is not None and (
            base.startswith(_NM_PREFIX) or not spec.startswith(("./", "../", "/"))
        ):
            try:
                return nm.resolve(base, spec, "import")
            except ResolveError as e:
                # A module that throws the resolution error: a clear message at import time.
                self.module_errors[spec] = str(e)
                return _MODULE_ERROR + spec
        if not spec.startswith(("./", "../", "/")):
            return None
        base_dir = posixpath.dirname(base) if base in self.files or base == self.main_name else ""
        joined = posixpath.join("/", base_dir, spec)
        key = posixpath.normpath(joined).lstrip("/")  # normpath clamps ".." at "/"
        candidates = [key, key + ".ts", key + ".js", key + ".mjs", key + "/index.js"]
        if key.endswith(".js"):
            candidates.insert(1, key[:-3] + ".ts")
        for name in candidates:
            if name == self.main_name or name in self.files:
                return name
        return None

    def _load(self, name: str) -> str | None:
        source = self._module_source(name)
        # quickjs-rs reads an empty module's source as "not found" (its copy of zero bytes is
        # a null pointer): an empty file is a module with nothing in it, as in Node.
        return "\n" if source is not None and not source.strip() else source

    def _module_source(self, name: str) -> str | None:
        if name.startswith(_MODULE_ERROR):
            message = self.module_errors.get(name[len(_MODULE_ERROR) :], "Cannot find module")
            # `export default` keeps default imports linkable, so the reason is what is thrown.
            return f"throw new Error({json.dumps(message)});\nexport default undefined;\n"
        if name.startswith(_NM_PREFIX) and self.node_modules is not None:
            return self._load_package_file(self.node_modules, name)
        if name.startswith("node:"):
            bare = name[5:]
            exports = _BUILTIN_EXPORTS.get(bare)
            if exports is None:
                return None
            src = f'const m = globalThis[Symbol.for("embedsandbox.builtin")]({json.dumps(bare)});\n'
            src += "export default m;\n"
            if exports:
                src += f"export const {{ {', '.join(exports)} }} = m;\n"
            return src
        if name == self.main_name:
            return _well_formed(self.main_source)
        source = self.files.get(name)
        if source is None:
            return None
        source = _well_formed(source)
        if name.endswith((".ts", ".mts", ".cts", ".tsx")):
            try:
                return _strip_types(self.rt, name, source, self.remaining())
            except _TransformFailed:
                return None
        if name.endswith(".json"):
            return f"export default {source}\n;"
        return source

    def _load_package_file(self, nm: NodeModules, name: str) -> str | None:
        source = nm.read(name)
        if source is None:
            return None
        source = _well_formed(source)
        fmt = nm.format(name)
        if fmt == "esm":
            return source
        if fmt == "json":
            return f"export default {source}\n;"
        # CommonJS: run it through the guest's require(); named exports that assign to
        # `exports.x` are re-exported (like Node's cjs-module-lexer, in its simplest form).
        src = f'const m = globalThis[Symbol.for("embedsandbox.require")]({json.dumps(name)});\n'
        src += "export default m;\n"
        names = sorted(
            {n for n in _CJS_EXPORT.findall(source) if n not in ("default", "__esModule")}
        )
        if names:
            src += f"export const {{ {', '.join(names)} }} = m;\n"
        return src

    # ------------------------------------------------------------------ the run
    def execute(self) -> RawOutcome:
        """Run the guest and free it."""
        try:
            return self.run_guest()
        finally:
            self.release()

    def run_guest(self) -> RawOutcome:
        """Run the guest; its instance stays allocated until `release()`."""
        with self.rt.ticker.active():
            try:
                self._prepare_main()
            except _TransformFailed as e:
                self.exit_code = 1
                if self.remaining() <= 0:
                    self.limit = LimitHit.EXECUTION_TIMEOUT
                else:
                    self._guest_error(f"SyntaxError: {e}")
                return self._outcome(fuel_used=0 if self.rt.metered else None)
            try:
                self._ctx = _qjs.QjsContext(_GuestRuntime(self._new_instance))
                harness = self._setup(self._ctx)
                self._drive(harness)
            except (_GuestStop, _GuestDead, Exception) as e:
                self._classify_failure(e)
            return self._outcome(fuel_used=self._fuel_used())

    def release(self) -> None:
        """Free the guest (the store and its memory). Idempotent."""
        ctx, self._ctx = self._ctx, None
        prepared, self._prepared = self._prepared, None
        if ctx is not None:
            ctx.close()
        elif self.inst is not None:
            self.inst.close()
        if prepared is not None:
            prepared.close()

    def _prepare_main(self) -> None:
        code = self.inv.code
        if self.inv.language == "typescript":
            code = _strip_types(self.rt, self.main_name, code, self.remaining())
        if self.inv.entry == "function":
            # Module scope hides a plain `function execute` from the harness; expose it.
            code += (
                '\n;globalThis[Symbol.for("embedsandbox.execute")] = '
                'typeof execute === "function" ? execute : undefined;\n'
            )
        self.main_source = code

    def _new_instance(self) -> _GuestInstance:
        cap = self.inv.limits.memory_limit_bytes
        inst, self._prepared = self._prepared, None
        if inst is not None:
            if inst.fits(cap):
                self.inst = inst
                inst.attach(self)
                return inst
            # A cap below the image: a fresh instance fails the same way it always has.
            inst.close()
        inst = _GuestInstance(self.rt, self, memory=cap, deadline_s=self.remaining())
        self.inst = inst
        inst.interrupt_handler = self._interrupt
        inst.module_normalize = self._normalize
        inst.module_load = self._load
        template = self.rt.template()
        if template is not None:
            inst.prepare(template)
        return inst

    def _instance(self) -> _GuestInstance:
        if self.inst is None:  # pragma: no cover - set by QjsContext() before any use
            raise _GuestDead
        return self.inst

    def _interrupt(self) -> bool:
        return self.stopped or time.monotonic() >= self.deadline

    def _setup(self, ctx: _qjs.QjsContext) -> _qjs.QjsHandle:
        inv = self.inv
        inst = self._instance()
        # Positional (see `setup` at the end of js_prelude.js's phase 1): cheaper to parse.
        config = [
            inv.entry,
            self.main_name,
            list(inv.args),
            dict(inv.env),
            inv.stdin.decode("utf-8", errors="replace"),
            dict(self.files),
            inv.input_json if inv.entry == "function" else "null",
            inv.host_call is not None,
            self.node_modules is not None,
            inv.limits.disk_bytes,
            inv.limits.disk_files,
        ]
        template = inst.image
        if template is not None:
            setup = _qjs.QjsHandle._adopt(inst, template.setup_handle, context=ctx)
        else:
            ctx.register_host_function(_HOST_FN_NAME, 1)
            setup = ctx.eval_handle(self.rt.prelude)
        config_json = json.dumps(config, ensure_ascii=True)
        if not self.rt.metered:
            return setup.call(config_json)
        # Parsing the configuration (stdin, files, input) is our set-up work, not the user's:
        # budget it by size (JSON.parse costs well under 200 fuel per byte).
        inst.store.set_fuel(_SETUP_FUEL + 200 * len(config_json))
        harness = setup.call(config_json)
        # From here on the guest runs user code: install the user's fuel budget.
        fuel = inv.limits.fuel
        self.user_fuel = _UNLIMITED_FUEL if fuel is None else max(0, min(fuel, _UNLIMITED_FUEL))
        inst.store.set_fuel(self.user_fuel)
        return harness

    def _drive(self, harness: _qjs.QjsHandle) -> None:
        inst = self._instance()
        harness.call_method("run")
        while True:
            self._drain_jobs(inst)
            delay = harness.call_method("tick").to_python()
            self._check_deadline()
            if not isinstance(delay, (int, float)) or delay < 0:
                break
            if delay > 0:
                with waiting():  # until the next timer: no core needed
                    time.sleep(max(0.0, min(delay / 1000.0, self.remaining())))
                self._check_deadline()
        # tick() ran nothing when it returned -1: no job was queued since the last drain.
        code = harness.call_method("finish").to_python()
        self._check_deadline()
        if self.exit_code is None:
            self.exit_code = int(code) if isinstance(code, int) else 1

    def _drain_jobs(self, inst: _GuestInstance) -> None:
        """Run microtasks until none is pending (the deadline checked between batches).

        One `execute_pending_jobs` runs a bounded batch (100,000 jobs in quickjs-rs 0.2.6)
        and returns how many it ran: a job that queues another (an endless promise chain)
        leaves work pending, so the run is not over until a call runs none.
        """
        while True:
            ran = inst.c("execute_pending_jobs")
            self._check_deadline()
            if ran <= 0:
                return

    def _check_deadline(self) -> None:
        if time.monotonic() >= self.deadline:
            self.stopped = True
            self.limit = LimitHit.EXECUTION_TIMEOUT
            self.exit_code = 1
            raise _GuestStop

    def _classify_failure(self, error: BaseException) -> None:
        if self.exit_code is not None:  # an exit, a limit already recorded, or a timeout
            return
        self.exit_code = 1
        inst = self.inst
        if inst is None:
            # The instance could not even be created: the memory cap is below what the
            # guest needs to start.
            self.limit = LimitHit.MEMORY_SIZE
            return
        trap = inst.trap_code
        if trap == wasmtime.TrapCode.OUT_OF_FUEL or (
            self.user_fuel is not None
            and self.inv.limits.fuel is not None
            and inst.store.get_fuel() == 0
        ):
            self.limit = LimitHit.FUEL
        elif trap == wasmtime.TrapCode.INTERRUPT or time.monotonic() >= self.deadline:
            self.limit = LimitHit.EXECUTION_TIMEOUT
        elif trap == wasmtime.TrapCode.STACK_OVERFLOW or (
            trap == wasmtime.TrapCode.MEMORY_OUT_OF_BOUNDS and self._sp_low()
        ):
            self._guest_error("RangeError: Maximum call stack size exceeded")
        elif self._near_memory_cap() or (
            isinstance(error, _qjs.JSError) and "out of memory" in str(error.args[1:2])
        ):
            self.limit = LimitHit.MEMORY_SIZE
        else:
            self._guest_error("InternalError: the JavaScript engine stopped unexpectedly")

    def _guest_error(self, line: str) -> None:
        if self.stderr.size < self.stderr.cap:
            self.stderr.parts.append(line + "\n")
        if self.inv.entry == "function" and self.result is None:
            self.result = OutputStatus.ERROR

    def _sp_low(self) -> bool:
        inst = self.inst
        try:
            return inst is not None and int(inst.sp.value(inst.store)) < (64 << 10)
        except Exception:
            return False

    def _near_memory_cap(self) -> bool:
        inst = self.inst
        if inst is None:
            return False
        try:
            size = int(inst.mem.data_len(inst.store))
        except Exception:
            return False
        cap = self.inv.limits.memory_limit_bytes
        return cap - size < max(_MEMORY_HEADROOM, cap // 8)

    def _fuel_used(self) -> int | None:
        if not self.rt.metered:
            return None
        if self.user_fuel is None or self.inst is None:
            return 0
        try:
            return self.user_fuel - int(self.inst.store.get_fuel())
        except Exception:
            return 0

    def _outcome(self, *, fuel_used: int | None) -> RawOutcome:
        exit_code = 1 if self.exit_code is None else self.exit_code
        if self.limit is not None and exit_code == 0:
            exit_code = 1
        outcome = RawOutcome(
            exit_code=exit_code,
            stdout=self.stdout.text(),
            stderr=self.stderr.text(),
            fuel_used=fuel_used,
            limit_hit=self.limit,
        )
        if self.inv.entry == "function":
            status = self.result
            if self.limit is not None or status is None:
                status = OutputStatus.ERROR
            outcome.output_status = status
            if status is OutputStatus.VALID:
                outcome.output_json = self.output_json
        return outcome


class JavaScriptEngine:
    """Runs JavaScript and TypeScript invocations in fresh QuickJS-ng WebAssembly guests.

    `cache_dir` holds compiled wasm modules (keyed by the wasm's sha256, the wasmtime
    version and our engine settings) and the guest's start-up image, so later processes
    start fast. Guests come from a warm pool per runtime revision when one is ready (made in
    the background, sized by `pool`), else are made on the run's thread; either way each
    guest runs exactly one invocation and is then discarded. Thread-safe: runs may proceed
    concurrently from any number of threads.
    """

    def __init__(self, cache_dir: Path, pool: PoolSize = _DEFAULT_POOL) -> None:
        self._cache_dir = Path(cache_dir)
        # The quickjs-rs adaptations need the release the manifest pins (0.2.6): a clear
        # RuntimeUnavailableError now, not an AttributeError in the first run.
        verify_runtime("javascript", self._cache_dir)
        self._pid = os.getpid()  # wasmtime and our threads do not survive a fork
        # A pool starts filling when its first run ends (`WarmPool.done`), so a process's
        # first run does not share the CPU with the filler; warmup() starts the default pool.
        self._pools: Pools[_GuestInstance] = Pools("javascript", pool)
        self._cache_checked = False
        self._cache_lock = threading.Lock()

    def _runtime(self, metered: bool = False) -> _WasmRuntime:
        """The build a run uses: `metered` (fuel counted) for runs with a fuel cap."""
        if not self._cache_checked:
            self._fill_cache()
        return _WasmRuntime.get(self._cache_dir, metered)

    def _fill_cache(self) -> None:
        # On a cold cache, compile all three modules at once (~2 s on 2 cores, shown by the
        # Sandbox's first-compile message) rather than each at its own first use.
        with self._cache_lock:
            if not self._cache_checked:
                if not self._cache_files_present():
                    _WasmRuntime.get(self._cache_dir, metered=True).transform()
                    _WasmRuntime.get(self._cache_dir, metered=False)
                self._cache_checked = True

    def compiled_in_cache(self) -> bool:
        """Whether runs can skip compiling (~2 s): the three modules are loaded or on disk."""
        metered = _WasmRuntime._instances.get(True)
        if (
            metered is not None
            and metered._transform is not None
            and _WasmRuntime._instances.get(False) is not None
        ):
            return True
        return self._cache_files_present()

    def _cache_files_present(self) -> bool:
        _, tag = _make_engine_config(metered=True)
        _, unmetered_tag = _make_engine_config(metered=False)
        guest = _pinned_sha256(_GUEST_FILE)
        paths = (
            _cache_path(self._cache_dir, "quickjs-guest", guest, tag),
            _cache_path(self._cache_dir, "quickjs-guest", guest, unmetered_tag),
            _cache_path(self._cache_dir, "quickjs-transform", _pinned_sha256(_TRANSFORM_FILE), tag),
        )
        return all(p.is_file() for p in paths)

    def warmup(self) -> None:
        """Compile (or load from the disk cache) the wasm modules and run a tiny guest.

        The tiny TypeScript run also builds the start-up image of the guest, and the default
        warm pool starts filling.
        """
        self._runtime()
        self.run(Invocation(language="typescript", code="let x: number = 1;", entry="script"))
        pool = self.pool_for(None)
        if pool is not None:
            pool.start()

    def close(self) -> None:
        """Stop the warm pools' background work and free their guests. Idempotent.

        Runs still work afterwards, each in a guest made on demand.
        """
        self._pools.close()

    def pool_for(
        self, packages: RuntimePackages | None, *, metered: bool = False
    ) -> WarmPool[_GuestInstance] | None:
        """The warm pool these runs use (None when pooling is off or closed).

        `metered`: runs with a fuel cap, which use the fuel-counting build.
        """
        make = functools.partial(self._make_guest, metered)
        if packages is None:
            return self._pools.get((_PLAIN_POOL_KEY, metered), make, _discard)
        size = resolve_size(
            self._pools.default, packages.min_cached_instances, packages.max_cached_instances
        )
        return self._pools.get((packages.pool_key, metered), make, _discard, size)

    def _make_guest(self, metered: bool) -> _GuestInstance:
        """A guest for a pool: instantiated, start-up image loaded, no run's data."""
        rt = self._runtime(metered)
        template = rt.template(build=run_on_guest_thread)
        inst = _GuestInstance(rt, None, memory=_POOL_MEMORY, deadline_s=_POOL_DEADLINE_S)
        try:
            if template is not None:
                inst.prepare(template)
        except BaseException:
            inst.close()
            raise
        return inst

    def run(self, invocation: Invocation, /) -> RawOutcome:
        """Run one invocation in a fresh guest; guest failures are data, never exceptions."""
        if invocation.language not in ("javascript", "typescript"):
            msg = f"JavaScriptEngine cannot run {invocation.language!r} code"
            raise ValueError(msg)
        if os.getpid() != self._pid:
            msg = (
                "the JavaScript engine was made before this process was forked; use a Sandbox "
                "in the child only, or start processes with 'spawn' or 'forkserver'"
            )
            raise RuntimeUnavailableError(msg)
        # Fuel counting costs ~15-20% of compute: only runs with a fuel cap pay for it.
        metered = invocation.limits.fuel is not None
        rt = self._runtime(metered)
        pool = self.pool_for(invocation.packages, metered=metered)
        run = _Run(rt, invocation, pool.take() if pool is not None else None)

        def after() -> None:
            try:
                run.release()
            finally:
                if pool is not None:
                    pool.done()  # refill now, no longer competing with this run

        return run_on_guest_thread(run.run_guest, after=after)


def _discard(inst: _GuestInstance) -> None:
    inst.close()
