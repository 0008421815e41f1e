"""The Python guest's host doors: what `_host.call(message)` in the guest is answered with.

Two doors per guest, one per turn. `BootDoor` serves our warm-up turn (the bootstrap and its
settings, nothing of any job); `JobDoor` serves the job's turn: the job itself (code, input,
env, args, stdin), the function's result, the memory report, the HTTP shim, and every other
message to `Invocation.host_call` (the egress gateway). Guest-controlled input: neither ever
raises, and each message and the number of calls are capped.
"""

from __future__ import annotations

import base64
import json
from importlib import resources
from typing import Protocol

from .._base import Invocation
from .._core._door import MAX_DOOR_CALLS, MAX_DOOR_MESSAGE_BYTES, FunctionResult, read_result, split
from .._waiting import waiting

__all__ = ["BOOT_SOURCE", "DOOR_CALLS", "DOOR_MESSAGE_BYTES", "HTTP_SHIM", "BootDoor", "JobDoor"]

BOOT_SOURCE = resources.files("embedsandbox._guest").joinpath("python_bootstrap.py").read_text()

# The most host-door calls one run is served (`_host.call`, framed as `_core/_door.py`
# says: HTTP requests, the job, the result). Past it every call is refused with an error
# reply, the run goes on; the result and the memory report are always taken.
DOOR_CALLS = MAX_DOOR_CALLS


# The largest host-door message read (HTTP requests carry their body in it, base64: a
# 10 MiB body fits). A bigger one is refused unread: parsing JSON costs the host many times
# the message's size in objects.
DOOR_MESSAGE_BYTES = MAX_DOOR_MESSAGE_BYTES


def _door_refused() -> bytes:
    message = f"this run made more than {DOOR_CALLS} host calls (its cap); the call was refused"
    return json.dumps({"error": message}).encode()


class BootCode(Protocol):
    """Where the bootstrap's compiled bytecode is kept (`WasmRuntime`)."""

    boot_code: bytes | None

    def keep_boot_code(self, code: bytes) -> None: ...


# The guest's HTTP shim (`_guest/python_http.py`), as the door's reply to `shim:http`.
HTTP_SHIM = json.dumps(
    {"source": resources.files("embedsandbox._guest").joinpath("python_http.py").read_text()}
).encode()


class BootDoor:
    """The warm-up turn's door: our bootstrap and its settings, nothing of any job.

    It also serves the HTTP shim, for a revision's `additional_python_imports` that import
    http.client, urllib3 or httpx ahead of the job.
    """

    def __init__(self, rt: BootCode, path: list[str], imports: list[str]) -> None:
        self._rt = rt
        self._warm = json.dumps([path, imports]).encode()

    def __call__(self, request: bytes) -> bytes:
        op, payload = split(request)
        if op == b"boot":
            return self._rt.boot_code or b""
        if op == b"warm":
            return self._warm
        if op == b"source":
            return BOOT_SOURCE.encode()
        if op == b"shim":
            return HTTP_SHIM
        if op == b"code" and self._rt.boot_code is None:
            # The compile turn: our bootstrap, compiled by a guest that has run nothing else.
            self._rt.keep_boot_code(bytes(payload))
            return b"ok"
        return b""


class JobDoor:
    """Serves one guest's host-door messages. Guest-controlled input: never raises.

    `job` is the job's message (JSON), which the guest asks for (op "job") or is handed.
    """

    def __init__(self, invocation: Invocation) -> None:
        self.job = json.dumps(
            {
                "code": invocation.code,
                "entry": invocation.entry,
                "input": invocation.input_json,
                "max_output_bytes": invocation.limits.max_output_bytes,
                "env": dict(invocation.env),
                "args": list(invocation.args),
                "stdin": base64.b64encode(invocation.stdin).decode(),
                "imports": list(invocation.packages.imports) if invocation.packages else [],
            }
        ).encode()
        self._host_call = invocation.host_call
        self.entry = invocation.entry
        self.max_output_bytes = invocation.limits.max_output_bytes
        self.result: FunctionResult | None = None
        self.memory_error = False
        self.calls = 0

    def __call__(self, request: bytes) -> bytes:
        self.calls += 1
        if len(request) > DOOR_MESSAGE_BYTES:
            refusal = (
                f"the host call's message is {len(request)} bytes, over its cap of "
                f"{DOOR_MESSAGE_BYTES}; the call was refused"
            )
            return json.dumps({"error": refusal}).encode()
        op, payload = split(request)
        if op == b"result":
            if self.result is None:
                text = payload.decode("utf-8", errors="replace")
                self.result = read_result(text, self.max_output_bytes)
            return b""
        if op == b"limit":
            self.memory_error = self.memory_error or payload == b"memory_size"
            return b""
        if self.calls > DOOR_CALLS:
            return _door_refused()
        if op == b"job":
            return self.job
        if op == b"shim":
            return HTTP_SHIM
        if op == b"host" and self._host_call is not None:
            try:
                with waiting():  # HTTP through the egress gateway: no core needed
                    return self._host_call(payload)
            except Exception:
                return b'{"error": "internal error in the host"}'
        return b'{"error": "unknown request"}'
