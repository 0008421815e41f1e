"""The PHP engine: PHP 8.2's CLI built for wasm32-wasi by the project, on the engine core.

Modules: `_engine` (the engine: harness, runs, outcomes), `_phpwasm` (the adapter: the only
module that knows php.wasm's exports) and `_door` (the host door, on shadowed WASI calls of
one harness file). The build is `wasm-runtimes/php/build.sh`'s, shipped in the package.
"""

from ._engine import PhpEngine

__all__ = ["PhpEngine"]
