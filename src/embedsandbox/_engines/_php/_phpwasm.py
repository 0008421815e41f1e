"""The php.wasm adapter: the only module that knows our PHP build's module and its exports.

`php.wasm` is PHP 8.2's CLI built by `wasm-runtimes/php/build.sh` (reproducibly; its sha256
is pinned in `wasm-runtimes/manifest.json`, `runtimes.php`) and shipped in the package
(`embedsandbox/_guest/php/php.wasm`). It is a WASI *command*: `_start` runs `main()` once.
What it needs and gives, beyond wasi_snapshot_preview1:

- WebAssembly exception handling (PHP's `zend_try`/`zend_bailout` are setjmp/longjmp):
  the core's builds have it on (`wasm_exceptions`, as the Python guest needs too);
- `embedsandbox_exit_status()`: wasmtime's WASI accepts exit statuses 0..125 only and traps
  on others, PHP's 255 (a fatal error, an uncaught exception) among them; after that trap
  the export gives the status `main()` returned (patch 0004 of the build).

The module is split once (`_core/_split.py`) with every `memory.grow` watched: a code module
compiled once per machine (about 5-10 s, cached) and the *initial* memory module (the
module's own data). Each guest is a new store with that memory mapped copy-on-write and the
code module instantiated on it, then `_start`.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any, Final

import wasmtime

from ..._artifacts import manifest, verify_runtime
from ...errors import RuntimeUnavailableError
from .._core import cache_path, engine_for, lazy_exports, load_module
from .._core._growth import GROW_REFUSED
from .._core._split import IMPORT_MODULE, IMPORT_NAME, Split, split
from .._core._wasi import FORWARD_WAT, WasiHost, define_shadows
from ._door import DOOR_SHADOWS

__all__ = ["WASM_FILE", "Build", "Instance", "pinned_digest"]

WASM_FILE: Final = "embedsandbox/_guest/php/php.wasm"
"""The manifest's name of the build (a package path)."""
EXIT_STATUS_EXPORT: Final = "embedsandbox_exit_status"
# The code module's name in the cache: bump when `split`'s options for it change.
_CODE_LABEL: Final = "php-code1"
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
        if not {GROW_REFUSED, EXIT_STATUS_EXPORT, "_start"} <= exports:
            msg = (
                f"the compiled PHP interpreter at {self.code_path()} lacks an export this "
                f"engine needs ({GROW_REFUSED}, {EXIT_STATUS_EXPORT}, _start); delete it"
            )
            raise RuntimeUnavailableError(msg)
        path = self.folder / f"php-initial-{self.code_path().stem}.cwasm"
        what = "the PHP interpreter's memory"
        self.initial = load_module(
            True, path, lambda: self._parts().initial_memory(), None, what, ""
        )
        for old in folder.glob("php-*.cwasm"):  # other builds' and wasmtimes' modules
            if old.name not in (self.code_path().name, path.name):
                old.unlink(missing_ok=True)
        # The code module imports its memory: each guest's is defined in the shared linker
        # just before it is instantiated (a linker's memory belongs to one store).
        self.instantiate_lock = threading.Lock()
        self.forward = wasmtime.Module(self.engine, bytes(wasmtime.wat2wasm(FORWARD_WAT)))
        self.plain_linker = wasmtime.Linker(self.engine)
        self.plain_linker.allow_shadowing = True
        self.plain_linker.define_wasi()
        self.linker = wasmtime.Linker(self.engine)
        self.linker.allow_shadowing = True
        self.linker.define_wasi()
        define_shadows(self.linker, self.code, DOOR_SHADOWS)

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
    """One instance of the code module on a fresh initial memory, in `store` (one guest's)."""

    def __init__(self, build: Build, store: wasmtime.Store, host: WasiHost) -> None:
        memory = wasmtime.Instance(store, build.initial, []).exports(store)[IMPORT_NAME]
        if not isinstance(memory, wasmtime.Memory):  # pragma: no cover - our modules
            msg = "the PHP memory module exports no memory"
            raise TypeError(msg)
        with build.instantiate_lock:
            build.linker.define(store, IMPORT_MODULE, IMPORT_NAME, memory)
            instance = build.linker.instantiate(store, build.code)
            build.plain_linker.define(store, IMPORT_MODULE, IMPORT_NAME, memory)
            forward = build.plain_linker.instantiate(store, build.forward)
        self.store, self.host, self.memory = store, host, memory
        self._exports: Any = lazy_exports(store, instance)
        host.bind(memory, lazy_exports(store, forward))

    def start(self) -> int:
        """Run `main()` (`_start`) to its end; its exit status.

        Raises what the run raised otherwise: `wasmtime.Trap` (fuel, deadline, a fault), or
        the host's `GuestStop` (a cap) from a shadowed WASI call.
        """
        with self.host.active():
            try:
                self._exports["_start"](self.store)
            except wasmtime.ExitTrap as e:
                return int(e.code)
            except wasmtime.WasmtimeError as e:
                if _INVALID_STATUS not in str(e):
                    raise
                status: int = self._exports[EXIT_STATUS_EXPORT](self.store)
                return status & 0xFF
        return 0

    def grow_refused(self) -> bool:
        """Whether a memory.grow was refused (the guest reached its memory cap)."""
        return bool(self._exports[GROW_REFUSED].value(self.store))
