"""One JavaScript run: the host door the guest talks through, and the loop that drives it.

A `Run` owns one guest instance for one invocation: it installs the run's limits, hands the
prelude its configuration, drives the event loop (microtasks, timers) until the program ends,
and turns what happened (exit, limit, trap, function result) into a `RawOutcome`.
"""

from __future__ import annotations

import base64
import ctypes
import json
import os
import posixpath
import time
from collections.abc import Callable
from typing import Final

import wasmtime

from .._base import Invocation, LimitHit, OutputStatus, RawOutcome
from .._core import TICKER, check_trap_handlers
from .._core._door import MAX_DOOR_CALLS, FunctionResult, read_result, split
from .._core._outcome import outcome
from .._core._outfiles import Entry, collect
from .._waiting import waiting
from . import _quickjs as qjs
from ._modules import Modules
from ._node_modules import NodeModules
from ._runtime import WasmRuntime
from ._typescript import TransformFailed, strip_types

__all__ = ["MAX_HOST_CALLS", "Run"]

# "Unlimited" fuel when the invocation has no fuel cap (well inside wasmtime's i64 range).
_UNLIMITED_FUEL: Final = 1 << 62
# A trap with less headroom than this under the memory cap is reported as MEMORY_SIZE.
_MEMORY_HEADROOM: Final = 4 << 20
# Max random bytes per guest request (crypto.getRandomValues' own limit).
_MAX_RANDOM_BYTES: Final = 65536
# Host calls (fetch) per run; past it the guest gets a "limit" error reply and the host
# callback is not called (its per-call work and records stay bounded).
MAX_HOST_CALLS: Final = MAX_DOOR_CALLS
_HOST_CALLS_SPENT: Final = json.dumps(
    {
        "error": f"this execution has made its {MAX_HOST_CALLS} host calls; no more are allowed",
        "kind": "limit",
    }
)
# What a guest may report with `limit:` (it saw the limit itself, e.g. an allocation failed).
_GUEST_LIMITS: Final = {"memory_size": LimitHit.MEMORY_SIZE, "disk_size": LimitHit.DISK_SIZE}
# Output: a stream's small writes are joined every this many parts (bounded host overhead).
_STREAM_JOIN_PARTS: Final = 256


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


class Run:
    """One execution: host-side state and the event loop that drives the guest."""

    def __init__(
        self, rt: WasmRuntime, inv: Invocation, prepared: qjs.GuestInstance | None = None
    ) -> None:
        self.rt = rt
        self.inv = inv
        # A warm instance from a pool (image loaded, no run's data), used for this run only.
        self._prepared = prepared
        self._ctx: qjs.QjsContext | None = None
        self.deadline = time.monotonic() + inv.limits.deadline_s
        self.stdout = _Stream(inv.limits.max_output_bytes)
        self.stderr = _Stream(inv.limits.max_output_bytes)
        self.exit_code: int | None = None
        self.limit: LimitHit | None = None
        self.result: FunctionResult | None = None
        self.stopped = False
        self.main_name = "main.ts" if inv.language == "typescript" else "main.js"
        self.files = {posixpath.normpath(k).lstrip("/"): v for k, v in inv.files.items()}
        self.user_fuel: int | None = None
        self.inst: qjs.GuestInstance | None = None
        self.host_calls = 0
        self.output_files = RawOutcome(0, "", "")  # `output_files`, once the run finished
        packages = inv.packages
        node_modules = None
        if packages is not None and packages.node_modules is not None:
            node_modules = NodeModules(packages.node_modules)
        self.modules = Modules(
            self.main_name,
            self.files,
            node_modules,
            lambda name, source: strip_types(self.rt, name, source, self.remaining()),
        )

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    # ------------------------------------------------------------------ host door
    def on_host_message(self, message: str) -> str | None:
        """Serve one framed door message (`_core/_door.py`); may stop the guest."""
        if self.stopped:
            raise qjs.GuestStop
        op, payload = split(message)
        if op == "out":
            self._write(self.stdout, payload)
        elif op == "err":
            self._write(self.stderr, payload)
        elif op == "exit":
            self._stop(exit_code=int(payload) & 0xFF if payload.lstrip("-").isdigit() else 1)
        elif op == "limit":
            limit = _GUEST_LIMITS.get(payload)
            if limit is None:
                msg = "unknown limit"
                raise ValueError(msg)
            self._stop(exit_code=1, limit=limit)
        elif op == "result":
            self._on_result(payload)
        elif op == "host":
            return self._on_host_call(payload)
        elif op == "require":
            return self.modules.require(payload)
        elif op == "random":
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
        op = ctypes.string_at(address, 4)
        stream = self.stdout if op == b"out:" else self.stderr if op == b"err:" else None
        if stream is None:
            return length
        keep = 4 + (stream.cap - stream.size) + 5
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
        raise qjs.GuestStop

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
        self.result = read_result(payload, self.inv.limits.max_output_bytes)
        if self.result.limit is not None:
            self._stop(exit_code=1, limit=self.result.limit)

    def _on_host_call(self, request: str) -> str | None:
        host_call = self.inv.host_call
        if host_call is None:
            return None
        self.host_calls += 1
        if self.host_calls > MAX_HOST_CALLS:
            return _HOST_CALLS_SPENT
        try:
            with waiting():  # fetch through the egress gateway: no core needed
                reply = host_call(request.encode("utf-8"))
            return bytes(reply).decode("utf-8", errors="replace")
        except Exception:
            return None  # the guest raises a generic "host call failed"

    # ------------------------------------------------------------------ the guest's host
    def interrupt(self) -> bool:
        return self.stopped or time.monotonic() >= self.deadline

    def normalize(self, base: str, spec: str) -> str | None:
        return self.modules.normalize(base, spec)

    def load(self, name: str) -> str | None:
        return self.modules.load(name)

    # ------------------------------------------------------------------ the run
    def execute(self) -> RawOutcome:
        """Run the guest and free it."""
        try:
            return self.run_guest()
        finally:
            self.release()

    def run_guest(self) -> RawOutcome:
        """Run the guest; its instance stays allocated until `release()`."""
        check_trap_handlers()
        with TICKER.active():
            try:
                self._prepare_main()
            except TransformFailed as e:
                self.exit_code = 1
                if self.remaining() <= 0:
                    self.limit = LimitHit.EXECUTION_TIMEOUT
                else:
                    self._guest_error(f"SyntaxError: {e}")
                return self._outcome(fuel_used=0 if self.rt.metered else None)
            try:
                self._ctx = qjs.new_context(self._new_instance)
                harness = self._setup(self._ctx)
                self._drive(harness)
                if self.inv.output_files and self.limit is None and not self.stopped:
                    self._collect_files(harness)
            except (qjs.GuestStop, qjs.GuestDead, Exception) as e:
                self._classify_failure(e)
            return self._outcome(fuel_used=self._fuel_used())

    def _collect_files(self, harness: qjs.QjsHandle) -> None:
        """`output_files`, from the guest's in-memory `fs` (a run that finished only)."""
        listing = json.loads(harness.call_method("listFiles").to_python())

        def reader(path: str) -> Callable[[], bytes]:
            def read() -> bytes:
                data = harness.call_method("fileData", path).to_python()
                self._check_deadline()
                if not isinstance(data, str) or not data:
                    return b""
                if data[0] == "b":
                    return base64.b64decode(data[1:])
                return data[1:].encode("utf-8", "surrogatepass")

            return read

        entries = [
            Entry(path, int(size), reader(path))
            for path, size in listing
            if isinstance(path, str) and isinstance(size, int)
        ]
        collect(entries, self.inv.output_files, self.inv.limits, self.output_files)

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
            code = strip_types(self.rt, self.main_name, code, self.remaining())
        if self.inv.entry == "function":
            # Module scope hides a plain `function execute` from the harness; expose it.
            code += (
                '\n;globalThis[Symbol.for("embedsandbox.execute")] = '
                'typeof execute === "function" ? execute : undefined;\n'
            )
        self.modules.main_source = code

    def _new_instance(self) -> qjs.GuestInstance:
        cap = self.inv.limits.memory_limit_bytes
        inst, self._prepared = self._prepared, None
        if inst is not None:
            if inst.fits(cap):
                self.inst = inst
                inst.attach(self, memory=cap, deadline_s=self.remaining())
                return inst
            # A cap below the image: a fresh instance fails the same way it always has.
            inst.close()
        inst = self.rt.fresh_guest(memory=cap, deadline_s=self.remaining())
        self.inst = inst
        inst.attach(self, memory=cap, deadline_s=self.remaining())
        return inst

    def _instance(self) -> qjs.GuestInstance:
        if self.inst is None:  # pragma: no cover - set by QjsContext() before any use
            raise qjs.GuestDead
        return self.inst

    def _setup(self, ctx: qjs.QjsContext) -> qjs.QjsHandle:
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
            self.modules.node_modules is not None,
            inv.limits.disk_bytes,
            inv.limits.disk_files,
        ]
        image = inst.image
        if image is not None:
            setup = qjs.adopt_handle(inst, image.meta["setup_handle"], ctx)
        else:
            ctx.register_host_function(qjs.HOST_FN_NAME, 1)
            setup = ctx.eval_handle(self.rt.prelude)
        config_json = json.dumps(config, ensure_ascii=True)
        if not self.rt.metered:
            return setup.call(config_json)
        # Parsing the configuration (stdin, files, input) is our set-up work, not the user's:
        # budget it by size (JSON.parse costs well under 200 fuel per byte).
        inst.store.set_fuel(qjs.SETUP_FUEL + 200 * len(config_json))
        harness = setup.call(config_json)
        # From here on the guest runs user code: install the user's fuel budget.
        fuel = inv.limits.fuel
        self.user_fuel = _UNLIMITED_FUEL if fuel is None else max(0, min(fuel, _UNLIMITED_FUEL))
        inst.store.set_fuel(self.user_fuel)
        return harness

    def _drive(self, harness: qjs.QjsHandle) -> None:
        harness.call_method("run")
        self.settle(harness)
        code = harness.call_method("finish").to_python()
        self._check_deadline()
        if self.exit_code is None:
            self.exit_code = int(code) if isinstance(code, int) else 1

    def settle(self, harness: qjs.QjsHandle) -> None:
        """Run jobs and timers until none is left (or the deadline passes)."""
        inst = self._instance()
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

    def _drain_jobs(self, inst: qjs.GuestInstance) -> None:
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
            raise qjs.GuestStop

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
            isinstance(error, qjs.JSError) and "out of memory" in str(error.args[1:2])
        ):
            self.limit = LimitHit.MEMORY_SIZE
        else:
            self._guest_error("InternalError: the JavaScript engine stopped unexpectedly")

    def _guest_error(self, line: str) -> None:
        if self.stderr.size < self.stderr.cap:
            self.stderr.parts.append(line + "\n")
        if self.inv.entry == "function" and self.result is None:
            self.result = FunctionResult(OutputStatus.ERROR)

    def _sp_low(self) -> bool:
        inst = self.inst
        try:
            return inst is not None and inst.stack_pointer() < (64 << 10)
        except Exception:
            return False

    def _near_memory_cap(self) -> bool:
        inst = self.inst
        if inst is None:
            return False
        try:
            size = inst.memory_size()
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
        raw = outcome(
            entry=self.inv.entry,
            exit_code=self.exit_code,
            stdout=self.stdout.text(),
            stderr=self.stderr.text(),
            fuel_used=fuel_used,
            limit=self.limit,
            result=self.result,
        )
        found = self.output_files
        raw.files, raw.files_left_out = found.files, found.files_left_out
        raw.files_left_out_count = found.files_left_out_count
        return raw
