"""The wasmtime-py internals the engine core relies on (pinned: wasmtime>=49,<50).

`_core/_wasmtime.py` is the only module that imports wasmtime-py's private modules, and its
`PRIVATE_NAMES` lists what it uses. None of it is public API, so a new wasmtime-py release
must fail here, by name and with one sentence saying what changed, before it fails anywhere
subtler (a wrong value in a raw call is a crash, not an exception).
"""

from __future__ import annotations

import ctypes
import functools
import importlib
import importlib.metadata
import inspect
from types import ModuleType
from typing import Any, cast

import pytest
import wasmtime

from embedsandbox._engines._core import LazyExports, fast_caller, memory_address
from embedsandbox._engines._core._build import build_tag
from embedsandbox._engines._core._wasmtime import PRIVATE_NAMES, set_async_stack_size

VERSION = importlib.metadata.version("wasmtime")
_UPDATE = "update _core/_wasmtime.py (and its PRIVATE_NAMES) for the new release"

WAT = """
(module
  (memory (export "memory") 1)
  (global (export "g") (mut i32) (i32.const 3))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
"""


@functools.cache
def _engine() -> wasmtime.Engine:
    return wasmtime.Engine()


@functools.cache
def _module() -> wasmtime.Module:
    # Kept for the process: fast_caller caches call specs by id(module).
    return wasmtime.Module(_engine(), WAT)


def _instance() -> tuple[wasmtime.Store, wasmtime.Instance]:
    store = wasmtime.Store(_engine())
    return store, wasmtime.Instance(store, _module(), [])


def _samples() -> dict[type, object]:
    """Real objects of the classes whose instance attributes the core reads."""
    store, instance = _instance()
    add = instance.exports(store)["add"]
    assert isinstance(add, wasmtime.Func)
    return {wasmtime.Store: store, wasmtime.Instance: instance, wasmtime.Func: add}


def _module_prefix(dotted: str) -> tuple[ModuleType, list[str]]:
    """The longest importable module at the start of `dotted`, and the names after it."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            return importlib.import_module(".".join(parts[:cut])), parts[cut:]
        except ImportError:
            continue
    pytest.fail(f"{dotted}: no module of it imports in wasmtime-py {VERSION}; {_UPDATE}")


def test_the_pinned_release_is_installed() -> None:
    assert VERSION.startswith("49."), (
        f"wasmtime-py {VERSION} is installed, but the core is written against 49.x; "
        f"check every PRIVATE_NAMES entry against it, then {_UPDATE}"
    )


@pytest.mark.parametrize("dotted", PRIVATE_NAMES)
def test_every_private_name_the_core_uses_resolves(dotted: str) -> None:
    owner: object
    owner, rest = _module_prefix(dotted)
    assert rest, f"{dotted} is a module; PRIVATE_NAMES lists attributes"
    samples = _samples()
    for i, attr in enumerate(rest):
        if hasattr(owner, attr):
            owner = getattr(owner, attr)
            continue
        # An instance attribute (set in __init__): look on a real object of the class.
        sample: object | None = (
            samples.get(owner) if isinstance(owner, type) and i == len(rest) - 1 else None
        )
        assert sample is not None and hasattr(sample, attr), (
            f"{dotted}: wasmtime-py {VERSION} has no {attr!r} on {owner!r} "
            f"(nor on its instances); {_UPDATE}"
        )
        owner = getattr(sample, attr)


# The raw C calls: (wrapper, its parameters). A changed arity means a changed C signature,
# and a raw call with the old arguments would corrupt memory instead of raising.
_FFI_ARITY = {
    "wasmtime_func_call": 7,  # store, func, args, nargs, results, nresults, trap
    "wasmtime_instance_export_get": 5,  # store, instance, name, name_len, item
    "wasmtime_config_async_stack_size_set": 2,  # config, size
}


@pytest.mark.parametrize(("name", "arity"), sorted(_FFI_ARITY.items()))
def test_the_raw_calls_keep_their_signatures(name: str, arity: int) -> None:
    from wasmtime import _ffi

    params = inspect.signature(getattr(_ffi, name)).parameters
    assert len(params) == arity, (
        f"wasmtime._ffi.{name} now takes {len(params)} arguments, not {arity}: the C "
        f"signature changed; {_UPDATE}"
    )


def test_the_raw_value_layout_is_the_one_fast_caller_writes() -> None:
    from wasmtime import _ffi

    val_t: Any = _ffi.wasmtime_val_t
    fields = {name: kind for name, kind, *_ in val_t._fields_}
    assert {"kind", "of"} <= set(fields), (
        f"wasmtime_val_t's fields are now {sorted(fields)}: fast_caller writes .kind and .of"
    )
    of = {name: kind for name, kind, *_ in fields["of"]._fields_}
    assert of["i32"] is ctypes.c_int32 and of["i64"] is ctypes.c_int64, (
        f"wasmtime_val_t.of's i32/i64 fields are now {of.get('i32')}/{of.get('i64')}"
    )
    assert (_ffi.WASMTIME_I32.value, _ffi.WASMTIME_I64.value) == (0, 1), (
        "the WASMTIME_I32/WASMTIME_I64 kind tags changed value"
    )


def test_func_call_still_takes_the_steps_fast_caller_copies() -> None:
    # fast_caller repeats Func.__call__ + enter_wasm minus their overhead: a raw
    # wasmtime_func_call, then WasmtimeError._from_ptr on an error, Trap._from_ptr plus
    # maybe_raise_last_exn (a host exception, e.g. GuestStop, wins over its trap) on a trap.
    from wasmtime import _func

    call = inspect.getsource(wasmtime.Func.__call__)
    assert "wasmtime_func_call(" in call and "enter_wasm(" in call, (
        "Func.__call__ no longer calls wasmtime_func_call inside enter_wasm: "
        "fast_caller's copy of it is out of date"
    )
    enter = inspect.getsource(_func.enter_wasm)
    assert "Trap._from_ptr" in enter and "maybe_raise_last_exn()" in enter, (
        "enter_wasm no longer turns a trap into Trap._from_ptr after maybe_raise_last_exn: "
        "fast_caller's copy of it is out of date"
    )
    # The host-callback trampoline is a ctypes function: read its Python source in the module.
    source = inspect.getsource(_func)
    start = source.find("def trampoline(")
    assert start >= 0, "wasmtime._func has no host-callback trampoline any more"
    trampoline = source[start : source.find("\n@", start)]
    assert "except BaseException" in trampoline and "LAST_EXCEPTION = e" in trampoline, (
        "host callbacks no longer pass every exception (BaseException too) through "
        "LAST_EXCEPTION: the engines' GuestStop would not stop a guest"
    )
    assert inspect.signature(_func.maybe_raise_last_exn).parameters == {}


def test_the_async_stack_size_setter_works_so_the_wasm_stack_is_8_mib() -> None:
    assert set_async_stack_size(wasmtime.Config(), 9 << 20), (
        "wasmtime_config_async_stack_size_set failed: the builds fall back to a 1 MiB stack"
    )
    assert "stack8m" in build_tag(False) and "stack8m" in build_tag(True)


def test_lazy_exports_find_and_wrap_exports_by_name() -> None:
    store, instance = _instance()
    exports = LazyExports(store, instance)
    add, memory, g = exports["add"], exports["memory"], exports["g"]
    assert isinstance(add, wasmtime.Func) and add(store, 2, 3) == 5
    assert isinstance(memory, wasmtime.Memory) and memory.size(store) == 1
    assert isinstance(g, wasmtime.Global) and g.value(store) == 3
    assert exports["add"] is add  # wrapped once
    with pytest.raises(KeyError):
        exports["absent"]


def test_instance_exports_serves_a_lazy_exports_set_as_its_cache() -> None:
    # `_python/_wasi_python.py` sets `instance._exports = LazyExports(...)` so that code it
    # does not own looks exports up lazily: that relies on Instance.exports returning its
    # `_exports` cache when set (a private attribute not in PRIVATE_NAMES).
    store, instance = _instance()
    assert hasattr(instance, "_exports") and instance._exports is None, (
        f"wasmtime.Instance no longer caches its exports in _exports (wasmtime-py {VERSION})"
    )
    lazy = LazyExports(store, instance)
    instance._exports = lazy  # type: ignore[assignment]
    assert cast(object, instance.exports(store)) is lazy, (
        "Instance.exports(store) no longer returns its _exports cache: LazyExports set "
        "there is ignored"
    )


def test_memory_address_is_the_first_byte_of_linear_memory() -> None:
    store, instance = _instance()
    memory = instance.exports(store)["memory"]
    assert isinstance(memory, wasmtime.Memory)
    memory.write(store, b"embedsandbox", 100)
    assert ctypes.string_at(memory_address(memory, store) + 100, 12) == b"embedsandbox"
    ctypes.memmove(memory_address(memory, store) + 200, b"back", 4)
    assert bytes(memory.read(store, 200, 204)) == b"back"


def test_fast_caller_takes_the_fast_path_for_integer_exports() -> None:
    # The fast path is the one that reads the private names; check it is the one taken
    # (the public fallback is a lambda around Func.__call__).
    store, instance = _instance()
    add = instance.exports(store)["add"]
    assert isinstance(add, wasmtime.Func)
    fast = fast_caller(store, add, module=_module(), name="add")
    assert fast.__name__ == "fast"
    assert fast(2**31 - 1, 1) == add(store, 2**31 - 1, 1) == -(2**31)
