"""The trap-handler check (`_core/_signals.py`): a guest never runs when a trap would not
reach wasmtime."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from embedsandbox._engines._core import _signals


def test_all_handlers_are_wasmtimes_in_a_process_that_ran_a_guest() -> None:
    import wasmtime

    wasmtime.Store(wasmtime.Engine())  # wasmtime installs its handlers with the first Engine
    assert _signals.replaced_trap_handler() is None


def test_a_foreign_or_unreadable_handler_counts_as_replaced() -> None:
    _signals.replaced_trap_handler()
    assert _signals._libc is not None
    wasmtime_base = _signals._libc.wasmtime
    assert wasmtime_base is not None
    assert _signals.replaced_trap_handler(lambda signum: None) == "SIGSEGV"
    assert _signals.replaced_trap_handler(lambda signum: wasmtime_base) is None
    sigill = _signals.signal.SIGILL
    assert _signals.replaced_trap_handler(lambda n: wasmtime_base if n != sigill else 1) == "SIGILL"

    def broken(signum: int) -> int:
        raise OSError("no sigaction")

    assert _signals.replaced_trap_handler(broken) == "SIGSEGV"


SCRIPT = textwrap.dedent(
    """
    import faulthandler
    from embedsandbox import Sandbox
    from embedsandbox.errors import RuntimeUnavailableError

    CODE = {"javascript": "console.log('ran')", "python": "print('ran')"}
    with Sandbox(store=":memory:") as sb:
        for language, code in CODE.items():
            print(language, sb.run_script(language=language, code=code).stdout.strip())
        faulthandler.enable()  # after the first run: it takes SIGSEGV from wasmtime
        for language, code in CODE.items():
            try:
                sb.run_script(language=language, code=code)
            except RuntimeUnavailableError as exc:
                print(language, "refused:", exc)
        faulthandler.disable()  # gives wasmtime its handlers back
        for language, code in CODE.items():
            print(language, sb.run_script(language=language, code=code).stdout.strip())
    """
)


def test_guests_are_refused_while_faulthandler_holds_the_trap_signals() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["javascript ran", "python ran"]
    for line, language in zip(lines[2:4], ("javascript", "python"), strict=True):
        assert line.startswith(f"{language} refused: wasmtime's handler for SIGSEGV"), line
        assert "faulthandler.disable() undoes it" in line
    assert lines[4:] == ["javascript ran", "python ran"]
