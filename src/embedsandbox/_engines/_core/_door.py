"""The host door's framing: one message in, one reply out, the same for every guest.

A guest talks to the host through one host function (quickjs's `__es`, CPython's
`_host.call`): it sends a message and gets a reply back (or none). A message is

    <op> ":" <payload>

where `op` is 1 to 16 characters of `[a-z_]` and `payload` is everything after the first
colon (text or bytes, as the guest's door carries them). A reply has no framing. Ops every
guest may send (each engine serves the ones its prelude uses):

    out:<text> / err:<text>    write to stdout / stderr (capped by output_bytes)
    exit:<code>                end the run with this exit code
    limit:<name>               the guest hit a limit it saw itself: memory_size, disk_size
    result:<status>:<json>     a function's result; status valid, error (no json) or
                               json_serialization_error (the json is the guest's message)
    host:<message>             for `Invocation.host_call` (the egress gateway's JSON
                               messages, protocol 1); the reply is the gateway's
    random:<n>                 n random bytes, as hex (at most 65536)
    require:<json>             (JavaScript) a package file for require()
    job: / shim:<name>         (Python) the job; a guest-side shim's source
    boot: / warm: / source: / code:<bytes>   (Python, warm-up only) our bootstrap

A message that is not framed, or names an op the door does not serve, is refused (the
engine replies as its guest expects: None or an error object); it never raises into the
guest. `read_result` reads a `result:` payload the same way for every guest, with the
function result counted against output_bytes like a stream.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, overload

from ...models import LimitHit, OutputStatus
from .._waiting import waiting

__all__ = [
    "HOST_ERROR",
    "UNKNOWN_REQUEST",
    "MAX_DOOR_CALLS",
    "HostDoor",
    "MAX_DOOR_MESSAGE_BYTES",
    "OPS",
    "FunctionResult",
    "read_result",
    "split",
]

MAX_DOOR_CALLS: Final = 100_000
"""The most host-door calls one run is served (HTTP requests and the like); past it every
call is refused with an error reply and the run goes on."""
MAX_DOOR_MESSAGE_BYTES: Final = 16 << 20
"""The largest door message read (an HTTP request carries its body in it, base64: a 10 MiB
body fits); a bigger one is refused unread, as parsing JSON costs the host many times its
size."""

UNKNOWN_REQUEST: Final = b'{"error": "unknown request"}'
"""The reply to a message the door does not serve."""
HOST_ERROR: Final = b'{"error": "internal error in the host", "kind": "network"}'
"""The reply when the host's own handler raised (its error never reaches the guest)."""

_OP: Final = re.compile(r"[a-z_]{1,16}")
_OP_BYTES: Final = re.compile(rb"[a-z_]{1,16}")
# Every op of the protocol (see the module doc); a door serves a subset.
OPS: Final = frozenset(
    "out err exit limit result host random require job shim boot warm source code".split()
)
_STATUSES: Final = {
    "valid": OutputStatus.VALID,
    "error": OutputStatus.ERROR,
    "json_serialization_error": OutputStatus.JSON_SERIALIZATION_ERROR,
}


@overload
def split(message: str) -> tuple[str, str]: ...
@overload
def split(message: bytes) -> tuple[bytes, bytes]: ...
def split(message: str | bytes) -> tuple[str, str] | tuple[bytes, bytes]:
    """(op, payload) of a framed message; op is empty when the message is not framed."""
    if isinstance(message, str):
        op, sep, payload = message[:17].partition(":")
        if not sep or not _OP.fullmatch(op):
            return "", message
        return op, message[len(op) + 1 :]
    op_b, sep_b, _ = message[:17].partition(b":")
    if not sep_b or not _OP_BYTES.fullmatch(op_b):
        return b"", message
    return op_b, message[len(op_b) + 1 :]


@dataclass(frozen=True, slots=True)
class FunctionResult:
    """A function's result as the guest reported it (see `read_result`)."""

    status: OutputStatus
    output_json: str | None = None  # the returned value's JSON, when status is VALID
    limit: LimitHit | None = None  # OUTPUT_SIZE when the value is over output_bytes


def read_result(payload: str, max_output_bytes: int) -> FunctionResult:
    """Read a `result:` payload: `<status>:<json>`. Guest-written: never raises.

    The returned value is an output like stdout: over `max_output_bytes` of UTF-8 it is an
    error with the limit `output_size`. A `valid` result whose JSON the host cannot read is
    a `json_serialization_error` (the guest wrote the message itself).
    """
    name, _, text = payload.partition(":")
    status = _STATUSES.get(name, OutputStatus.ERROR)
    if status is not OutputStatus.VALID:
        return FunctionResult(status)
    if (
        len(text) > max_output_bytes // 4
        and len(text.encode("utf-8", "surrogatepass")) > max_output_bytes
    ):
        return FunctionResult(OutputStatus.ERROR, limit=LimitHit.OUTPUT_SIZE)
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return FunctionResult(OutputStatus.JSON_SERIALIZATION_ERROR)
    return FunctionResult(OutputStatus.VALID, text)


class HostDoor:
    """Serves one run's `host:` messages (the egress gateway) within `MAX_DOOR_CALLS`.

    For the guests whose door messages arrive framed (Ruby, PHP); an engine serves the ops of
    its own (a function's `result:`) before handing the rest here. Never raises.
    """

    def __init__(self, host_call: Callable[[bytes], bytes] | None) -> None:
        self._host_call = host_call
        self.calls = 0

    def __call__(self, message: bytes) -> bytes:
        self.calls += 1
        if self.calls > MAX_DOOR_CALLS:
            refusal = f"this run made more than {MAX_DOOR_CALLS} host calls (its cap); refused"
            return json.dumps({"error": refusal, "kind": "limit"}).encode()
        op, payload = split(message)
        if op == b"host" and self._host_call is not None:
            try:
                with waiting():  # HTTP through the egress gateway: no core needed
                    return bytes(self._host_call(payload))
            except Exception:
                return HOST_ERROR
        return UNKNOWN_REQUEST
