"""How a guest ended, as a `RawOutcome`: the same rules for every interpreter.

Each engine finds the facts its own way (an exit code, a trap, a limit it saw, the function
result the guest reported through the door); `outcome` applies the rules every run shares:

- no exit code (the guest was stopped) is exit code 1, and so is exit 0 with a limit hit;
- a function result over output_bytes is the limit `output_size`;
- a function's `output_status` is the guest's report, unless a limit was hit or nothing was
  reported: then it is `error`; the output JSON is kept only when the status is `valid`.
"""

from __future__ import annotations

from .._base import Entry, LimitHit, OutputStatus, RawOutcome
from ._door import FunctionResult

__all__ = ["outcome"]


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
