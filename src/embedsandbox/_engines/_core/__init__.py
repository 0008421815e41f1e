"""The engine core: what every interpreter's engine shares, and nothing that knows one.

- `_build`: the wasmtime Engine per build (metered or not), the compiled-module disk cache,
  stores with fuel, memory cap and deadline, the fork check;
- `_ticker`: the one epoch ticker of the process (the wall-clock backstop);
- `_threads`: the guest threads (large stacks, kept for the next run), and the reaper that
  frees used guests off the callers' paths;
- `_snapshot`: an initialised instance's state, restored into fresh instances;
- `_door`: the host door's framing (op + payload), the same for every guest;
- `_signals`: the check that wasmtime's trap handlers still take a trap's signal;
- `_outcome`: guest facts (exit, trap, limit, function result) -> `RawOutcome`;
- `_wasmtime`: the only module that uses wasmtime-py's private API.

Interpreter adapters (`_engines/_javascript/_quickjs.py`, `_engines/_python/_wasi_python.py`)
build on these; the names below are the core's interface to them.
"""

from ._build import (
    MAX_WASM_STACK,
    cache_path,
    check_not_forked,
    engine_for,
    load_module,
    new_store,
    private_file,
    store_module,
)
from ._signals import TrapHandlersReplaced, check_trap_handlers
from ._snapshot import Snapshot
from ._threads import discard_later, run_on_guest_thread
from ._ticker import TICKER, EpochTicker
from ._wasmtime import LazyExports, fast_caller, lazy_exports, memory_address

__all__ = [
    "MAX_WASM_STACK",
    "TICKER",
    "EpochTicker",
    "LazyExports",
    "Snapshot",
    "TrapHandlersReplaced",
    "cache_path",
    "check_not_forked",
    "check_trap_handlers",
    "discard_later",
    "engine_for",
    "fast_caller",
    "lazy_exports",
    "load_module",
    "memory_address",
    "new_store",
    "private_file",
    "run_on_guest_thread",
    "store_module",
]
