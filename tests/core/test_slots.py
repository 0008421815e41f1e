"""Memory slots (`_core/_slots.py`): a reset memory equals the state's, byte for byte."""

from __future__ import annotations

import ctypes
import sys

import pytest
import wasmtime
from hypothesis import given, settings
from hypothesis import strategies as st

from embedsandbox._engines._core import _slots
from embedsandbox._engines._core._split import memory_module
from embedsandbox._engines._core._wasmtime import memory_address

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pagemap is Linux's")

ENGINE = wasmtime.Engine()
PAGES = 4
IMAGE = bytearray(PAGES * 65536)
IMAGE[100:110] = b"state data"
IMAGE[70000:70004] = b"\x01\x02\x03\x04"
IMAGE[3 * 65536 + 5] = 9
MODULE = wasmtime.Module(ENGINE, memory_module(bytes(IMAGE), 100))


def _contents(slot: _slots.Slot) -> bytes:
    return bytes(slot.memory.read(slot.store, 0, slot.memory.data_len(slot.store)))


def _write(slot: _slots.Slot, offset: int, data: bytes) -> None:
    ctypes.memmove(memory_address(slot.memory, slot.store) + offset, data, len(data))


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, PAGES * 65536 - 16), st.binary(min_size=1, max_size=16)),
        max_size=40,
    )
)
def test_a_reset_slot_holds_exactly_the_state(writes: list[tuple[int, bytes]]) -> None:
    slots = _slots.Slots(ENGINE)
    slot = slots.new("k", wasmtime.Store(ENGINE), MODULE)
    assert _contents(slot) == bytes(IMAGE)
    for offset, data in writes:
        _write(slot, offset, data)
    assert slots.give(slot)
    again = slots.take("k")
    assert again is slot
    assert _contents(again) == bytes(IMAGE)
    assert slots.take("k") is None  # one slot, handed out once


def test_written_pages_are_the_pages_written() -> None:
    slots = _slots.Slots(ENGINE)
    slot = slots.new("k", wasmtime.Store(ENGINE), MODULE)
    base = memory_address(slot.memory, slot.store)
    page = 2 * 65536 + 4096 * 3  # zero in the image, untouched so far
    assert slot.memory.read(slot.store, page, page + 8) == bytearray(8)  # read: not written
    assert page not in (_slots.written_pages(base, slot.size) or ())
    _write(slot, page + 7, b"x")
    assert page in (_slots.written_pages(base, slot.size) or ())


def test_a_grown_or_worn_slot_is_not_kept() -> None:
    slots = _slots.Slots(ENGINE)
    grown = slots.new("k", wasmtime.Store(ENGINE), MODULE)
    grown.memory.grow(grown.store, 1)
    assert not slots.give(grown), "a wasm memory cannot shrink back to the state's size"
    worn = slots.new("k", wasmtime.Store(ENGINE), MODULE)
    worn.guests = _slots.MAX_GUESTS - 1
    assert not slots.give(worn)
    kept = slots.new("k", wasmtime.Store(ENGINE), MODULE)
    assert slots.give(kept)
    assert slots.close() == [kept]
    assert slots.take("k") is None
    assert not slots.give(slots.new("k", wasmtime.Store(ENGINE), MODULE)), "closed"
