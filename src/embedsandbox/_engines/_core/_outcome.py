"""How a guest ended, as a `RawOutcome`: the same rules for every interpreter.

Each engine finds the facts its own way (an exit code, a trap, a limit it saw, the function
result the guest reported through the door); `outcome` applies the rules every run shares:

- no exit code (the guest was stopped) is exit code 1, and so is exit 0 with a limit hit;
- a function result over output_bytes is the limit `output_size`;
- a function's `output_status` is the guest's report, unless a limit was hit or nothing was
  reported: then it is `error`; the output JSON is kept only when the status is `valid`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import wasmtime

from .._base import Entry, LimitHit, OutputStatus, RawOutcome
from ._door import FunctionResult, read_result

__all__ = ["STOPS", "GuestFacts", "facts_outcome", "outcome", "record_trap"]

STOPS: Final = {
    "output": LimitHit.OUTPUT_SIZE,
    "disk": LimitHit.DISK_SIZE,
    "deadline": LimitHit.EXECUTION_TIMEOUT,
}
"""The limit of each reason a host shadow stops a guest with (`_wasi.GuestStop.reason`)."""
_TRAP_LINES: Final[dict[object, str]] = {
    wasmtime.TrapCode.STACK_OVERFLOW: "the guest's stack overflowed (stack level too deep)\n",
}


@dataclass(slots=True)
class GuestFacts:
    """The facts of one finished guest or call, before the shared rules (`outcome`).

    For the guests whose outputs the host collects itself (Ruby, PHP).
    """

    exit_code: int | None
    stdout: bytes
    stderr: bytes
    fuel_used: int
    limit: LimitHit | None
    result: str | None  # a function's `result:` payload
    note: str = ""  # a line for stderr: what stopped a guest that could not say
    files: RawOutcome | None = None  # `output_files`: what the guest left behind


def record_trap(
    facts: GuestFacts, trap: wasmtime.Trap, lines: dict[object, str] | None = None
) -> None:
    """What a trap says about how the guest ended: a limit (fuel, deadline) or a note.

    `lines`: an engine's own stderr line for a trap code (its language's words for it).
    """
    code = trap.trap_code
    if code == wasmtime.TrapCode.INTERRUPT:
        facts.limit = LimitHit.EXECUTION_TIMEOUT
    elif code == wasmtime.TrapCode.OUT_OF_FUEL:
        facts.limit = LimitHit.FUEL
    else:
        default = f"embedsandbox: the guest was stopped by a WebAssembly trap: {trap}\n"
        known: dict[object, str] = {**_TRAP_LINES, **(lines or {})}
        facts.note = known.get(code, default) if code is not None else default


def facts_outcome(facts: GuestFacts, entry: Entry, max_output_bytes: int) -> RawOutcome:
    """The outcome of a finished guest or call from its facts, by the shared rules."""
    stderr = facts.stderr.decode("utf-8", errors="replace")
    if facts.note:
        if stderr and not stderr.endswith("\n"):
            stderr += "\n"
        stderr += facts.note
    result = None
    if entry == "function" and facts.result is not None:
        result = read_result(facts.result, max_output_bytes)
    raw = outcome(
        entry=entry,
        exit_code=facts.exit_code,
        stdout=facts.stdout.decode("utf-8", errors="replace"),
        stderr=stderr,
        fuel_used=facts.fuel_used,
        limit=facts.limit,
        result=result,
    )
    if facts.files is not None:
        raw.files, raw.files_left_out = facts.files.files, facts.files.files_left_out
        raw.files_left_out_count = facts.files.files_left_out_count
    return raw


def outcome(
    *,
    entry: Entry,
    exit_code: int | None,
    stdout: str,
    stderr: str,
    fuel_used: int | None,
    limit: LimitHit | None,
    result: FunctionResult | None,
) -> RawOutcome:
    """The outcome of a finished guest (see the module doc)."""
    if limit is None and result is not None:
        limit = result.limit
    code = 1 if exit_code is None else exit_code
    if limit is not None and code == 0:
        code = 1
    raw = RawOutcome(
        exit_code=code, stdout=stdout, stderr=stderr, fuel_used=fuel_used, limit_hit=limit
    )
    if entry == "function":
        status = OutputStatus.ERROR if result is None or limit is not None else result.status
        raw.output_status = status
        if status is OutputStatus.VALID and result is not None:
            raw.output_json = result.output_json
    return raw
