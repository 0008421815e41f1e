"""Memory slots: a store and a guest state's memory, put back to the state for the next guest.

A guest made from a memory module (`_split.py`) gets its memory mapped copy-on-write from the
module's image: every page the run touches is faulted in by the run (about 300 for a Python
hello-world, ~1.3 ms on a 2-core VM), and the store's mappings are made and torn down each
time. A `Slot` keeps the store and that memory for the next guest of the same state instead:
when a guest is discarded, every page it wrote is copied back from a *reference* instance of
the state (one per state and process, never run, whose pages are the image's own), and the
next guest runs on it with a new WASI context. Its pages are then already resident: no
faults. When the code module is reusable (`_split.REUSABLE`: its code changes nothing of
its instance but memory and globals), the slot keeps its code instance too, with its
mutable globals set back to a fresh instance's values (`Slot.instance`, `Slot.globals`):
a fresh instance's first turn runs about 1.3 ms slower (wasmtime fills in its tables
lazily), and every instance left in a store stays there until the store is closed.

What makes a page "written" is read from Linux's /proc/self/pagemap: a page of the mapping
that is present and not file-backed (the memory's own copy) or swapped out. Every such page
is copied back, whatever it holds, so a reset memory equals the state's byte for byte
(`tests/core/test_slots.py` checks it after runs that write everywhere). A slot is not
reused, only closed, when: the memory grew (a wasm memory cannot shrink), the pagemap
cannot be read, it has served `MAX_GUESTS` guests (each leaves its instances in the store
until it is closed), or the reset fails in any way.

wasmtime's pooling allocator does the same for its slots (`linear_memory_keep_resident`,
with Linux's PAGEMAP_SCAN); its C API does not expose the parts needed here (resetting a
slot to a state's image on the embedder's terms), so this is ours.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

import wasmtime

from ._snapshot import PAGE, pagemap_flags
from ._wasmtime import memory_address

__all__ = ["MAX_GUESTS", "Slot", "Slots", "written_pages", "written_runs"]

MAX_GUESTS: Final = 8
"""Guests one store serves before it is closed (each leaves its instances in it)."""

_KEEP: Final = 8  # reset slots kept ready per state

# The top byte of a pagemap entry: bit 63 present, 62 swapped, 61 file-page or shared-anon.
# Written = (present and not file) or swapped.
_WRITTEN: Final = bytes(
    1 if (top & 0x80 and not top & 0x20) or top & 0x40 else 0 for top in range(256)
)


def written_runs(base: int, size: int) -> list[tuple[int, int]] | None:
    """(offset, length) of the runs of pages in [base, base + size) this process wrote."""
    top = pagemap_flags(base, size)
    if top is None:
        return None
    flags = top.translate(_WRITTEN)  # 1 for a written page, else 0
    runs = []
    at = flags.find(1)
    while at >= 0:
        end = flags.find(0, at)
        if end < 0:
            end = len(flags)
        runs.append((at * PAGE, (end - at) * PAGE))
        at = flags.find(1, end)
    return runs


def written_pages(base: int, size: int) -> list[int] | None:
    """Offsets of the pages in [base, base + size) this process wrote (see the module doc)."""
    runs = written_runs(base, size)
    if runs is None:
        return None
    return [at + i for at, length in runs for i in range(0, length, PAGE)]


@dataclass(eq=False)
class Slot:
    """A store with a state's memory in it, for one guest at a time."""

    key: str
    store: wasmtime.Store
    memory: wasmtime.Memory
    size: int
    guests: int = 0
    # The code instance the next guest reuses (None: it instantiates its own), and the
    # mutable globals to set back for it, with a fresh instance's values.
    instance: Any = None
    globals: list[tuple[wasmtime.Global, Any]] = field(default_factory=list)

    def keep_instance(self, instance: Any, names: Iterable[str]) -> None:
        """Keep `instance` (fresh: no turn yet) and its globals `names` for the next guests."""
        exports = instance.exports(self.store)
        found = [exports[name] for name in names]
        if not all(isinstance(g, wasmtime.Global) for g in found):  # pragma: no cover - ours
            msg = "a code module's mutable globals are not globals"
            raise TypeError(msg)
        self.globals = [(g, g.value(self.store)) for g in found]
        self.instance = instance


class Slots:
    """The reset slots of each state, and the reference instances they are reset from."""

    def __init__(self, engine: wasmtime.Engine) -> None:
        self._engine = engine
        self._free: dict[str, list[Slot]] = {}
        self._references: dict[str, tuple[wasmtime.Store, int, int]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def take(self, key: str) -> Slot | None:
        """A reset slot of the state `key`, or None (the caller makes a new store)."""
        with self._lock:
            free = self._free.get(key)
            return free.pop() if free else None

    def new(self, key: str, store: wasmtime.Store, module: wasmtime.Module) -> Slot:
        """A slot whose memory is a fresh instance of the state's memory module."""
        memory = wasmtime.Instance(store, module, []).exports(store)["memory"]
        if not isinstance(memory, wasmtime.Memory):  # pragma: no cover - our modules
            msg = "a memory module exports no memory"
            raise TypeError(msg)
        self._reference(key, module)
        return Slot(key, store, memory, memory.data_len(store))

    def _reference(self, key: str, module: wasmtime.Module) -> tuple[wasmtime.Store, int, int]:
        with self._lock:
            found = self._references.get(key)
            if found is None:
                store = wasmtime.Store(self._engine)
                memory = wasmtime.Instance(store, module, []).exports(store)["memory"]
                if not isinstance(memory, wasmtime.Memory):  # pragma: no cover - our modules
                    msg = "a memory module exports no memory"
                    raise TypeError(msg)
                found = (store, memory_address(memory, store), memory.data_len(store))
                self._references[key] = found
            return found

    def give(self, slot: Slot) -> bool:
        """Reset `slot` to its state and keep it for the next guest; False: close its store.

        Called once the guest is done with it (no turn running).
        """
        slot.guests += 1
        if slot.guests >= MAX_GUESTS or self._closed:
            return False
        try:
            store, memory = slot.store, slot.memory
            if memory.data_len(store) != slot.size:
                return False  # it grew: a fresh guest's memory is the state's size
            reference = self._references.get(slot.key)
            if reference is None or reference[2] != slot.size:
                return False
            base = memory_address(memory, store)
            runs = written_runs(base, slot.size)
            if runs is None:
                return False
            source = reference[1]
            for offset, length in runs:
                ctypes.memmove(base + offset, source + offset, length)
            for g, value in slot.globals:
                g.set_value(store, value)
        except Exception:
            return False
        with self._lock:
            free = self._free.setdefault(slot.key, [])
            if len(free) >= _KEEP or self._closed:
                return False
            free.append(slot)
        return True

    def close(self) -> list[Slot]:
        """Stop keeping slots; the kept ones are returned for their stores to be closed."""
        with self._lock:
            self._closed = True
            kept = [slot for free in self._free.values() for slot in free]
            self._free.clear()
            return kept
