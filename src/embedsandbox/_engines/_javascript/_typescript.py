"""TypeScript -> JavaScript: OXC (quickjs-rs's transformer guest) strips the types.

The transformer is a guest of its own on the metered build: host work on untrusted input,
bounded by its own fuel, memory and the run's deadline, and not charged to the user.
Results are cached per process (a pure function of the file name and source).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Final

from . import _quickjs as qjs
from ._runtime import WasmRuntime

__all__ = ["TransformFailed", "strip_types"]

_TRANSFORM_FUEL: Final = 50_000_000_000
_TRANSFORM_MEMORY: Final = 512 << 20
_CACHE_ENTRIES: Final = 256
_CACHE_MAX_SOURCE: Final = 1 << 20


class TransformFailed(Exception):
    """TypeScript could not be stripped (the message is guest-visible)."""


_cache: OrderedDict[tuple[str, int, bytes], str] = OrderedDict()
_cache_lock = threading.Lock()


def strip_types(rt: WasmRuntime, name: str, source: str, deadline_s: float) -> str:
    """TypeScript -> JavaScript with OXC (types stripped, enums/namespaces lowered)."""
    flags = qjs.TSX_FLAGS if name.endswith(".tsx") else qjs.TS_FLAGS
    data = qjs.well_formed(source).encode("utf-8")
    key = (name, flags, hashlib.sha256(data).digest())
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    inst: qjs.TransformInstance | None = None
    try:
        module, linker = rt.metered_build().transform()
        inst = qjs.TransformInstance(
            module=module,
            linker=linker,
            fuel=_TRANSFORM_FUEL,
            memory=_TRANSFORM_MEMORY,
            deadline_s=deadline_s,
        )
        out = inst.transform(name, data, flags=flags)
    except qjs.TransformError as e:
        raise TransformFailed(str(e)) from None
    except Exception:
        msg = f"could not transform {name} (TypeScript)"
        raise TransformFailed(msg) from None
    finally:
        if inst is not None:
            inst.close()
    if len(data) <= _CACHE_MAX_SOURCE:
        with _cache_lock:
            _cache[key] = out
            while len(_cache) > _CACHE_ENTRIES:
                _cache.popitem(last=False)
    return out
