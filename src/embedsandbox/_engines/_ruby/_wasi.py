"""The Ruby guest's host-side state: the core's WASI host plus ruby.wasm's handle tables.

The WASI shadows (output and disk caps, links refused, deadline-bounded sleeps) are the
core's (`_core/_wasi.py`); a Ruby guest's host state adds the `rb-abi-value` handle table
of the legacy canonical ABI and the door's replies (`_door.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import wasmtime

from .._core._wasi import (
    FORWARD_WAT,
    GuestStop,
    WasiHost,
    define_shadows,
    read_memory,
    write_memory,
)

__all__ = [
    "FORWARD_WAT",
    "GuestStop",
    "Handles",
    "HostState",
    "define_shadows",
    "read_memory",
    "write_memory",
]


class Handles:
    """The host's table of `rb-abi-value` handles (the legacy canonical ABI's resources)."""

    def __init__(self) -> None:
        self._values: dict[int, int] = {}
        self._next = 1  # 0 is never a handle

    def new(self, value: int) -> int:
        """A new handle for the guest's VALUE."""
        handle = self._next
        self._next += 1
        self._values[handle] = value
        return handle

    def dump(self) -> dict[str, object]:
        """The table, for a saved session (`load` puts it back)."""
        return {"values": {str(k): v for k, v in self._values.items()}, "next": self._next}

    def load(self, saved: dict[str, Any]) -> None:
        self._values = {int(k): int(v) for k, v in saved["values"].items()}
        self._next = int(saved["next"])

    def get(self, handle: int) -> int:
        """The VALUE of `handle` (a trap for one never handed out)."""
        value = self._values.get(handle)
        if value is None:
            msg = f"unknown rb-abi-value handle {handle}"
            raise wasmtime.Trap(msg)
        return value


class HostState(WasiHost):
    """One Ruby guest's host-side state: the core's, its handles, the door and its replies."""

    def __init__(
        self,
        *,
        max_output_bytes: int,
        deadline: float,
        disk_bytes: int,
        disk_files: int,
        door: Callable[[bytes], bytes] | None = None,
    ) -> None:
        super().__init__(
            max_output_bytes=max_output_bytes,
            deadline=deadline,
            disk_bytes=disk_bytes,
            disk_files=disk_files,
        )
        self.handles_table = Handles()
        # The host door (`_door.py`): what answers the guest's messages, and the replies
        # the guest still holds, by js-abi-value handle.
        self.door = door
        self.replies: dict[int, bytes] = {}
        self.reply_count = 0
        self.reply_bytes = 0  # what `replies` holds, in bytes
        self.realloc: Any = None  # the guest's `cabi_realloc` export, once instantiated

    @staticmethod
    def handles() -> Handles:
        """The handle table of the guest being served."""
        return HostState.current().handles_table
