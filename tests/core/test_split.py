"""Splitting a module's memory from its code (`_core/_split.py`): tiny WAT guests."""

from __future__ import annotations

import pytest
import wasmtime
from hypothesis import given, settings
from hypothesis import strategies as st

from embedsandbox._engines._core import _bake, _code_scan, _split

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


def _exports(wasm: bytes) -> dict[str, wasmtime.ExternType]:
    return {e.name: e.type for e in wasmtime.Module(ENGINE, wasm).exports}


def test_mutable_globals_are_exported_and_a_reusable_module_is_marked() -> None:
    wasm = wasmtime.wat2wasm(
        """(module
          (global $sp (mut i32) (i32.const 1024)) (global i32 (i32.const 7))
          (global $big (mut i64) (i64.const 5))
          (memory 1) (table 1 funcref) (elem (i32.const 0) $f)
          (func $f (export "f") (result i32)
            (global.set $sp (i32.add (global.get $sp) (i32.const 1))) (global.get $sp)))"""
    )  # no import section: the split adds one, in its place before the others
    parts = _split.split(wasm)
    assert parts.reusable
    names = set(_exports(parts.code))
    assert {"f", "embedsandbox.global.0", "embedsandbox.global.2", _split.REUSABLE} == names
    store = wasmtime.Store(ENGINE)
    memory = wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, None)))
    ex = wasmtime.Instance(store, wasmtime.Module(ENGINE, parts.code), [memory]).exports(store)
    assert 1025 == ex["f"](store)  # type: ignore[operator]
    sp, mark = ex["embedsandbox.global.0"], ex[_split.REUSABLE]
    assert isinstance(sp, wasmtime.Global) and isinstance(mark, wasmtime.Global)
    assert (1025, 1) == (sp.value(store), mark.value(store))
    sp.set_value(store, 1024)  # what a slot does between guests
    assert 1025 == ex["f"](store)  # type: ignore[operator]


@pytest.mark.parametrize(
    "body",
    [
        "(table.set 0 (i32.const 0) (ref.func $f))",
        "(drop (table.grow 0 (ref.null func) (i32.const 1)))",
        "(table.fill 0 (i32.const 0) (ref.null func) (i32.const 1))",
        "(table.copy (i32.const 0) (i32.const 0) (i32.const 1))",
        "(table.init $e (i32.const 0) (i32.const 0) (i32.const 0))",
        "(elem.drop $e)",
        "(memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))",
        "(data.drop $d)",
    ],
)
def test_code_that_changes_its_tables_or_segments_is_not_reusable(body: str) -> None:
    wasm = wasmtime.wat2wasm(
        f"""(module (memory 1) (table 2 funcref) (data $d "x") (elem $e func $f)
          (func $f (block (result i32) (i32.const 1)) (drop) {body}))"""
    )
    found = _code_scan.instance_changes(_code(wasm))
    assert 1 == sum(found.values()), found
    parts = _split.split(wasm)
    assert not parts.reusable
    assert _split.REUSABLE not in _exports(parts.code)


def test_the_scan_reads_simd_exceptions_and_tail_calls() -> None:
    wasm = wasmtime.wat2wasm(
        """(module (memory 1) (tag $t (param i32)) (type $v (func))
          (table 1 funcref) (elem (i32.const 0) $g)
          (func $g)
          (func (param i32) (result i32)
            (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
              (v128.load offset=16 (i32.const 0)) (v128.const i64x2 1 2)))
            (drop (i32x4.extract_lane 3 (i32x4.splat (local.get 0))))
            (block $out (try_table (catch $t $out) (catch_all $out) (throw $t (i32.const 1))))
            (br_table 0 0 (local.get 0))
            (return_call_indirect (type $v) (i32.const 0))
            (i32.const 0)))"""
    )
    assert {} == _code_scan.instance_changes(_code(wasm))
    with pytest.raises(_bake.BakeError):
        _code_scan.instance_changes(_code(wasm)[:-3])  # cut inside the last body
    assert _split.split(wasm).reusable


def _code(wasm: bytes) -> bytes:
    section = _bake._section(_bake.parse_sections(wasm), _bake.SEC_CODE)
    assert section is not None
    return bytes(section.payload)


def test_a_sparse_image_is_written_dense_so_that_it_maps_copy_on_write() -> None:
    image = bytearray(64 * 65536)  # 4 MiB, one page in ten not zero
    for page in range(0, 1024, 10):
        image[page * 4096] = 1
    wasm = _split.memory_module(bytes(image), None)
    assert len(wasm) > 3 << 20, "one segment over the span, zeros included"
    dense = bytearray(image)
    dense[: 2 << 20] = b"\x01" * (2 << 20)
    assert len(_split.memory_module(bytes(dense), None)) < 3 << 20, "mostly data: zeros left out"


GROWING = r"""(module
  (import "env" "log" (func $log (param i32)))
  (memory (export "memory") 1 8)
  (global $g (mut i32) (i32.const 7))
  (func (export "grow") (param i32) (result i32)
    (drop (memory.size))
    (memory.grow (local.get 0)))
  (func (export "twice") (param i32 i32) (result i32)
    (i32.add (memory.grow (local.get 0)) (memory.grow (local.get 1))))
  (func (export "size") (result i32) (memory.size))
  (data (i32.const 16) "hi"))"""


def test_a_watched_grow_grows_and_a_refused_one_is_remembered() -> None:
    parts = _split.split(wasmtime.wat2wasm(GROWING), watch_grows=True)
    store = wasmtime.Store(ENGINE)
    image = _bake.merge_runs(b"", parts.image, parts.minimum * 65536)
    memory = wasmtime.Instance(
        store, wasmtime.Module(ENGINE, _split.memory_module(image, parts.maximum)), []
    ).exports(store)["memory"]
    log = wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i32()], []), lambda _: None)
    ex = wasmtime.Instance(store, wasmtime.Module(ENGINE, parts.code), [log, memory]).exports(store)
    refused = ex[_split.GROW_REFUSED]
    assert isinstance(refused, wasmtime.Global)
    assert 1 == ex["grow"](store, 1) and 0 == refused.value(store)  # type: ignore[operator]
    assert 2 + 3 == ex["twice"](store, 1, 2) and 0 == refused.value(store)  # type: ignore[operator]
    assert 5 == ex["size"](store)  # type: ignore[operator]
    assert -1 == ex["grow"](store, 100), "past the maximum: refused, as without the watch"  # type: ignore[operator]
    assert 1 == refused.value(store)
    assert 5 == ex["size"](store)  # type: ignore[operator]
    # The global is a mutable one like the others: a slot puts it back to 0.
    names = {e.name for e in wasmtime.Module(ENGINE, parts.code).exports}
    assert any(
        n.startswith(_split.GLOBAL_PREFIX) and n != f"{_split.GLOBAL_PREFIX}0" for n in names
    )


def test_the_watch_is_there_only_when_asked_for() -> None:
    wasm = wasmtime.wat2wasm(GROWING)
    assert _split.split(wasm).code != _split.split(wasm, watch_grows=True).code
    assert _split.GROW_REFUSED not in {
        e.name for e in wasmtime.Module(ENGINE, _split.split(wasm).code).exports
    }
