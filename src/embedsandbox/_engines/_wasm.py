"""Small helpers over wasmtime-py 49 internals shared by both engines (pinned: wasmtime>=49,<50)."""

from __future__ import annotations

import ctypes
from typing import Any

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime._extern import wrap_extern

__all__ = ["LazyExports"]


class LazyExports:
    """`instance.exports(store)[name]` without wrapping all ~57 exports up front.

    wasmtime-py's `Instance.exports` wraps every export on first use (~1 ms per instance);
    a run touches a few of them. Uses wasmtime-py 49's ffi.wasmtime_instance_export_get.
    Set as `instance._exports` it also serves `instance.exports(store)` (wasmtime-py caches
    the mapping there), so code we do not own looks exports up lazily too.
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
