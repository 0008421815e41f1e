"""The JavaScript guest's process-wide parts, per build: module, linker, prelude, start-up image.

The start-up image is a core snapshot (`_core._snapshot`) of a guest just after QuickJS
start-up and evaluation of the prelude. Evaluating the prelude parses it and builds
everything in it that does not depend on a run (its phase 1: console, process, fs, timers,
Buffer, the web platform, the globals); each run only calls the set-up function it returns
(phase 2) with its configuration. That costs ~8 ms and ~40M fuel per run without the image;
restoring it into a fresh instance costs ~0.7 ms (mostly first-touch page faults), which
warm pools do ahead of demand. It holds only our own code, taken before any user input
exists; built once per guest build and prelude, and kept in the disk cache next to the
compiled modules. Its `meta`: `setup_handle` (the guest handle of the prelude's per-run
set-up) and `random_state` (the offset of QuickJS's Math.random xorshift64* state,
reseeded per instance).

Fresh guests come from the guest module with the image baked in (`_core._bake`: wasmtime maps
the image copy-on-write, ~0.4 ms a guest instead of ~2.6 ms for restoring it), compiled once
per build and image and cached; if the image cannot be baked, each fresh instance of the
plain module gets it restored (`Snapshot.restore`). A guest made ahead of demand also has the
pages a run writes first (`hot_pages`) faulted in, so the run does not pay for them.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Final

import wasmtime

from ..._artifacts import check_pinned, manifest, verify_runtime
from ...errors import RuntimeUnavailableError
from .._core import _snapshot as snapshot
from .._core import cache_path, engine_for, load_module, store_module
from .._core._bake import BakeError, bake_snapshot
from .._core._build import wasmtime_version
from .._core._snapshot import Snapshot
from .._core._ticker import TICKER
from . import _quickjs as qjs

__all__ = ["WasmRuntime", "image_path", "prelude_source"]

logger = logging.getLogger("embedsandbox")

_PRELUDE_RESOURCE: Final = "js_prelude.js"
# The web-platform packages (Buffer, Event/EventTarget) bundled by
# scripts/js-packages/build.mjs; pinned by sha256 in the manifest's `guest_bundles`.
_PACKAGES_RESOURCE: Final = "js_packages.js"
# The quickjs-rs files we load, as wasm-runtimes/manifest.json names them.
GUEST_FILE: Final = "quickjs_rs/_guest.wasm"
TRANSFORM_FILE: Final = "quickjs_rs/_transform.wasm"
# The start-up image's snapshot kind: bump when `_build_image` or what it holds changes.
_IMAGE_KIND: Final = "quickjs-t3"
_REMEDY: Final = "reinstall quickjs-rs"


def prelude_source() -> str:
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


def pinned_sha256(relative: str) -> str:
    """The sha256 that wasm-runtimes/manifest.json pins for a quickjs-rs file."""
    digest: str = manifest()["runtimes"]["javascript"]["files"][relative]
    return digest


def guest_cache_path(cache_dir: Path, metered: bool) -> Path:
    return cache_path(cache_dir, "quickjs-guest", pinned_sha256(GUEST_FILE), metered)


def transform_cache_path(cache_dir: Path) -> Path:
    return cache_path(cache_dir, "quickjs-transform", pinned_sha256(TRANSFORM_FILE), True)


def baked_cache_path(cache_dir: Path, metered: bool, image_digest: str) -> Path:
    """Where the guest module with an image baked in is cached (keyed by the image's digest)."""
    label = f"quickjs-baked-{image_digest[:16]}"
    return cache_path(cache_dir, label, pinned_sha256(GUEST_FILE), metered)


def cached_image_digest(cache_dir: Path) -> str | None:
    """The digest of the start-up image in the disk cache (None: there is none yet)."""
    path = image_path(cache_dir, pinned_sha256(GUEST_FILE), prelude_source())
    return snapshot.read_digest(path, _IMAGE_KIND)


def image_path(cache_dir: Path, guest_sha256: str, prelude: str) -> Path:
    prelude_sha256 = hashlib.sha256(prelude.encode("utf-8")).hexdigest()
    name = (
        f"quickjs-template-{guest_sha256[:32]}-{prelude_sha256[:16]}"
        f"-wasmtime{wasmtime_version()}-{_IMAGE_KIND}.bin"
    )
    return cache_dir / name


def load_image(path: Path) -> Snapshot | None:
    """The start-up image from the disk cache; None when absent, torn or not ours."""
    image = snapshot.load(path, _IMAGE_KIND)
    if image is None or set(image.meta) != {"setup_handle", "random_state"}:
        return None
    if not 0 <= image.meta["random_state"] <= image.size - 8:
        return None
    if not 0 < image.globals.get("__stack_pointer", 0) <= image.size:
        return None
    return image


def save_image(image: Snapshot, path: Path) -> None:
    snapshot.save(image, path, _IMAGE_KIND)


class _StartupImage:
    """The start-up image of one cache folder: one per process, shared by both builds."""

    _lock = threading.Lock()
    _found: ClassVar[dict[Path, _StartupImage]] = {}

    def __init__(self, path: Path) -> None:
        self.path = path
        self._read: list[Snapshot | None] = []
        self._reader: threading.Thread | None = threading.Thread(
            target=lambda: self._read.append(load_image(path)),
            name="embedsandbox-js-image",
            daemon=True,
        )
        self._reader.start()
        self._image: Snapshot | None = None
        self.done = False
        self._image_lock = threading.Lock()

    @classmethod
    def get(cls, path: Path) -> _StartupImage:
        with cls._lock:
            found = cls._found.get(path)
            if found is None:
                found = cls._found[path] = _StartupImage(path)
            return found

    def image(self, build: Callable[[], Snapshot | None]) -> Snapshot | None:
        """The image from the disk cache, else `build()`'s, stored there."""
        if not self.done:
            with self._image_lock:
                if not self.done:
                    reader, self._reader = self._reader, None
                    if reader is not None:
                        reader.join()
                    image = self._read[0] if self._read else None
                    if image is None:
                        image = build()
                        if image is not None:
                            save_image(image, self.path)
                    self._image = image
                    self.done = True
        return self._image


class WasmRuntime:
    """One per build (fuel-metered or not) and process: the guest module and its linker.

    The metered build also holds the TypeScript transformer, loaded on first use (which keeps
    it off the first JavaScript run of a process). Unmetered runs use it too: its fuel bounds
    host work on untrusted input.
    """

    _lock = threading.Lock()
    _instances: ClassVar[dict[bool, WasmRuntime]] = {}

    def __init__(self, cache_dir: Path, metered: bool) -> None:
        self.metered = metered
        self._cache_dir = cache_dir
        verify_runtime("javascript", cache_dir)
        self.guest_sha256 = pinned_sha256(GUEST_FILE)
        self.build_id = bytes.fromhex(self.guest_sha256)
        self.prelude = prelude_source()
        # Read and checked (~2 ms) while the guest module deserializes: both release the GIL.
        self._startup = _StartupImage.get(image_path(cache_dir, self.guest_sha256, self.prelude))
        self.guest_module = load_module(
            metered,
            guest_cache_path(cache_dir, metered),
            qjs.read_guest_wasm,
            self.guest_sha256,
            GUEST_FILE,
            _REMEDY,
        )
        self._transform: tuple[wasmtime.Module, wasmtime.Linker] | None = None
        self._cached_dirs = {cache_dir}
        self.guest_linker = qjs.guest_linker(engine_for(metered))
        self._baked: wasmtime.Module | None = None
        self._baked_done = False
        self._baked_lock = threading.Lock()
        # Offsets of the pages a tiny run writes first (see `fresh_guest`); set by the engine.
        self.hot_pages: tuple[int, ...] | None = None
        self._transform_lock = threading.Lock()

    def new_instance(self, *, memory: int, deadline_s: float) -> qjs.GuestInstance:
        """A fresh guest instance of this build (blank: no image restored yet)."""
        return qjs.GuestInstance(
            module=self.guest_module,
            linker=self.guest_linker,
            metered=self.metered,
            build_id=self.build_id,
            memory=memory,
            deadline_s=deadline_s,
        )

    def fresh_guest(
        self, *, memory: int, deadline_s: float, prefault: bool = False
    ) -> qjs.GuestInstance:
        """A guest ready for a run: the start-up image in place (baked, else restored).

        `prefault`: fault in the pages a run writes first (for guests made ahead of demand).
        Call `image()` first off a guest thread: building it runs guest code.
        """
        image = self.image()
        baked = self.baked() if image is not None else None
        inst = qjs.GuestInstance(
            module=baked if baked is not None else self.guest_module,
            linker=self.guest_linker,
            metered=self.metered,
            build_id=self.build_id,
            memory=memory,
            deadline_s=deadline_s,
        )
        try:
            if image is not None:
                inst.prepare(image, restore=baked is None)
                if prefault and self.hot_pages:
                    inst.prefault(self.hot_pages)
        except BaseException:
            inst.close()
            raise
        return inst

    def baked(self) -> wasmtime.Module | None:
        """The guest module with the start-up image baked in (None: it could not be baked)."""
        if not self._baked_done:
            with self._baked_lock:
                if not self._baked_done:
                    image = self.image()
                    if image is not None:
                        try:
                            self._baked = load_module(
                                self.metered,
                                baked_cache_path(self._cache_dir, self.metered, image.digest),
                                lambda: self._bake(image),
                                None,
                                "the baked JavaScript guest",
                                _REMEDY,
                            )
                        except BakeError:
                            logger.warning("the start-up image cannot be baked", exc_info=True)
                    self._baked_done = True
        return self._baked

    def _bake(self, image: Snapshot) -> bytes:
        wasm = qjs.read_guest_wasm()
        if hashlib.sha256(wasm).hexdigest() != self.guest_sha256:
            msg = f"refusing to bake {GUEST_FILE}: its sha256 is not the one the manifest pins"
            raise RuntimeUnavailableError(msg)
        fresh = self.new_instance(memory=256 << 20, deadline_s=60.0)
        try:
            blank = bytes(fresh.mem.read(fresh.store, 0, fresh.memory_size()))
        finally:
            fresh.close()
        return bake_snapshot(wasm, image, blank)

    def image(
        self, build: Callable[[Callable[[], Snapshot | None]], Snapshot | None] | None = None
    ) -> Snapshot | None:
        """The start-up image: from the disk cache, else built and stored there.

        Building runs guest code: off a guest thread, pass `build=run_on_guest_thread`.
        """
        return self._startup.image(
            lambda: build(self._build_image) if build else self._build_image()
        )

    def _build_image(self) -> Snapshot | None:
        """Start a guest, evaluate the prelude, and snapshot it (None: runs evaluate it)."""
        made: list[qjs.GuestInstance] = []

        def factory() -> qjs.GuestInstance:
            inst = self.new_instance(memory=256 << 20, deadline_s=60.0)
            made.append(inst)
            return inst

        with TICKER.active():
            ctx = qjs.new_context(factory)
            try:
                ctx.register_host_function(qjs.HOST_FN_NAME, 1)
                setup = ctx.eval_handle(self.prelude)
                probe = ctx.eval_handle("(function () { return Math.random(); })")
                inst = made[0]
                before = bytes(inst.mem.read(inst.store, 0, inst.memory_size()))
                probe.call().dispose()
                probe.dispose()
                after = bytes(inst.mem.read(inst.store, 0, inst.memory_size()))
                offset = _find_random_state(before, after)
                if offset is None:
                    return None
                image = bytes(inst.mem.read(inst.store, 0, inst.memory_size()))
                fresh = self.new_instance(memory=256 << 20, deadline_s=60.0)
                try:
                    blank = bytes(fresh.mem.read(fresh.store, 0, fresh.memory_size()))
                finally:
                    fresh.close()
                return snapshot.take(
                    image,
                    blank,
                    globals={"__stack_pointer": inst.stack_pointer()},
                    meta={"setup_handle": qjs.handle_id(setup), "random_state": offset},
                )
            except Exception:
                return None
            finally:
                ctx.close()

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
                    module = load_module(
                        True,
                        transform_cache_path(self._cache_dir),
                        qjs.read_transform_wasm,
                        pinned_sha256(TRANSFORM_FILE),
                        TRANSFORM_FILE,
                        _REMEDY,
                    )
                    loaded = self._transform = (module, qjs.transform_linker(engine_for(True)))
        return loaded

    def metered_build(self) -> WasmRuntime:
        """The metered build's runtime (this one, if it is metered)."""
        return self if self.metered else WasmRuntime.get(self._cache_dir, metered=True)

    @classmethod
    def get(cls, cache_dir: Path, metered: bool) -> WasmRuntime:
        """The process-wide runtime of a build; a cache dir first seen later is filled from it."""
        inst = cls._instances.get(metered)
        if inst is None or cache_dir not in inst._cached_dirs:
            with cls._lock:
                inst = cls._instances.get(metered)
                if inst is None:
                    inst = cls._instances[metered] = WasmRuntime(cache_dir, metered)
                elif cache_dir not in inst._cached_dirs:
                    guest = guest_cache_path(cache_dir, metered)
                    if not guest.is_file():
                        store_module(inst.guest_module, guest)
                    if metered:
                        transform_module, _ = inst.transform()
                        transform = transform_cache_path(cache_dir)
                        if not transform.is_file():
                            store_module(transform_module, transform)
                    inst._fill_image(cache_dir)
                    inst._cached_dirs.add(cache_dir)
        return inst

    def _fill_image(self, cache_dir: Path) -> None:
        """Store this process's start-up image, and its baked guest if made, in `cache_dir`."""
        if not self._startup.done:
            return  # made later, for the first folder only: the next process finds none
        image = self._startup.image(lambda: None)
        if image is None:
            return
        path = image_path(cache_dir, self.guest_sha256, self.prelude)
        if not path.is_file():
            save_image(image, path)
        baked = self._baked
        if baked is not None:
            target = baked_cache_path(cache_dir, self.metered, image.digest)
            if not target.is_file():
                store_module(baked, target)

    @classmethod
    def loaded(cls) -> bool:
        """Whether both builds, their baked guests and the transformer are loaded here."""
        metered, plain = cls._instances.get(True), cls._instances.get(False)
        if metered is None or plain is None or metered._transform is None:
            return False
        return metered._baked_done and plain._baked_done


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
