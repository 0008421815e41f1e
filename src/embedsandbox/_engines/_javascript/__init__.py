"""The JavaScript/TypeScript engine: QuickJS-ng (quickjs-rs 0.2.6) guests on wasmtime.

Every run gets a fresh WebAssembly instance (its own linear memory, QuickJS runtime and
context); nothing carries over. Instances are prepared ahead of demand in warm pools
(`_pool.py`): instantiated and loaded with the start-up image (QuickJS started, the
prelude's run-independent part built; cached on disk per guest build and prelude), holding
no data of any run. Each is handed to
exactly one run, which installs its own limits and deadline on it, and is then discarded.
Guests run on the core's guest threads (large stacks, kept for the next run).

The guest sees only what the `Invocation` gives it: the prelude (`_guest/js_prelude.js`)
builds `console`, `process`, an in-memory `fs`, timers and the function harness inside the
guest, and talks to the host through one host function.

Limits:
- wall clock: QuickJS's interrupt poll (an uncatchable "interrupted" error) plus a
  wasmtime epoch deadline as a backstop for long native operations that never poll;
- memory: the store caps the guest's linear memory (QuickJS's own malloc limit is inert in
  this build: its malloc accounting reads 0), so allocation fails inside the guest;
- fuel: wasmtime fuel, counted only in runs with a fuel cap. Counting is compiled into
  the code, so the guest is compiled twice (both cached): a metered build for runs with a
  cap (they report `fuel_used`) and an unmetered one for the others (`fuel_used` is None).
  On fib(25) the counting costs ~15-20% of pure compute; the epoch checks (~8%) stay in
  both builds, as the only wall-clock guard for native operations that never poll;
- output: per stream, enforced on the host side of the write call;
- stack: the guest runs on a host thread with a known large stack and a raised
  `max_wasm_stack`; overflowing it traps and is reported as a RangeError.

Modules: `_engine` (the engine and its pools), `_run` (one run: host door, event loop,
outcome), `_runtime` (per build: module, linker, start-up image), `_modules` (what import and
require reach), `_node_modules` (a revision's packages), `_typescript` (type stripping), and
`_quickjs`, the adapter: the only module that imports quickjs_rs.
"""

from ._engine import JavaScriptEngine

__all__ = ["JavaScriptEngine"]
