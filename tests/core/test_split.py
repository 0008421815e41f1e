"""Splitting a module's memory from its code (`_core/_split.py`): tiny WAT guests."""

from __future__ import annotations

import pytest
import wasmtime
from hypothesis import given, settings
from hypothesis import strategies as st

from embedsandbox._engines._core import _bake, _split

WAT = r"""(module
  (import "env" "log" (func $log (param i32)))
  (memory (export "memory") 2 50)
  (global $sp (mut i32) (i32.const 1024))
  (func (export "get") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "put") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "init") (memory.init 1 (i32.const 200) (i32.const 0) (i32.const 3)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (data (i32.const 16) "hello")
  (data "xyz")
  (data (i32.const 70000) "\2a\00\00\00"))"""

ENGINE = wasmtime.Engine()
WASM = wasmtime.wat2wasm(WAT)


def _run(code: bytes, memory_wasm: bytes) -> tuple[wasmtime.Store, dict[str, wasmtime.Func]]:
    store = wasmtime.Store(ENGINE)
    memory = wasmtime.Instance(store, wasmtime.Module(ENGINE, memory_wasm), []).exports(store)[
        "memory"
    ]
    log = wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i32()], []), lambda _: None)
    instance = wasmtime.Instance(store, wasmtime.Module(ENGINE, code), [log, memory])
    ex = instance.exports(store)
    assert ex["memory"] is not None
    return store, {name: ex[name] for name in ("get", "put", "init", "grow", "memory")}  # type: ignore[misc]


def test_the_code_module_on_the_initial_memory_behaves_as_the_original() -> None:
    parts = _split.split(WASM)
    assert (parts.minimum, parts.maximum) == (2, 50)
    assert [offset for offset, _ in parts.image] == [16, 70000]
    image = _bake.merge_runs(b"", parts.image, parts.minimum * 65536)
    store, ex = _run(parts.code, _split.memory_module(image, parts.maximum))
    assert b"hello" == bytes(ex["memory"].read(store, 16, 21))  # type: ignore[attr-defined]
    assert 42 == ex["get"](store, 70000)
    ex["init"](store)  # the passive segment is still segment 1, with its bytes
    assert b"xyz" == bytes(ex["memory"].read(store, 200, 203))  # type: ignore[attr-defined]
    assert 2 == ex["grow"](store, 1), "the original maximum (50 pages) still holds"
    assert -1 == ex["grow"](store, 100)


def test_a_state_taken_from_one_instance_starts_another() -> None:
    parts = _split.split(WASM)
    image = _bake.merge_runs(b"", parts.image, parts.minimum * 65536)
    store, ex = _run(parts.code, _split.memory_module(image, parts.maximum))
    ex["put"](store, 4096 * 5 + 8, 777)
    ex["grow"](store, 1)
    memory = ex["memory"]
    state = bytes(memory.read(store, 0, memory.data_len(store)))  # type: ignore[attr-defined]
    store2, ex2 = _run(parts.code, _split.memory_module(state, parts.maximum))
    assert 777 == ex2["get"](store2, 4096 * 5 + 8)
    assert 3 == ex2["memory"].size(store2)  # type: ignore[attr-defined]
    assert b"hello" == bytes(ex2["memory"].read(store2, 16, 21))  # type: ignore[attr-defined]
    # The first instance's memory is its own: writes after the state was taken stay there.
    ex["put"](store, 0, 5)
    assert 0 == ex2["get"](store2, 0)


def test_what_cannot_be_split_is_refused() -> None:
    imported = wasmtime.wat2wasm('(module (import "a" "m" (memory 1)))')
    with pytest.raises(_bake.BakeError, match="is imported"):
        _split.split(imported)
    with pytest.raises(_bake.BakeError, match="defines no memory"):
        _split.split(wasmtime.wat2wasm("(module)"))
    computed = wasmtime.wat2wasm(
        '(module (global $g i32 (i32.const 0)) (memory 1) (data (global.get $g) "x"))'
    )
    with pytest.raises(_bake.BakeError, match="not an i32.const"):
        _split.split(computed)
    with pytest.raises(_bake.BakeError, match="whole number"):
        _split.memory_module(b"\0" * 100, None)
    with pytest.raises(_bake.BakeError, match="exceed"):
        _split.memory_module(bytes(3 * 65536), 2)


@settings(max_examples=30, deadline=None)
@given(
    st.dictionaries(st.integers(0, 3 * 65536 - 8), st.binary(min_size=1, max_size=8), max_size=12)
)
def test_a_memory_module_holds_exactly_its_image(writes: dict[int, bytes]) -> None:
    image = bytearray(3 * 65536)
    for offset, data in writes.items():
        image[offset : offset + len(data)] = data
    store = wasmtime.Store(ENGINE)
    module = wasmtime.Module(ENGINE, _split.memory_module(bytes(image), None))
    memory = wasmtime.Instance(store, module, []).exports(store)["memory"]
    assert isinstance(memory, wasmtime.Memory)
    assert bytes(image) == bytes(memory.read(store, 0, memory.data_len(store)))
