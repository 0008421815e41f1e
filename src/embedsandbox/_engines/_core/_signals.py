"""Whether wasmtime's trap handlers still take the signals a guest's trap raises (Linux).

wasmtime turns a guest's out-of-bounds access, stack overflow or integer fault into a wasm
trap with signal handlers (SIGSEGV and SIGILL; SIGFPE too on x86-64) that it installs with the
first Engine, chaining to any handler installed before. A handler installed after that
(`faulthandler.enable()`, `signal.signal`, a native crash reporter) takes the signal first, and
a hostile guest's trap would then end or hang the whole process. So every entry into a guest
checks, by `sigaction` and `dladdr`, that each of those handlers still lies in wasmtime's
library, and the call is refused (`TrapHandlersReplaced`) if one does not. The check costs a
few microseconds; other systems are not checked (wasmtime uses Mach ports on macOS).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

from ...errors import RuntimeUnavailableError
from ._wasmtime import library_address

__all__ = [
    "TrapHandlersReplaced",
    "check_trap_handlers",
    "keep_trap_handlers",
    "replaced_trap_handler",
]

TRAP_SIGNALS: Final = ("SIGSEGV", "SIGILL") + (
    ("SIGFPE",) if os.uname().machine == "x86_64" else ()
)


class TrapHandlersReplaced(RuntimeUnavailableError):
    """wasmtime's handler for a trap signal was replaced; no guest may run in this process."""


class _DlInfo(ctypes.Structure):
    _fields_ = (
        ("dli_fname", ctypes.c_char_p),
        ("dli_fbase", ctypes.c_void_p),
        ("dli_sname", ctypes.c_char_p),
        ("dli_saddr", ctypes.c_void_p),
    )


class _Libc:
    """`sigaction` and `dladdr` as private prototypes (no argtypes set on shared attributes)."""

    def __init__(self) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        vp = ctypes.c_void_p
        self.sigaction = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, vp, vp)(("sigaction", libc))
        self.dladdr = ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.POINTER(_DlInfo))(("dladdr", libc))
        self.wasmtime = self.load_base(library_address())
        self.known: set[int | None] = set()
        self._local = threading.local()
        self.numbers = tuple((name, int(getattr(signal, name))) for name in TRAP_SIGNALS)

    def load_base(self, address: int | None) -> int | None:
        """The load base of the shared object holding `address`; None for none (or SIG_DFL/IGN)."""
        if not address or address == 1:
            return None
        info = _DlInfo()
        if not self.dladdr(address, ctypes.byref(info)):
            return None
        return info.dli_fbase or None

    def handler_base(self, signum: int) -> int | None:
        """The load base of the object holding `signum`'s handler."""
        try:
            buf, handler = self._local.buf
        except AttributeError:  # one buffer per thread: runs check from several at once
            buf = (ctypes.c_char * 1024)()  # larger than any struct sigaction
            # The handler is the first word of `struct sigaction` in glibc and musl alike.
            handler = ctypes.c_void_p.from_buffer(buf)
            self._local.buf = (buf, handler)
        if self.sigaction(signum, None, buf) != 0:
            return None
        address = handler.value
        if address in self.known:
            return self.wasmtime
        base = self.load_base(address)
        if address is not None and base is not None and base == self.wasmtime:
            self.known.add(address)  # dladdr once per handler, not per run
        return base


_libc: _Libc | None = None


def replaced_trap_handler(handler_base: Callable[[int], int | None] | None = None) -> str | None:
    """The first trap signal whose handler is not wasmtime's, or None when all are.

    Only on Linux; anything that fails counts as replaced (`SIGSEGV`). `handler_base` stands in
    for reading a signal's handler, for tests.
    """
    global _libc
    if not sys.platform.startswith("linux"):
        return None
    try:
        if _libc is None:
            _libc = _Libc()
        read = handler_base or _libc.handler_base
        for name, number in _libc.numbers:
            if _libc.wasmtime is None or read(number) != _libc.wasmtime:
                return name
    except Exception:
        return TRAP_SIGNALS[0]
    return None


def check_trap_handlers() -> None:
    """Raise `TrapHandlersReplaced` unless a guest's trap would reach wasmtime.

    Call it on entry into a guest, after an Engine exists (wasmtime installs its handlers then).
    """
    name = replaced_trap_handler()
    if name is not None:
        msg = (
            f"wasmtime's handler for {name} was replaced after the first guest ran (by "
            "faulthandler.enable(), signal.signal or a native crash reporter); a trap in a guest "
            "would end or hang this process, so the run was refused. If faulthandler.enable() "
            "was called after the first run, faulthandler.disable() undoes it; otherwise "
            "install crash reporters before the first run, or restart the process"
        )
        raise TrapHandlersReplaced(msg)


@contextmanager
def keep_trap_handlers() -> Iterator[None]:
    """Put back, on leaving, wasmtime's trap handlers that the code inside replaced.

    For code that installs a crash reporter while guests already ran here (Ray's
    `ray.init` installs absl's failure signal handler for SIGSEGV, SIGILL, SIGFPE): each trap
    signal whose handler is wasmtime's on entry gets that exact `sigaction` back on exit if
    it changed. wasmtime's handler passes a fault that is not a guest's on to the handler it
    found when it was installed, so a real crash still reaches that one; the new reporter
    only loses these signals. A signal whose handler is not wasmtime's on entry (no Engine
    yet) is left alone: wasmtime will chain to the new handler when it installs its own.
    """
    global _libc
    saved: list[tuple[int, ctypes.Array[ctypes.c_char]]] = []
    if sys.platform.startswith("linux"):
        if _libc is None:
            _libc = _Libc()
        for _name, number in _libc.numbers:
            if _libc.wasmtime is not None and _libc.handler_base(number) == _libc.wasmtime:
                action = (ctypes.c_char * 1024)()  # larger than any struct sigaction
                if _libc.sigaction(number, None, action) == 0:
                    saved.append((number, action))
    try:
        yield
    finally:
        libc = _libc
        for number, action in saved:
            if libc is not None and libc.handler_base(number) != libc.wasmtime:
                libc.sigaction(number, action, None)
