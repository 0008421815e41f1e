"""The php.wasm adapter: the only module that knows our PHP build's module and its exports.

`php.wasm` is PHP 8.2's CLI built by `wasm-runtimes/php/build.sh` (reproducibly; its sha256
is pinned in `wasm-runtimes/manifest.json`, `runtimes.php`) and shipped in the package
(`embedsandbox/_guest/php/php.wasm`). It is a WASI *reactor* (patch 0006 of the build):

- `_initialize`, then `embedsandbox_startup()`: `main()` up to PHP's started modules, with
  WASI's args (`php` and the -n/-d flags); 0 when ready;
- `embedsandbox_request()`: one CLI request (the script and its args from WASI's args,
  the environment read afresh from WASI's); returns the exit status;
- `embedsandbox_exit_status()`: the status a C `exit()` inside a request meant, when it was
  one (126..255) that wasmtime's WASI refuses with a trap (patch 0004);
- WebAssembly exception handling (PHP's `zend_try`/`zend_bailout` are setjmp/longjmp):
  the core's builds have it on (`wasm_exceptions`, as the Python guest needs too).

The module is split once (`_core/_split.py`) with every `memory.grow` watched: a code module
compiled once per machine (about 5-10 s, cached) and the *initial* memory module (the
module's own data). A *guest state* is the memory after `_initialize` and
`embedsandbox_startup()` (the modules' start-up is most of a hello world's time), made once
per machine and flags and cached as a memory module; each guest is a new store with the
state's memory mapped copy-on-write and the code module instantiated on it, then one
`embedsandbox_request()`. Between the two calls the code module's globals are back at their
start values (checked), so the memory is all there is to keep.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import wasmtime

from ..._artifacts import manifest, verify_runtime
from ...errors import RuntimeUnavailableError
from .._core import cache_path, engine_for, lazy_exports, load_module
from .._core._growth import GROW_REFUSED
from .._core._split import GLOBAL_PREFIX, Split, memory_module, split
from .._core._wasi import WasiHost, WasiLinkers
from ._door import DOOR_SHADOWS

__all__ = ["STATE_VERSION", "WASM_FILE", "Build", "Instance", "pinned_digest"]

WASM_FILE: Final = "embedsandbox/_guest/php/php.wasm"
"""The manifest's name of the build (a package path)."""
EXIT_STATUS_EXPORT: Final = "embedsandbox_exit_status"
_EXPORTS: Final = (
    "_initialize",
    "embedsandbox_startup",
    "embedsandbox_request",
    EXIT_STATUS_EXPORT,
)
# The code module's name in the cache: bump when `split`'s options for it change.
_CODE_LABEL: Final = "php-code1"
# Bump when a state holds something its key (the build, the flags, the preopens) does not show.
STATE_VERSION: Final = 1
_INVALID_STATUS: Final = "invalid exit status"


def pinned_digest() -> str:
    """The sha256 the manifest pins for php.wasm."""
    digest: str = manifest()["runtimes"]["php"]["files"][WASM_FILE]
    return digest


class Build:
    """One cache folder's PHP build: the code module, the initial memory module, the linker.

    Made once per process and cache folder (`Build.get`); thread-safe after that.
    """

    _builds: dict[Path, Build] = {}
    _builds_lock = threading.Lock()

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.digest = pinned_digest()
        self.wasm_path = verify_runtime("php", folder)[WASM_FILE]
        self.engine = engine_for(True)
        self._split: Split | None = None
        what = f"the PHP interpreter ({self.wasm_path.name})"
        self.code = load_module(True, self.code_path(), lambda: self._parts().code, None, what, "")
        exports = {e.name for e in self.code.exports}
        if not {GROW_REFUSED, *_EXPORTS} <= exports:
            msg = (
                f"the compiled PHP interpreter at {self.code_path()} lacks an export this "
                f"engine needs ({GROW_REFUSED}, {', '.join(_EXPORTS)}); delete it"
            )
            raise RuntimeUnavailableError(msg)
        memories = [i.type for i in self.code.imports if isinstance(i.type, wasmtime.MemoryType)]
        self.memory_maximum: int | None = memories[0].limits.max if memories else None
        self.globals = tuple(e.name for e in self.code.exports if e.name.startswith(GLOBAL_PREFIX))
        path = self.folder / f"php-initial-{self.code_path().stem}.cwasm"
        what = "the PHP interpreter's memory"
        self.initial = load_module(
            True, path, lambda: self._parts().initial_memory(), None, what, ""
        )
        self._keep = {self.code_path().name, path.name}
        for old in folder.glob("php-*.cwasm"):  # other builds' and wasmtimes' modules
            if old.name not in self._keep and not old.name.startswith("php-state-"):
                old.unlink(missing_ok=True)
        self.linkers = WasiLinkers(self.engine, self.code, DOOR_SHADOWS)

    @classmethod
    def get(cls, folder: Path) -> Build:
        """The build of `folder`, made on first use (checking and compiling as needed)."""
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
        return cache_path(folder, _CODE_LABEL, pinned_digest(), True)

    def state_path(self, key: str) -> Path:
        """Where the compiled memory module of a guest state (by its key) is cached."""
        return self.folder / f"php-state-{key[:32]}-{self.code_path().stem}.cwasm"

    def state(self, key: str, make: Callable[[], bytes]) -> wasmtime.Module:
        """The guest state of `key`: from the cache, or `make()`'s memory image compiled now.

        States of other keys (other flags, another build or wasmtime) are removed.
        """
        path = self.state_path(key)

        def module() -> bytes:
            return memory_module(make(), self.memory_maximum)

        state = load_module(True, path, module, None, "the PHP guest state", "")
        for old in self.folder.glob("php-state-*.cwasm"):
            if old.name != path.name:
                old.unlink(missing_ok=True)
        return state

    def _parts(self) -> Split:
        if self._split is None:
            wasm = self.wasm_path.read_bytes()
            # verify_runtime checked this file's sha256 (or its unchanged stamp); these are
            # the bytes compiled, so they are checked again, with no gap before use.
            actual = hashlib.sha256(wasm).hexdigest()
            if actual != self.digest:
                msg = (
                    f"refusing to load the PHP interpreter ({self.wasm_path}): its sha256 is "
                    f"{actual}, but wasm-runtimes/manifest.json pins {self.digest}; "
                    "reinstall embedsandbox"
                )
                raise RuntimeUnavailableError(msg)
            self._split = split(wasm, watch_grows=True)
        return self._split


class Instance:
    """One guest: the code module on a fresh copy of a memory module, in `store`.

    The memory module is the build's initial one (a state is made from it) or a guest state.
    """

    def __init__(
        self,
        build: Build,
        store: wasmtime.Store,
        host: WasiHost,
        memory_source: wasmtime.Module | None = None,
    ) -> None:
        source = memory_source if memory_source is not None else build.initial
        instance, memory = build.linkers.instantiate(store, source, host)
        self.build, self.store, self.host, self.memory = build, store, host, memory
        self._exports: Any = lazy_exports(store, instance)

    def startup(self) -> int:
        """`_initialize`, then `embedsandbox_startup()` (what a state is made from): 0 if ready."""
        with self.host.active():
            self._exports["_initialize"](self.store)
            status: int = self._exports["embedsandbox_startup"](self.store)
        return status

    def request(self) -> int:
        """One request (`embedsandbox_request()`) to its end: its exit status.

        Raises what the run raised otherwise: `wasmtime.Trap` (fuel, deadline, a fault), or
        the host's `GuestStop` (a cap) from a shadowed WASI call.
        """
        with self.host.active():
            try:
                status: int = self._exports["embedsandbox_request"](self.store)
            except wasmtime.ExitTrap as e:  # a C exit() inside the request
                return int(e.code)
            except wasmtime.WasmtimeError as e:
                if _INVALID_STATUS not in str(e):
                    raise
                status = self._exports[EXIT_STATUS_EXPORT](self.store)
        return status & 0xFF

    def globals_now(self) -> dict[str, object]:
        """The code module's mutable globals (a state needs them at their start values)."""
        return {name: self._exports[name].value(self.store) for name in self.build.globals}

    def memory_image(self) -> bytes:
        """The whole linear memory, as bytes."""
        size = self.memory.data_len(self.store)
        return bytes(self.memory.read(self.store, 0, size))

    def grow_refused(self) -> bool:
        """Whether a memory.grow was refused (the guest reached its memory cap)."""
        return bool(self._exports[GROW_REFUSED].value(self.store))
