"""Baking a snapshot into a module (`_core/_bake.py`): tiny WAT guests, milliseconds each."""

from __future__ import annotations

import struct

import pytest
import wasmtime
from hypothesis import given
from hypothesis import strategies as st

from embedsandbox._engines._core import _bake, _snapshot

WAT = r"""(module
  (import "env" "g" (global $ig i32))
  (memory (export "memory") 1 100)
  (global $sp (export "sp") (mut i32) (i32.const 1024))
  (global $k (export "k") (mut i64) (i64.const 5))
  (global $c i32 (i32.const 7))
  (global $f (export "f") (mut f64) (f64.const 1.5))
  (func $start (global.set $sp (i32.const 99)) (i32.store (i32.const 0) (i32.const 42)))
  (start $start)
  (func (export "get") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "drop0") (data.drop 0))
  (data (i32.const 16) "hello"))"""

ENGINE = wasmtime.Engine()
WASM = wasmtime.wat2wasm(WAT)


def _instance(wasm: bytes) -> tuple[wasmtime.Store, wasmtime.Instance]:
    store = wasmtime.Store(ENGINE)
    imported = wasmtime.Global(store, wasmtime.GlobalType(wasmtime.ValType.i32(), False), 0)
    return store, wasmtime.Instance(store, wasmtime.Module(ENGINE, wasm), [imported])


def test_a_baked_module_starts_in_the_snapshots_state() -> None:
    sp, k, f = (_bake.export_index(WASM, name) for name in ("sp", "k", "f"))
    assert (sp, k, f) == (1, 2, 4)  # imported globals come first in the index space
    image = bytearray(3 * 65536)
    image[16:21] = b"HELLO"
    image[70000:70004] = (123456).to_bytes(4, "little")
    f_bits = struct.unpack("<Q", struct.pack("<d", 2.25))[0]
    baked = _bake.bake(
        WASM, _bake.nonzero_runs(bytes(image)), 3, {sp: -5, k: -(1 << 40), f: f_bits}
    )
    store, inst = _instance(baked)
    ex = inst.exports(store)
    memory = ex["memory"]
    assert isinstance(memory, wasmtime.Memory)
    assert 3 == memory.size(store)
    assert b"\0\0\0\0" == bytes(memory.read(store, 0, 4)), "the start function must not run"
    assert b"HELLO" == bytes(memory.read(store, 16, 21))
    assert 123456 == ex["get"](store, 70000)
    assert (-5, -(1 << 40), 2.25) == tuple(ex[n].value(store) for n in ("sp", "k", "f"))
    ex["drop0"](store)  # data segment indices stay valid


def test_what_cannot_be_baked_is_refused() -> None:
    with pytest.raises(_bake.BakeError, match="immutable"):
        _bake.bake(WASM, [], 1, {3: 1})
    with pytest.raises(_bake.BakeError, match="no defined globals"):
        _bake.bake(WASM, [], 1, {9: 1})
    with pytest.raises(_bake.BakeError, match="overlap"):
        _bake.bake(WASM, [(0, b"ab"), (1, b"cd")], 1, {})
    with pytest.raises(_bake.BakeError, match="outside"):
        _bake.bake(WASM, [(65530, b"0123456789")], 1, {})
    with pytest.raises(_bake.BakeError, match="maximum"):
        _bake.bake(WASM, [], 101, {})
    passive = wasmtime.wat2wasm('(module (memory 1) (data "x"))')
    with pytest.raises(_bake.BakeError, match="passive"):
        _bake.check_bakeable(passive)
    imported = wasmtime.wat2wasm('(module (import "env" "m" (memory 1)))')
    with pytest.raises(_bake.BakeError, match="imported"):
        _bake.check_bakeable(imported)
    with pytest.raises(_bake.BakeError, match="not a core WebAssembly module"):
        _bake.parse_sections(b"not wasm at all")


def test_a_snapshot_bakes_to_the_memory_it_restores() -> None:
    # Initialise an instance (its start function ran, the host wrote pages), snapshot it
    # over a fresh one, bake it: a baked instance's memory equals a restored one's.
    store, inst = _instance(WASM)
    memory = inst.exports(store)["memory"]
    assert isinstance(memory, wasmtime.Memory)
    memory.grow(store, 2)
    memory.write(store, b"\x07" * 5000, 65536 + 100)
    sp = inst.exports(store)["sp"]
    assert isinstance(sp, wasmtime.Global)
    image = bytes(memory.read(store, 0, memory.data_len(store)))
    fresh_store, fresh = _instance(WASM)
    fresh_memory = fresh.exports(fresh_store)["memory"]
    assert isinstance(fresh_memory, wasmtime.Memory)
    blank = bytes(fresh_memory.read(fresh_store, 0, fresh_memory.data_len(fresh_store)))
    snap = _snapshot.take(image, blank, globals={"sp": sp.value(store)})
    baked_store, baked = _instance(_bake.bake_snapshot(WASM, snap, blank))
    baked_memory = baked.exports(baked_store)["memory"]
    assert isinstance(baked_memory, wasmtime.Memory)
    assert image == bytes(baked_memory.read(baked_store, 0, baked_memory.data_len(baked_store)))
    assert 99 == baked.exports(baked_store)["sp"].value(baked_store)  # set by $start


@given(st.binary(max_size=3 * 4096), st.integers(0, 2 * 65536))
def test_nonzero_runs_cover_every_nonzero_byte(data: bytes, at: int) -> None:
    image = bytearray(3 * 65536)
    image[at : at + len(data)] = data
    image = image[: 3 * 65536]
    runs = _bake.nonzero_runs(bytes(image))
    assert bytes(image) == _bake.merge_runs(b"", runs, len(image))
    ends = [offset + len(chunk) for offset, chunk in runs]
    assert all(end <= nxt for end, (nxt, _) in zip(ends, runs[1:], strict=False))


@given(st.integers(min_value=0, max_value=2**64 - 1), st.sampled_from([32, 64]))
def test_leb128_round_trips_and_checks_range(value: int, bits: int) -> None:
    reader = _bake._Reader(_bake._uleb(value))
    if value >> bits:
        with pytest.raises(_bake.BakeError, match="LEB128"):
            reader.uleb(bits)
    else:
        assert reader.uleb(bits) == value
        assert reader.at_end()


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_signed_leb128_round_trips(value: int) -> None:
    reader = _bake._Reader(_bake._sleb(value))
    assert reader.sleb(64) == value
    assert reader.at_end()
