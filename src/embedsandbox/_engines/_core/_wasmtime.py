"""wasmtime-py 49 internals, in one place (pinned: wasmtime>=49,<50).

This is the only module that imports wasmtime's private modules (`wasmtime._ffi`,
`wasmtime._func`, `wasmtime._extern`). What it gives the engines:

- `LazyExports`: an instance's exports looked up by name when first needed;
- `fast_caller`: a cheaper call of an all-integer export (~2-3 us instead of ~11 us);
- `set_async_stack_size`: the Config setter wasmtime-py does not wrap;
- `memory_address`: the host address of a linear memory's first byte;
- `library_address`: an address inside wasmtime's shared library (for the trap-handler check).

`tests/core/test_core_contract.py` checks every name used here, so a new wasmtime-py
fails that one test with a clear message instead of somewhere deep in a run.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any, Final

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime._extern import wrap_extern
from wasmtime._func import maybe_raise_last_exn

__all__ = [
    "PRIVATE_NAMES",
    "LazyExports",
    "fast_caller",
    "lazy_exports",
    "library_address",
    "memory_address",
    "set_async_stack_size",
]

# What this module uses of wasmtime-py's private API (the contract test checks each).
PRIVATE_NAMES: Final = (
    "wasmtime._ffi.dll.wasm_engine_new",
    "wasmtime._ffi.wasmtime_config_async_stack_size_set",
    "wasmtime._ffi.wasmtime_instance_export_get",
    "wasmtime._ffi.wasmtime_extern_t",
    "wasmtime._ffi.wasmtime_func_call",
    "wasmtime._ffi.wasmtime_val_t",
    "wasmtime._ffi.wasm_trap_t",
    "wasmtime._ffi.WASMTIME_I32",
    "wasmtime._ffi.WASMTIME_I64",
    "wasmtime._extern.wrap_extern",
    "wasmtime._func.maybe_raise_last_exn",
    "wasmtime.Store._context",
    "wasmtime.Instance._instance",
    "wasmtime.Instance._exports",
    "wasmtime.Func._func",
    "wasmtime.Trap._from_ptr",
    "wasmtime.WasmtimeError._from_ptr",
)


def set_async_stack_size(config: wasmtime.Config, size: int) -> bool:
    """Set `config`'s async stack size; False if this wasmtime cannot.

    wasmtime refuses (by aborting the process!) a max_wasm_stack above async_stack_size (2 MiB
    by default in the C API build), and wasmtime-py does not wrap this setter.
    """
    try:
        ffi.wasmtime_config_async_stack_size_set(config.ptr(), size)
    except Exception:
        return False
    return True


def memory_address(memory: wasmtime.Memory, store: wasmtime.Store) -> int:
    """The host address of `memory`'s first byte (valid until the memory grows)."""
    return ctypes.addressof(memory.data_ptr(store).contents)


def library_address() -> int:
    """The address of one public symbol of wasmtime's shared library (0 if unknown)."""
    return ctypes.cast(ffi.dll.wasm_engine_new, ctypes.c_void_p).value or 0


def lazy_exports(store: wasmtime.Store, instance: wasmtime.Instance) -> LazyExports:
    """`LazyExports` of `instance`, also installed as what `instance.exports(store)` returns."""
    exports = LazyExports(store, instance)
    instance._exports = exports  # type: ignore[assignment]
    return exports


class LazyExports:
    """`instance.exports(store)[name]` without wrapping every export up front.

    wasmtime-py's `Instance.exports` wraps every export on first use (~1 ms per instance for
    QuickJS's 57); a run touches a few of them. Set as `instance._exports` it also serves
    `instance.exports(store)` (wasmtime-py caches the mapping there), so code we do not own
    looks exports up lazily too.
    """

    def __init__(self, store: wasmtime.Store, instance: wasmtime.Instance) -> None:
        self._store = store
        self._instance = instance
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        hit = self._cache.get(name)
        if hit is not None:
            return hit
        item = ffi.wasmtime_extern_t()
        raw = name.encode()
        found = ffi.wasmtime_instance_export_get(
            self._store._context(),
            ctypes.byref(self._instance._instance),
            raw,
            len(raw),
            ctypes.byref(item),
        )
        if not found:
            raise KeyError(name)
        value = self._cache[name] = wrap_extern(item)
        return value


# Per function type: (param kinds, which params are i64, number of results), or None when
# the signature is not all-integer (then the public call path is used).
_Spec = tuple[tuple[int, ...], tuple[bool, ...], int]
# Keyed by the module's id, holding the module itself: an id is never reused while cached.
_specs: dict[tuple[int, str], tuple[object, _Spec | None]] = {}


def _call_spec(
    store: wasmtime.Store, module: object, name: str, func: wasmtime.Func
) -> _Spec | None:
    key = (id(module), name)
    found = _specs.get(key)
    if found is not None:
        return found[1]
    ty = func.type(store)
    i32, i64 = wasmtime.ValType.i32(), wasmtime.ValType.i64()
    params = list(ty.params)
    results = list(ty.results)
    spec: _Spec | None = None
    if all(p in (i32, i64) for p in params) and results in ([], [i32]):
        kinds = tuple(
            ffi.WASMTIME_I32.value if p == i32 else ffi.WASMTIME_I64.value for p in params
        )
        spec = (kinds, tuple(p == i64 for p in params), len(results))
    _specs[key] = (module, spec)
    return spec


def fast_caller(
    store: wasmtime.Store, func: wasmtime.Func, *, module: object, name: str
) -> Callable[..., Any]:
    """A cheaper `func(store, *args)` for an export `name` of `module`.

    The same steps as wasmtime-py 49's `Func.__call__` and `enter_wasm` (raw values,
    `wasmtime_func_call`, then a trap or a host exception re-raised) minus the per-call type
    introspection and context-manager overhead. Integer signatures only (i32/i64 params, no
    result or one i32); others get the public call path. Valid for the store's lifetime:
    callers never call into a closed store.
    """
    spec = _call_spec(store, module, name, func)
    if spec is None:
        return lambda *args: func(store, *args)
    kinds, is64, nresults = spec
    nparams = len(kinds)
    param_array = ffi.wasmtime_val_t * max(nparams, 1)
    result_array = ffi.wasmtime_val_t * max(nresults, 1)
    trap_ptr = ctypes.POINTER(ffi.wasm_trap_t)
    func_ref = ctypes.byref(func._func)
    call = ffi.wasmtime_func_call
    byref = ctypes.byref
    context = store._context()
    error_from_ptr = wasmtime.WasmtimeError._from_ptr
    trap_from_ptr = wasmtime.Trap._from_ptr

    def fast(*args: int) -> Any:
        if len(args) != nparams:
            msg = "wrong number of arguments for a guest export"
            raise TypeError(msg)
        raw = param_array()
        for i, a in enumerate(args):
            v: Any = raw[i]
            v.kind = kinds[i]
            if is64[i]:
                v.of.i64 = a
            else:
                v.of.i32 = a
        out = result_array()
        trap = trap_ptr()
        error = call(context, func_ref, raw, nparams, out, nresults, byref(trap))
        if error:
            maybe_raise_last_exn()
            raise error_from_ptr(error)
        if trap:
            trap_obj = trap_from_ptr(trap)
            maybe_raise_last_exn()
            raise trap_obj
        return out[0].of.i32 if nresults else None

    return fast
