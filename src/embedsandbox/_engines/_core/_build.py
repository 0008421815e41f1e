"""wasmtime Engines per build, the compiled-module disk cache, and the fork check.

A *build* is one engine configuration. There are two per process, shared by every
interpreter: `metered` (fuel counting compiled into the code: runs with a fuel cap, and
every Python guest) and unmetered. Both have epoch interruption (the wall-clock backstop,
ticked by `_ticker.TICKER`) and an 8 MiB wasm stack.

Compiled modules are cached on disk as `<label>-<sha256[:32]>-wasmtime<version>-<tag>-<layout>
.cwasm`, keyed by the sha256 the manifest pins for the .wasm, the wasmtime version and the
build's tag. A .cwasm is native code that wasmtime maps and runs as it finds it, so one is
loaded only from a folder and a file private to this user (no link, no group or other
write); any other is ignored and replaced by a fresh compile. Writes are atomic (temp file,
rename).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final

import wasmtime

from ..._artifacts import write_cache_file
from ...errors import RuntimeUnavailableError
from ._ticker import TICKER
from ._wasmtime import set_async_stack_size

__all__ = [
    "MAX_WASM_STACK",
    "build_tag",
    "cache_path",
    "check_not_forked",
    "engine_for",
    "load_module",
    "new_store",
    "private_file",
    "store_module",
]

# The wasm native stack of every guest (QuickJS uses ~0.8 KiB of it per JS call; CPython's
# own recursion limit comes first). Guest threads have room for it (`_threads.STACK_SIZE`).
MAX_WASM_STACK: Final = 8 << 20
_CACHE_LAYOUT: Final = "v1"

_lock = threading.Lock()
_engines: dict[bool, tuple[wasmtime.Engine, str]] = {}
_pid: int | None = None  # the process that made the first engine


@functools.cache  # importlib.metadata scans the installed distributions (~0.3-2 ms a call)
def wasmtime_version() -> str:
    try:
        return importlib.metadata.version("wasmtime")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - odd installs
        return "unknown"


def _config(metered: bool) -> tuple[wasmtime.Config, str]:
    config = wasmtime.Config()
    config.consume_fuel = metered
    config.epoch_interruption = True
    stack = MAX_WASM_STACK
    # A max_wasm_stack above the async stack size aborts the process: set that first, and
    # stay under its default (2 MiB) where it cannot be set.
    if not set_async_stack_size(config, stack + (1 << 20)):
        stack = 1 << 20
    config.max_wasm_stack = stack
    return config, f"{'fuel-' if metered else ''}epoch-stack{stack >> 20}m"


def engine_for(metered: bool) -> wasmtime.Engine:
    """The process's Engine of a build, made on first use and ticked by the epoch ticker."""
    found = _engines.get(metered)
    if found is None:
        global _pid
        with _lock:
            found = _engines.get(metered)
            if found is None:
                config, tag = _config(metered)
                engine = wasmtime.Engine(config)
                TICKER.add(engine)
                found = _engines[metered] = (engine, tag)
                if _pid is None:
                    _pid = os.getpid()
    return found[0]


def build_tag(metered: bool) -> str:
    """The build's settings as a name part of its cache files (`fuel-epoch-stack8m`)."""
    found = _engines.get(metered)
    return found[1] if found is not None else _config(metered)[1]


def check_not_forked(language: str) -> None:
    """Refuse to run in a child of a fork: wasmtime and our threads do not survive one."""
    if _pid is not None and os.getpid() != _pid:
        msg = (
            f"the {language} engine was made before this process was forked; use a Sandbox "
            "in the child only, or start processes with 'spawn' or 'forkserver'"
        )
        raise RuntimeUnavailableError(msg)


def cache_path(cache_dir: Path, label: str, sha256: str, metered: bool) -> Path:
    """Where the compiled module of a .wasm (by its pinned sha256) lives in `cache_dir`."""
    name = (
        f"{label}-{sha256[:32]}-wasmtime{wasmtime_version()}-{build_tag(metered)}"
        f"-{_CACHE_LAYOUT}.cwasm"
    )
    return cache_dir / name


def private_file(path: Path) -> bool:
    """Whether `path` and its folder are this user's alone (no link, no group/other write)."""
    try:
        for item in (path.parent, path):
            st = item.lstat()
            if st.st_uid != os.getuid() or st.st_mode & 0o022 or stat.S_ISLNK(st.st_mode):
                return False
    except OSError:
        return False
    return True


def store_module(module: wasmtime.Module, path: Path) -> None:
    """Write a compiled module atomically into a private folder; best effort."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_cache_file(path, module.serialize())
    except OSError:
        pass  # the cache is an optimisation; an unwritable cache dir only costs time


def load_module(
    metered: bool,
    path: Path,
    read: Callable[[], bytes],
    pinned_sha256: str | None,
    what: str,
    remedy: str,
) -> wasmtime.Module:
    """The compiled module at `path`, or `read()`'s bytes compiled now and stored there.

    The bytes compiled on a miss must have the `pinned_sha256` (checked on the very bytes
    compiled: no gap between check and use); `what` names them in the refusal, and `remedy`
    ends it (what the user should do). None: `read` makes the bytes itself, from inputs it
    checked (a baked module: the pinned guest and our own snapshot).
    """
    engine = engine_for(metered)
    if path.is_file() and private_file(path):
        try:
            return wasmtime.Module.deserialize_file(engine, str(path))
        except Exception:  # noqa: S110 - stale or corrupt cache entry: compiled below
            pass
    wasm = read()
    actual = hashlib.sha256(wasm).hexdigest()
    if pinned_sha256 is not None and actual != pinned_sha256:
        msg = (
            f"refusing to load {what}: its sha256 is {actual}, but "
            f"wasm-runtimes/manifest.json pins {pinned_sha256}; {remedy}"
        )
        raise RuntimeUnavailableError(msg)
    module = wasmtime.Module(engine, wasm)
    store_module(module, path)
    return module


def new_store(
    metered: bool,
    *,
    fuel: int,
    memory: int,
    deadline_s: float,
    wasi: wasmtime.WasiConfig | None = None,
) -> wasmtime.Store:
    """A store of the build with its limits: fuel (metered builds), memory cap, deadline.

    The epoch deadline lies `_ticker.GRACE_S` past `deadline_s` (the backstop). `wasi` is the
    guest's WASI context; by default one with nothing of the host: no stdio (writes go
    nowhere), no env, no args, no preopened folders.
    """
    store = wasmtime.Store(engine_for(metered))
    if metered:
        store.set_fuel(fuel)
    store.set_epoch_deadline(TICKER.ticks_for(deadline_s))
    store.set_limits(memory_size=memory)
    store.set_wasi(wasi if wasi is not None else wasmtime.WasiConfig())
    return store
