"""`JavaScriptSession`: one QuickJS guest kept for a session's calls (`EngineSession`).

The guest is set up as a run's is (the prelude's `setup`, the session's env, args and files)
on the metered build, so every call's fuel is counted. Each call's code is evaluated as a
global script, asynchronously (`await` works at its top level; its `let`, `const`, `class`
and `function` declarations stay for the next call; TypeScript has its types stripped
first); the prelude's `settle` takes its promise (and calls the named function after it),
the event loop runs until no job or timer is left, and `callEnd` gives the exit code. A
syntax error or an uncaught error is the call's (exit 1). A call that ends by a limit, a
trap or `process.exit` leaves the session dead: the guest was stopped mid-call.
"""

from __future__ import annotations

import dataclasses
import time

from ...errors import ConfigurationError, SnapshotError
from .._base import Entry, Invocation, LimitHit, RawOutcome, SessionCall
from .._core import TICKER, run_on_guest_thread
from .._core._saved import memory_runs, pack, restore_memory, unpack
from . import _quickjs as qjs
from ._run import Run, _Stream
from ._runtime import WasmRuntime
from ._typescript import TransformFailed, strip_types

__all__ = ["JavaScriptSession"]

_UNLIMITED_FUEL = 2**62


class JavaScriptSession:
    """See the module doc. Made (and run) on guest threads; one call at a time."""

    def __init__(self, rt: WasmRuntime, invocation: Invocation, saved: bytes | None = None) -> None:
        """A new session's guest; or, with `saved` (`save()`'s bytes), that one again."""
        self._rt = rt
        self._run = Run(rt, dataclasses.replace(invocation, code="", entry="script"))
        self._calls = 0
        self.dead = False
        self._harness: qjs.QjsHandle | None = None
        image = rt.image()
        self.engine_id = f"javascript {rt.build_id.hex()[:32]} {image.digest if image else '-'}"
        run_on_guest_thread(lambda: self._start(saved))

    def _start(self, saved: bytes | None) -> None:
        run = self._run
        with TICKER.active():
            run._prepare_main()
            run._ctx = qjs.new_context(run._new_instance)
            if saved is None:
                self._harness = run._setup(run._ctx)
                return
        # The guest's context is one per instance, all of it in memory: its pages and stack
        # pointer put back, the harness is the same guest handle as before.
        header, parts = unpack(saved)
        if header.get("engine") != self.engine_id:
            run.release()
            msg = (
                f"this session was saved by another engine build ({header.get('engine')}); "
                f"this one is {self.engine_id}"
            )
            raise SnapshotError(msg)
        inst = run.inst
        if inst is None:  # pragma: no cover - new_context made it
            msg = "no guest instance to resume into"
            raise RuntimeError(msg)
        try:
            restore_memory(inst.mem, inst.store, int(header["memory_size"]), parts["memory"])
        except ValueError as e:
            run.release()
            msg = f"the saved JavaScript session cannot be resumed: {e}"
            raise ConfigurationError(msg) from None
        inst.sp.set_value(inst.store, int(header["sp"]))
        self._harness = qjs.adopt_handle(inst, int(header["harness"]), run._ctx)
        self._calls = int(header["calls"])

    def save(self) -> bytes:
        """The guest, between calls, as bytes (`JavaScriptSession(..., saved=...)` resumes it)."""
        run, harness = self._run, self._harness
        inst = run.inst
        if harness is None or self.dead or inst is None:
            msg = "this JavaScript session's guest was closed"
            raise RuntimeError(msg)
        size, runs = memory_runs(inst.mem, inst.store)
        header = {
            "engine": self.engine_id,
            "memory_size": size,
            "sp": inst.stack_pointer(),
            "harness": qjs.handle_id(harness),
            "calls": self._calls,
        }
        return pack(header, {"memory": runs})

    def run(self, call: SessionCall, /) -> RawOutcome:
        """Run one call; see the module doc."""
        raw: RawOutcome = run_on_guest_thread(lambda: self._call(call))
        return raw

    def _call(self, call: SessionCall) -> RawOutcome:
        run, harness = self._run, self._harness
        if harness is None or self.dead or run.inst is None or run._ctx is None:
            msg = "this JavaScript session's guest was closed"
            raise RuntimeError(msg)
        self._calls += 1
        limits = call.limits
        entry: Entry = "function" if call.function else "script"
        run.inv = dataclasses.replace(
            run.inv,
            code=call.code,
            entry=entry,
            limits=limits,
            host_call=call.host_call,
            output_files=call.output_files,
            input_json=call.input_json,
        )
        run.deadline = time.monotonic() + limits.deadline_s
        run.stdout, run.stderr = _Stream(limits.max_output_bytes), _Stream(limits.max_output_bytes)
        run.exit_code = run.limit = run.result = None
        run.stopped = False
        run.output_files = RawOutcome(0, "", "")
        inst = run.inst
        fuel = limits.fuel if limits.fuel is not None else _UNLIMITED_FUEL
        run.user_fuel = fuel
        inst.attach(run, memory=run.inv.limits.memory_limit_bytes, deadline_s=limits.deadline_s)
        inst.store.set_fuel(fuel)
        name = f"<call {self._calls}>"
        with TICKER.active():
            try:
                harness.call_method("begin", call.stdin.decode("utf-8", errors="replace"))
                code = call.code
                if run.inv.language == "typescript":
                    code = strip_types(self._rt, name + ".ts", code, run.remaining())
                promise = run._ctx.eval_handle(code, promise=True, filename=name)
            except TransformFailed as e:
                return self._refused(f"SyntaxError: {e}")
            except qjs.JSError as e:  # a syntax error: nothing of the call ran
                return self._refused(_error_line(e))
            except (qjs.GuestStop, qjs.GuestDead, Exception) as e:
                run._classify_failure(e)
                self.dead = True
                return run._outcome(fuel_used=run._fuel_used())
            try:
                harness.call_method("settle", promise, call.function, call.input_json)
                run.settle(harness)
                ended = harness.call_method("callEnd").to_python()
                run._check_deadline()
                if run.exit_code is None:
                    run.exit_code = int(ended) if isinstance(ended, int) else 1
                if call.output_files and run.limit is None:
                    run._collect_files(harness)
            except (qjs.GuestStop, qjs.GuestDead, Exception) as e:
                run._classify_failure(e)
        raw = run._outcome(fuel_used=run._fuel_used())
        if run.stopped or raw.limit_hit is not None or inst.dead:
            self.dead = True
        return raw

    def _refused(self, line: str) -> RawOutcome:
        run = self._run
        run._guest_error(line)
        run.exit_code = 1
        if run.remaining() <= 0:
            run.limit = LimitHit.EXECUTION_TIMEOUT
            self.dead = True
        return run._outcome(fuel_used=0)

    def close(self) -> None:
        """Free the guest. Idempotent."""
        self.dead = True
        self._harness = None
        run_on_guest_thread(self._run.release)


def _error_line(error: Exception) -> str:
    parts = [str(part) for part in error.args[:2] if part]
    return ": ".join(parts) if parts else "SyntaxError"
