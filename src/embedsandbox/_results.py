"""From an engine's outcome to the API's responses, the same for runs, tools and sessions.

`run_limits` converts `Limits` to the engines' units; `respond` shapes a `RawOutcome` into an
`ExecuteResponse` (redacted, the limit's stderr line added, the returned files encoded) and
`function_response` into an `ExecuteFunctionResponse`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ._engines._base import RawOutcome, RunLimits
from ._secrets import redact
from .models import (
    ExecuteFunctionResponse,
    ExecuteResponse,
    LeftOutFile,
    LimitHit,
    OutputFile,
    OutputStatus,
)

__all__ = ["function_response", "redact_json", "respond", "run_limits"]

_LIMIT_LINES: dict[LimitHit, Callable[[RunLimits], str]] = {
    LimitHit.EXECUTION_TIMEOUT: lambda lim: f"execution_timeout of {lim.deadline_s:g} s",
    LimitHit.MEMORY_SIZE: lambda lim: f"memory_size of {lim.memory_limit_bytes >> 20} MiB",
    LimitHit.FUEL: lambda lim: f"fuel of {lim.fuel} instructions",
    LimitHit.OUTPUT_SIZE: lambda lim: f"output_bytes of {lim.max_output_bytes} bytes per stream",
    LimitHit.DISK_SIZE: lambda lim: (
        f"disk_bytes of {lim.disk_bytes} bytes / disk_files of {lim.disk_files} files"
    ),
}


def run_limits(merged: Mapping[str, Any]) -> RunLimits:
    """`Limits` fields (every one set) in the engines' units."""
    return RunLimits(
        deadline_s=float(merged["execution_timeout"]),
        memory_limit_bytes=int(merged["memory_size"]) << 20,
        fuel=merged["fuel"],
        max_output_bytes=int(merged["output_bytes"]),
        disk_bytes=int(merged["disk_bytes"]),
        disk_files=int(merged["disk_files"]),
        output_files_bytes=int(merged["output_files_bytes"]),
        output_file_bytes=int(merged["output_file_bytes"]),
        output_files_count=int(merged["output_files_count"]),
    )


def function_response(
    raw: RawOutcome, execution: ExecuteResponse, redaction_values: tuple[str, ...]
) -> ExecuteFunctionResponse:
    """The API's function response for an engine's outcome (the output redacted)."""
    status = raw.output_status or OutputStatus.ERROR
    output = json.loads(raw.output_json) if raw.output_json is not None else None
    if status is not OutputStatus.VALID:
        output = None
    elif redaction_values:
        output = redact_json(output, redaction_values)
    return ExecuteFunctionResponse(output=output, output_status=status, execution=execution)


def respond(
    raw: RawOutcome,
    limits: RunLimits,
    redaction_values: tuple[str, ...],
    execution_id: str,
    started_at: datetime,
    duration_ms: int,
) -> ExecuteResponse:
    """The API's response for an engine's outcome: redacted, with the limit's stderr line."""
    stdout, stderr = raw.stdout, raw.stderr
    if redaction_values:
        # Defence in depth: the gateway never shows a credential to the guest, but if an
        # upstream echoed one in a form the gateway could not catch, it stops here.
        stdout = redact(stdout, redaction_values)
        stderr = redact(stderr, redaction_values)
    if raw.limit_hit is not None:
        line = _LIMIT_LINES[raw.limit_hit](limits)
        if stderr and not stderr.endswith("\n"):
            stderr += "\n"
        stderr += f"embedsandbox: the run was ended by its limit: {line}\n"
    return ExecuteResponse(
        id=execution_id,
        exit_code=raw.exit_code,
        stdout=stdout,
        stderr=stderr,
        duration=duration_ms,
        started_at=started_at,
        fuel_used=raw.fuel_used,
        limit_hit=raw.limit_hit,
        files=[_output_file(path, data) for path, data in raw.files],
        files_left_out=[LeftOutFile(path=p, reason=r) for p, r in raw.files_left_out],
        files_left_out_count=raw.files_left_out_count,
    )


def _output_file(path: str, data: bytes) -> OutputFile:
    try:
        return OutputFile(path=path, contents=data.decode("utf-8"), encoding="utf-8")
    except UnicodeDecodeError:
        text = base64.b64encode(data).decode("ascii")
        return OutputFile(path=path, contents=text, encoding="base64")


def redact_json(value: Any, values: tuple[str, ...]) -> Any:
    """`value` (parsed JSON) with every credential in `values` redacted from its strings."""
    if isinstance(value, str):
        return redact(value, values)
    if isinstance(value, list):
        return [redact_json(item, values) for item in value]
    if isinstance(value, dict):
        return {redact(k, values): redact_json(v, values) for k, v in value.items()}
    return value
