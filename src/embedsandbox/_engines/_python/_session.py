"""`PythonSession`: one Python guest kept for a session's calls (`EngineSession`).

The guest starts as a run's would (a fresh guest from the state, the session's files laid out,
its memory cap and disk quota set) and then takes one turn per call: the bootstrap's
`session(job)` runs the call's code in the session's own namespace (`_guest/python_bootstrap.py`),
so globals, imports and files stay for the next call. Each call has its own fuel, deadline,
output cap, stdin and door (`JobDoor`: the egress gateway, the function's result). A call
that ends by a limit or a trap leaves the session dead: what a guest held after a trap is
not trusted.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING

from ...errors import ConfigurationError, SnapshotError
from .._base import Entry, Invocation, RawOutcome, SessionCall
from .._core import discard_later, run_on_guest_thread
from .._core._build import wasmtime_version
from .._core._outfiles import collect
from .._core._saved import memory_runs, pack, restore_memory, unpack
from ._doors import JobDoor

if TYPE_CHECKING:
    from ._engine import PythonEngine
    from ._wasi_python import Guest, TurnResult

__all__ = ["PythonSession"]

_UNCAPPED_FUEL = 2**62


class PythonSession:
    """See the module doc. Made (and run) on guest threads; one call at a time."""

    def __init__(
        self, engine: PythonEngine, invocation: Invocation, saved: bytes | None = None
    ) -> None:
        """A new session's guest; or, with `saved` (`save()`'s bytes), that one again."""
        self._engine = engine
        self._invocation = invocation
        self._first = saved is None
        self.dead = False
        guest: Guest = run_on_guest_thread(lambda: engine._make_guest_here(invocation.packages))
        self._guest: Guest | None = guest
        self.engine_id = f"python {guest.state_key} wasmtime{wasmtime_version()}"
        limits = invocation.limits
        started = guest.start(
            files=dict(invocation.files) if saved is None else {},
            memory_bytes=limits.memory_limit_bytes,
            disk_bytes=limits.disk_bytes,
            disk_files=limits.disk_files,
        )
        if not started:
            self.close()
            msg = "the session's files are over its disk quota (disk_bytes or disk_files)"
            raise ConfigurationError(msg)
        self._open_at_start = _open_files(guest)
        if saved is not None:
            try:
                self._restore(guest, saved)
            except BaseException:
                self.close()
                raise

    def _restore(self, guest: Guest, saved: bytes) -> None:
        header, parts = unpack(saved)
        if header.get("engine") != self.engine_id:
            msg = (
                f"this session was saved by another engine build ({header.get('engine')}); "
                f"this one is {self.engine_id}"
            )
            raise SnapshotError(msg)
        guest.disk.load(header["disk"], parts["disk"])
        store = guest._store
        try:
            restore_memory(
                guest._exports["memory"], store, int(header["memory_size"]), parts["memory"]
            )
        except ValueError as e:
            msg = f"the saved Python session cannot be resumed: {e}"
            raise ConfigurationError(msg) from None
        for name, value in header["globals"].items():
            guest._exports[name].set_value(store, int(value))

    def save(self) -> bytes:
        """The guest, between calls, as bytes (`PythonSession(..., saved=...)` resumes it).

        Its memory (the pages written since its state), mutable globals and disk. Refused
        while the code holds files open that it did not start with (they cannot move).
        """
        guest = self._guest
        if guest is None or self.dead:
            msg = "this Python session's guest was closed"
            raise RuntimeError(msg)
        if _open_files(guest) > self._open_at_start:
            msg = "the session holds files open; close them (f.close(), with open(...)) to save"
            raise ConfigurationError(msg)
        store = guest._store
        size, runs = memory_runs(guest._exports["memory"], store)
        listing, data = guest.disk.dump()
        header = {
            "engine": self.engine_id,
            "memory_size": size,
            "globals": {n: int(guest._exports[n].value(store)) for n in guest._rt.global_names},
            "disk": listing,
        }
        return pack(header, {"memory": runs, "disk": data})

    def _job(self, call: SessionCall) -> bytes:
        job: dict[str, object] = {
            "code": call.code,
            "function": call.function,
            "input": call.input_json,
            "max_output_bytes": call.limits.max_output_bytes,
            "stdin": _b64(call.stdin),
            "interactive": call.interactive,
        }
        if self._first:  # the session's environment, arguments and imports, once
            inv = self._invocation
            job["env"], job["args"] = dict(inv.env), list(inv.args)
            job["imports"] = list(inv.packages.imports) if inv.packages else []
        return json.dumps(job).encode()

    def run(self, call: SessionCall, /) -> RawOutcome:
        """Run one call; see the module doc."""
        from ._engine import _outcome

        guest = self._guest
        if guest is None or self.dead:
            msg = "this Python session's guest was closed"
            raise RuntimeError(msg)
        entry: Entry = "function" if call.function else "script"
        door = JobDoor(
            Invocation(
                language="python",
                code=call.code,
                entry=entry,
                input_json=call.input_json,
                limits=call.limits,
                host_call=call.host_call,
            )
        )
        door.job = self._job(call)
        self._first = False
        limits = call.limits
        cancel = threading.Event()
        files = RawOutcome(0, "", "")

        def turn() -> TurnResult:
            done = guest.call(
                job=door.job,
                host=door,
                fuel=limits.fuel if limits.fuel is not None else _UNCAPPED_FUEL,
                deadline_s=limits.deadline_s,
                output_bytes=limits.max_output_bytes,
                cancel=cancel,
            )
            if call.output_files:
                collect(guest.disk.entries(), call.output_files, limits, files)
            return done

        done: TurnResult = run_on_guest_thread(turn, cancel=cancel)
        raw = _outcome(done, door)
        raw.files, raw.files_left_out = files.files, files.files_left_out
        raw.files_left_out_count = files.files_left_out_count
        if done.trapped is not None or raw.limit_hit is not None:
            self.dead = True
        return raw

    def close(self) -> None:
        """Free the guest. Idempotent."""
        self.dead = True
        guest, self._guest = self._guest, None
        if guest is not None:
            discard_later(guest.discard)


def _open_files(guest: Guest) -> int:
    table = guest._table
    return int(table.open_now()) if table is not None else 0


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")
