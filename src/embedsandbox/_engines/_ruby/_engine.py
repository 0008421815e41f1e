"""`RubyEngine`: runs Ruby invocations, one fresh guest each, from a cached guest state.

A *guest state* is the memory of a guest after `_initialize`, `ruby-init` (with
`--disable-gems`: 50-100 ms, so never per run) and our prelude (`_guest/ruby_prelude.rb`,
which also loads json, set and stringio), compiled as a memory module (`_core/_split.py`) and
cached on disk beside the code module. Every guest is a new store with the state's memory
mapped copy-on-write and the code module instantiated on it (~1 ms), then one eval of
`EmbedSandbox.run(job)`, then the store is closed.

What the state fixes for every guest, and how a run gets its own:
- ENV and ARGV are read once by ruby-init: the prelude replaces them with the job's;
- the preopened folders (wasi-libc keeps its table in memory): a state is taken with exactly
  the runs' list, one folder at `/`, which each run fills with its own files;
- the String hash seed: all guests share it (hash flooding is predictable across guests).
  The default Random is not in it: no state code uses it, so Ruby seeds it on first use
  from the guest's own `random_get` (tests check two guests differ);
- the memory size: it is the floor of a run's memory cap, so the state is built under a
  small cap (`_STATE_MEMORY_CAP`), which makes Ruby start with a small heap.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import shutil
import threading
import time
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Final

import wasmtime

from ...errors import ConfigurationError, RuntimeUnavailableError, SnapshotError
from .._base import Invocation, LimitHit, RawOutcome, SessionCall
from .._core import (
    TICKER,
    check_not_forked,
    discard_later,
    load_module,
    new_store,
    run_on_guest_thread,
)
from .._core._folders import lay_out, new_folder, remove, stdin_file
from .._core._outcome import STOPS, GuestFacts, facts_outcome, record_trap
from .._core._outfiles import collect, folder_entries
from .._core._saved import folder_tar, memory_runs, pack, restore_memory, unpack, untar_folder
from ._door import RubyDoor
from ._fetch import build_files
from ._rubywasm import INIT_ARGS, TAG_RAISE, Build, Instance
from ._wasi import GuestStop, HostState

__all__ = ["HTTP_SOURCE", "PRELUDE_SOURCE", "RubyEngine", "RubySession"]

logger = logging.getLogger("embedsandbox")

PRELUDE_SOURCE: Final = (
    resources.files("embedsandbox._guest").joinpath("ruby_prelude.rb").read_text("utf-8")
)
HTTP_SOURCE: Final = (
    resources.files("embedsandbox._guest").joinpath("ruby_http.rb").read_text("utf-8")
)
# Bump when a state holds something the prelude's source and the init args do not show.
STATE_VERSION: Final = 1
# The state is built under this cap: Ruby sizes its heap to fit, and the state's memory
# (about 40 MiB) is the least any run can have.
_STATE_MEMORY_CAP: Final = 48 << 20
_UNCAPPED_FUEL: Final = 2**62  # fuel is counted for every run (one metered build)
_FATAL_OOM: Final = "[FATAL] failed to allocate memory"


_TRAP_LINES: Final[dict[object, str]] = {
    wasmtime.TrapCode.STACK_OVERFLOW: (
        "SystemStackError: stack level too deep (the guest's stack overflowed)\n"
    ),
}


class RubyEngine:
    """Runs Ruby invocations in fresh ruby.wasm guests. Thread-safe.

    `cache_dir` (`<cache>/ruby`) holds the build fetched from npm, its licence files, the
    compiled code module (25-60 s to compile, once) and the guest state.
    """

    def __init__(self, cache_dir: Path) -> None:
        self._cache_dir = Path(cache_dir)
        self._build: Build | None = None
        self._state: wasmtime.Module | None = None
        self._lock = threading.Lock()

    def _load(self) -> tuple[Build, wasmtime.Module]:
        if self._build is None or self._state is None:
            with self._lock:
                if self._build is None:
                    self._build = Build.get(self._cache_dir)
                if self._state is None:
                    self._state = self._load_state(self._build)
        return self._build, self._state

    def _load_state(self, build: Build) -> wasmtime.Module:
        key = state_key(build.digest)
        what = "the Ruby guest state"

        def make() -> bytes:
            image: bytes = run_on_guest_thread(lambda: _state_image(build))
            return build.memory_module(image)

        path = build.state_path(key)
        module = load_module(True, path, make, None, what, "")
        # States of other keys (an older prelude, another wasmtime) are 40-70 MB each.
        keep = {path.name, build.state_path("initial" + "0" * 25).name}
        for old in build.folder.glob("ruby-state-*.cwasm"):
            if old.name not in keep:
                old.unlink(missing_ok=True)
        return module

    def compiled_in_cache(self) -> bool:
        """Whether the build is fetched and its code module compiled (else ~1 minute)."""
        files = build_files(self._cache_dir)
        if not all(path.is_file() for path in files.values()):
            return False
        try:
            return Build.code_path_of(self._cache_dir).is_file()
        except RuntimeUnavailableError:
            return False

    def warmup(self) -> None:
        """Fetch and compile the build (or load it from the cache) and make the guest state."""
        self.run(Invocation(language="ruby", code="", entry="script"))

    def close(self) -> None:
        """Nothing runs in the background: guests live for one run. Idempotent."""

    def run(self, invocation: Invocation, /) -> RawOutcome:
        """Run one invocation in a fresh guest and report how it ended."""
        check_not_forked("Ruby")  # wasmtime and our threads do not survive a fork
        build, state = self._load()
        done: GuestFacts = run_on_guest_thread(lambda: _run(build, state, invocation))
        return facts_outcome(done, invocation.entry, invocation.limits.max_output_bytes)

    def session(self, invocation: Invocation, /, saved: bytes | None = None) -> RubySession:
        """A guest kept for a session's calls (`EngineSession`), made from the guest state.

        With `saved` (a session's `save()`): that guest again.
        """
        check_not_forked("Ruby")
        build, state = self._load()
        made: RubySession = run_on_guest_thread(
            lambda: RubySession(build, state, invocation, saved)
        )
        return made


def engine_id(build: Build) -> str:
    """The Ruby build, its guest state and the wasmtime that compiled them, as one string."""
    return f"ruby {state_key(build.digest)[:32]} {build.code_path().stem}"


class RubySession:
    """One Ruby guest kept for a session (`EngineSession`): made on a guest thread.

    Its store keeps the session's memory cap; each call sets its own fuel, deadline and
    output cap, runs `EmbedSandbox.call(job)` at the top level (locals, methods and
    `require`s stay for the next call), and collects what it asked for. A call that ends by
    a limit or a trap leaves the session dead: what a guest held after a trap is not trusted.
    """

    def __init__(
        self,
        build: Build,
        state: wasmtime.Module,
        invocation: Invocation,
        saved: bytes | None = None,
    ) -> None:
        """A new session's guest; or, with `saved` (`save()`'s bytes), that one again."""
        limits = invocation.limits
        self.engine_id = engine_id(build)
        self._folder = new_folder("embedsandbox-ruby-")
        self._store: wasmtime.Store | None = None
        self.dead = False
        self._host = HostState(
            max_output_bytes=limits.max_output_bytes,
            deadline=time.monotonic() + limits.deadline_s,
            disk_bytes=limits.disk_bytes,
            disk_files=limits.disk_files,
        )
        header: dict[str, Any] = {}
        parts: dict[str, bytes] = {}
        tag = 0
        try:
            if saved is None:
                files = dict(invocation.files)
                used = sum(len(c.encode("utf-8")) for c in files.values())
                self._host.spend_disk(used, len(files))
                lay_out(self._folder, files)
            else:
                header, parts = unpack(saved)
                if header.get("engine") != self.engine_id:
                    msg = (
                        f"this session was saved by another engine build "
                        f"({header.get('engine')}); this one is {self.engine_id}"
                    )
                    raise SnapshotError(msg)
                untar_folder(parts["files"], self._folder)
                self._host.disk_bytes = int(header["disk_bytes"])
                self._host.disk_files = int(header["disk_files"])
            self._store = new_store(
                True,
                fuel=_UNCAPPED_FUEL,
                memory=limits.memory_limit_bytes,
                deadline_s=limits.deadline_s,
                wasi=_wasi(str(self._folder), None),
            )
            self._guest = Instance.new(build, self._store, state, self._host)
            if saved is None:
                start = {"env": dict(invocation.env), "args": list(invocation.args)}
                with TICKER.active():
                    _, tag = self._guest.eval(prelude_call("start", start))
            else:
                memory = self._guest.memory
                restore_memory(memory, self._store, int(header["memory_size"]), parts["memory"])
                self._host.handles_table.load(header["handles"])
                self._host.replies = {
                    int(k): base64.b64decode(v) for k, v in header["replies"].items()
                }
                self._host.reply_count = int(header["reply_count"])
                self._host.reply_bytes = sum(len(r) for r in self._host.replies.values())
        except SnapshotError:
            self.close()
            raise
        except ValueError as e:  # a saved guest that does not fit (memory_size, say)
            self.close()
            msg = f"the saved Ruby session cannot be resumed: {e}"
            raise ConfigurationError(msg) from None
        except GuestStop as e:
            self.close()
            msg = f"the session's files are over its disk quota ({e.reason})"
            raise ConfigurationError(msg) from None
        except (wasmtime.WasmtimeError, wasmtime.Trap) as e:
            self.close()
            msg = f"a Ruby session needs more memory than its memory_size ({e})"
            raise ConfigurationError(msg) from None
        if tag != 0:
            self.close()
            msg = f"the Ruby session could not start (tag {tag})"
            raise RuntimeUnavailableError(msg)

    def run(self, call: SessionCall, /) -> RawOutcome:
        """Run one call (on a guest thread); see the class doc."""
        done: GuestFacts = run_on_guest_thread(lambda: self._call(call))
        return facts_outcome(
            done, "function" if call.function else "script", call.limits.max_output_bytes
        )

    def _call(self, call: SessionCall) -> GuestFacts:
        store, host, limits = self._store, self._host, call.limits
        if store is None or self.dead:
            msg = "this Ruby session's guest was closed"
            raise RuntimeError(msg)
        fuel = limits.fuel if limits.fuel is not None else _UNCAPPED_FUEL
        store.set_fuel(fuel)
        store.set_epoch_deadline(TICKER.ticks_for(limits.deadline_s))
        host.stdout, host.stderr, host.truncated = bytearray(), bytearray(), False
        host.max_output_bytes = limits.max_output_bytes
        host.deadline = time.monotonic() + limits.deadline_s
        host.door = RubyDoor(call.host_call)
        job = {
            "code": call.code,
            "function": call.function,
            "input": call.input_json,
            "stdin": base64.b64encode(call.stdin).decode("ascii"),
            "interactive": call.interactive,
        }
        done = GuestFacts(None, b"", b"", 0, None, None)
        try:
            _eval(self._guest, prelude_call("call", job), done)
            done.fuel_used = fuel - store.get_fuel()
        finally:
            done.stdout, done.stderr = bytes(host.stdout), bytes(host.stderr)
            if done.limit is None and _FATAL_OOM in done.stderr[-200:].decode("utf-8", "replace"):
                done.limit = LimitHit.MEMORY_SIZE
            if done.limit is not None or done.note or (done.exit_code is None):
                self.dead = True  # stopped mid-call: its state is not trusted
            if call.output_files:
                done.files = RawOutcome(0, "", "")
                collect(folder_entries(self._folder), call.output_files, limits, done.files)
        return done

    def save(self) -> bytes:
        """The guest, between calls, as bytes (`RubySession(..., saved=...)` resumes it).

        Its memory (the pages written since the state), handle tables and folder.
        """
        store = self._store
        if store is None or self.dead:
            msg = "this Ruby session's guest was closed"
            raise RuntimeError(msg)
        if not self._guest.between_evals():  # pragma: no cover - calls end between evals
            msg = "the Ruby guest is not between calls"
            raise RuntimeError(msg)
        size, runs = memory_runs(self._guest.memory, store)
        host = self._host
        header = {
            "engine": self.engine_id,
            "memory_size": size,
            "handles": host.handles_table.dump(),
            "replies": {str(k): base64.b64encode(v).decode() for k, v in host.replies.items()},
            "reply_count": host.reply_count,
            "disk_bytes": host.disk_bytes,
            "disk_files": host.disk_files,
        }
        return pack(header, {"memory": runs, "files": folder_tar(self._folder)})

    def close(self) -> None:
        """Free the guest and its folder. Idempotent."""
        self.dead = True
        store, self._store = self._store, None
        if store is not None:
            discard_later(store.close)
        folder = self._folder
        discard_later(lambda: remove(folder))


def state_key(digest: str) -> str:
    """The name of the guest state, from everything that went into it."""
    settings = [
        digest,
        STATE_VERSION,
        INIT_ARGS,
        PRELUDE_SOURCE,
        HTTP_SOURCE,
        _STATE_MEMORY_CAP,
        "/",
    ]
    return hashlib.sha256(json.dumps(settings).encode()).hexdigest()


def _wasi(folder: str, stdin: str | None) -> wasmtime.WasiConfig:
    wasi = wasmtime.WasiConfig()
    wasi.argv = [INIT_ARGS[0]]
    wasi.env = []  # the job's own environment is set by the prelude
    if stdin is not None:
        wasi.stdin_file = stdin
    # The only preopen, at / (the state's list must be the same: see the module doc).
    wasi.preopen_dir(folder, "/")
    return wasi


def _state_image(build: Build) -> bytes:
    """Initialise a guest from the module's own memory, load the prelude, take its memory."""
    logger.info("embedsandbox: making the Ruby guest state (once per machine)")
    folder = str(new_folder("embedsandbox-ruby-state-"))
    host = HostState(
        max_output_bytes=1 << 20, deadline=time.monotonic() + 120, disk_bytes=0, disk_files=0
    )
    store = new_store(
        True,
        fuel=_UNCAPPED_FUEL,
        memory=_STATE_MEMORY_CAP,
        deadline_s=120,
        wasi=_wasi(folder, None),
    )
    try:
        with TICKER.active():
            guest = Instance.new(build, store, build.initial, host)
            guest.initialize()
            handle, tag = guest.eval(PRELUDE_SOURCE)
            if tag == 0:
                handle, tag = guest.eval(HTTP_SOURCE)
            ok = tag == 0 and guest.between_evals()
        if not ok or host.stdout or host.stderr:
            detail = (host.stderr or host.stdout).decode("utf-8", "replace")[-2000:]
            msg = f"the Ruby guest state could not be made (tag {tag}): {detail}"
            raise RuntimeUnavailableError(msg)
        del handle  # lent to a GC root, as the state's own: nothing of a run
        return guest.memory_image()
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


def _job(invocation: Invocation) -> str:
    job = {
        "code": invocation.code,
        "args": list(invocation.args),
        "env": dict(invocation.env),
        "function": "execute" if invocation.entry == "function" else None,
        "input": invocation.input_json,
    }
    return prelude_call("run", job)


def prelude_call(method: str, job: Mapping[str, object]) -> str:
    """The Ruby source that calls `EmbedSandbox.<method>` with `job` (as JSON)."""
    blob = json.dumps(job).encode("utf-8")  # ASCII: every non-ASCII character escaped
    # Hex digits only: nothing of the job can end the string literal.
    return f'EmbedSandbox.{method}(["{blob.hex()}"].pack("H*"))'


def _run(build: Build, state: wasmtime.Module, invocation: Invocation) -> GuestFacts:
    """One guest, from a new store to its outcome (on a guest thread)."""
    limits = invocation.limits
    fuel = limits.fuel if limits.fuel is not None else _UNCAPPED_FUEL
    folder = new_folder("embedsandbox-ruby-")
    stdin_path: str | None = None
    store: wasmtime.Store | None = None
    host = HostState(
        max_output_bytes=limits.max_output_bytes,
        deadline=time.monotonic() + limits.deadline_s,
        disk_bytes=limits.disk_bytes,
        disk_files=limits.disk_files,
        door=RubyDoor(invocation.host_call),
    )
    done = GuestFacts(None, b"", b"", 0, None, None)
    try:
        files = dict(invocation.files)
        host.spend_disk(sum(len(c.encode("utf-8")) for c in files.values()), len(files))
        lay_out(folder, files)
        if invocation.stdin:
            # Beside the guest's folder, not in it: the guest reads it only as its stdin.
            stdin_path = stdin_file("embedsandbox-ruby-stdin-", invocation.stdin)
        store = new_store(
            True,
            fuel=fuel,
            memory=limits.memory_limit_bytes,
            deadline_s=limits.deadline_s,
            wasi=_wasi(str(folder), stdin_path),
        )
        try:
            guest = Instance.new(build, store, state, host)
        except (wasmtime.WasmtimeError, wasmtime.Trap) as e:
            # The state's memory alone is over the cap.
            done.limit = LimitHit.MEMORY_SIZE
            done.note = f"embedsandbox: a Ruby guest needs more memory than memory_size ({e})\n"
            return done
        _eval(guest, _job(invocation), done)
        done.fuel_used = fuel - store.get_fuel()
    except GuestStop as e:  # before any guest code ran: the files are over the quota
        done.limit = STOPS[e.reason]
    finally:
        done.stdout, done.stderr = bytes(host.stdout), bytes(host.stderr)
        if done.limit is None and _FATAL_OOM in done.stderr[-200:].decode("utf-8", "replace"):
            done.limit = LimitHit.MEMORY_SIZE  # Ruby's GC heap could not grow: a fatal exit
        if invocation.output_files:  # before the folder is removed
            done.files = RawOutcome(0, "", "")
            collect(folder_entries(folder), invocation.output_files, limits, done.files)
        if store is not None:
            discard_later(store.close)
        discard_later(lambda: remove(folder, stdin_path))
    return done


def _eval(guest: Instance, source: str, done: GuestFacts) -> None:
    _eval_job(guest, source, done)
    if guest.grow_refused():  # the memory cap was hit, whatever the guest did after it
        done.limit = LimitHit.MEMORY_SIZE
        done.note = ""


def _eval_job(guest: Instance, source: str, done: GuestFacts) -> None:
    with TICKER.active():
        try:
            handle, tag = guest.eval(source)
            reply = guest.string(handle) if tag == 0 else None
        except GuestStop as e:
            done.limit = STOPS[e.reason]
            return
        except wasmtime.ExitTrap as e:  # exit! (or a fatal error): WASI proc_exit
            done.exit_code = e.code
            return
        except wasmtime.Trap as e:
            record_trap(done, e, _TRAP_LINES)
            return
    if reply is None:  # the prelude itself raised (an error while reporting one)
        done.exit_code = 1
        done.note = f"embedsandbox: the Ruby guest ended with an uncaught error (tag {tag})\n"
        if tag == TAG_RAISE and done.limit is None:
            done.note = "embedsandbox: the Ruby guest ended with an uncaught exception\n"
        return
    head, _, result = reply.decode("utf-8", "replace").partition("\n")
    status, _, nomem = head.partition(" ")
    try:
        done.exit_code = int(status) & 0xFF
    except ValueError:
        done.exit_code = 1
    if nomem == "1":
        done.limit = LimitHit.MEMORY_SIZE
    done.result = result or None
