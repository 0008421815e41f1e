"""The Ruby engine: CRuby 3.4 (`@ruby/3.4-wasm-wasi`, npm) guests on the engine core.

Modules: `_engine` (the engine: guest states, runs, outcomes), `_rubywasm` (the adapter: the
only module that knows ruby.wasm's exports and ABI), `_wasi` (the WASI calls shadowed to cap
output, disk and sleeps) and `_fetch` (the pinned npm tarball, fetched on first use).
"""

from ._engine import RubyEngine

__all__ = ["RubyEngine"]
