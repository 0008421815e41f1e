"""The engine core on tiny WAT guests: fuel, the epoch deadline, the memory cap, snapshots,
guest threads and the fast export call, each in milliseconds (no interpreter involved).

wasmtime compiles WAT text directly, so every guest here is a few lines of WebAssembly that
does exactly the one thing a test needs (loop, grow, recurse, trap), on the core's own
engines and stores (`engine_for`, `new_store`).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import json
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import wasmtime
from hypothesis import given
from hypothesis import strategies as st

from embedsandbox._engines._core import (
    MAX_WASM_STACK,
    TICKER,
    EpochTicker,
    engine_for,
    fast_caller,
    new_store,
    run_on_guest_thread,
)
from embedsandbox._engines._core import _snapshot as snapshot
from embedsandbox._engines._core._build import build_tag
from embedsandbox._engines._core._ticker import GRACE_S, TICK_S

WASM_PAGE = 65536
BUILDS = pytest.mark.parametrize("metered", [False, True], ids=["unmetered", "metered"])

# ----------------------------------------------------------------------------- guests

# Loops and growth: `count(k)` runs k >= 1 iterations of a loop that counts them in `n`;
# `spin` never ends; `grow_all` grows the memory a page at a time until memory.grow
# returns -1 and says how many pages it added.
LOOPS = """
(module
  (memory (export "memory") 1)
  (global $n (export "n") (mut i64) (i64.const 0))
  (func (export "count") (param $k i64)
    (loop $again
      (global.set $n (i64.add (global.get $n) (i64.const 1)))
      (local.set $k (i64.sub (local.get $k) (i64.const 1)))
      (br_if $again (i64.ne (local.get $k) (i64.const 0)))))
  (func (export "spin")
    (loop $again (br $again)))
  (func (export "grow_all") (result i32)
    (local $added i32)
    (block $full
      (loop $again
        (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (local.set $added (i32.add (local.get $added) (i32.const 1)))
        (br $again)))
    (local.get $added)))
"""

# Recursion: `down(n)` recurses n deep and returns n; `forever` recurses until the wasm stack
# runs out. Both count their frames in `depth`.
RECURSION = """
(module
  (global $depth (export "depth") (mut i32) (i32.const 0))
  (func $down (export "down") (param $n i32) (result i32)
    (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get $n) (i32.const 1)))))))
  (func $forever (export "forever")
    (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
    (call $forever)))
"""

# A state to snapshot: a fresh instance has 1 wasm page (a data segment at 0) and g = 7;
# `init` grows it to 4 pages and writes into 4 separate runs of 4 KiB pages (a byte in the
# data segment's page, a fill over pages 2-4, a ramp over two pages of wasm page 2, the last
# word of the last page), and sets both mutable globals.
STATE = """
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "fresh instance data")
  (global $g (export "g") (mut i32) (i32.const 7))
  (global $h (export "h") (mut i64) (i64.const 0))
  (func (export "init")
    (local $i i32)
    (drop (memory.grow (i32.const 3)))
    (i32.store8 (i32.const 5) (i32.const 0x21))
    (memory.fill (i32.const 8192) (i32.const 0xab) (i32.const 12288))
    (loop $ramp
      (i32.store8 (i32.add (i32.const 131072) (local.get $i)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $ramp (i32.lt_u (local.get $i) (i32.const 5000))))
    (i32.store (i32.const 262140) (i32.const -1))
    (global.set $g (i32.const 123456))
    (global.set $h (i64.const -5))))
"""
STATE_RUNS = ((0, 4096), (8192, 12288), (131072, 8192), (258048, 4096))

# Calls: integer exports (the fast path), others (the public path), traps and a host import.
CALLS = """
(module
  (import "host" "fail" (func $fail))
  (global $last (export "last") (mut i32) (i32.const 0))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "mix") (param i64 i32) (result i32)
    (i32.wrap_i64 (i64.add (local.get 0) (i64.extend_i32_s (local.get 1)))))
  (func (export "high") (param i64) (result i32)
    (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
  (func (export "answer") (result i32) (i32.const 42))
  (func (export "keep") (param i32) (global.set $last (local.get 0)))
  (func (export "trap_if") (param i32) (result i32)
    (if (local.get 0) (then unreachable))
    (i32.const 1))
  (func (export "boom") unreachable)
  (func (export "call_host") (param i32) (result i32)
    (call $fail)
    (local.get 0))
  (func (export "wide") (param i64) (result i64) (local.get 0))
  (func (export "twice") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 2))))
"""


@functools.cache
def _module(wat: str, metered: bool) -> wasmtime.Module:
    return wasmtime.Module(engine_for(metered), wat)


@dataclass
class Guest:
    store: wasmtime.Store
    instance: wasmtime.Instance
    module: wasmtime.Module

    def _export(self, name: str) -> object:
        return self.instance.exports(self.store)[name]

    def func(self, name: str) -> wasmtime.Func:
        found = self._export(name)
        assert isinstance(found, wasmtime.Func)
        return found

    def global_(self, name: str) -> wasmtime.Global:
        found = self._export(name)
        assert isinstance(found, wasmtime.Global)
        return found

    def memory(self) -> wasmtime.Memory:
        found = self._export("memory")
        assert isinstance(found, wasmtime.Memory)
        return found

    def bytes(self) -> bytes:
        memory = self.memory()
        return bytes(memory.read(self.store, 0, memory.data_len(self.store)))

    def __call__(self, name: str, *args: Any) -> Any:
        return self.func(name)(self.store, *args)


def guest(
    wat: str,
    *,
    metered: bool = False,
    fuel: int = 0,
    memory: int = 16 << 20,
    deadline_s: float = 60.0,
    imports: Callable[[wasmtime.Store], Sequence[wasmtime.Func]] = lambda _: (),
) -> Guest:
    """An instance of `wat` on the build's engine, in a core store with these limits."""
    store = new_store(metered, fuel=fuel, memory=memory, deadline_s=deadline_s)
    module = _module(wat, metered)
    return Guest(store, wasmtime.Instance(store, module, list(imports(store))), module)


# ----------------------------------------------------------------------------- fuel


def test_a_metered_store_starts_with_the_fuel_given() -> None:
    assert guest(LOOPS, metered=True, fuel=12_345).store.get_fuel() == 12_345


def test_fuel_runs_out_with_an_out_of_fuel_trap_after_about_the_fuel_given() -> None:
    g = guest(LOOPS, metered=True, fuel=10**9)
    count, n = g.func("count"), g.global_("n")
    start = g.store.get_fuel()
    count(g.store, 1000)
    mid = g.store.get_fuel()
    count(g.store, 3000)
    end = g.store.get_fuel()
    per_iteration = ((mid - end) - (start - mid)) / 2000  # the loop body's instructions
    assert per_iteration >= 1

    fuel = 100_000
    g.store.set_fuel(fuel)
    n.set_value(g.store, 0)
    with pytest.raises(wasmtime.Trap) as trap:
        count(g.store, 1 << 62)
    assert trap.value.trap_code == wasmtime.TrapCode.OUT_OF_FUEL
    assert g.store.get_fuel() == 0
    spent = n.value(g.store) * per_iteration
    assert abs(spent - fuel) <= fuel / 100, (
        f"the loop ran {n.value(g.store)} iterations ({spent:.0f} fuel) on {fuel} fuel"
    )


def test_the_unmetered_build_has_no_fuel() -> None:
    g = guest(LOOPS, metered=False, fuel=10)  # the fuel argument is ignored there
    with pytest.raises(wasmtime.WasmtimeError, match="fuel is not configured"):
        g.store.get_fuel()
    with pytest.raises(wasmtime.WasmtimeError, match="fuel is not configured"):
        g.store.set_fuel(10)
    g("count", 100_000)  # far more than 10 units of work: nothing counts it
    assert g.global_("n").value(g.store) == 100_000


# ----------------------------------------------------------------------------- epoch deadline


@contextlib.contextmanager
def _backstop(engine: wasmtime.Engine, ticks: int, after_s: float = 10.0) -> Iterator[None]:
    """If the ticker never ticks, end the guest's loop anyway: a broken ticker fails the
    test (its elapsed-time assertion) instead of hanging it until pytest's timeout."""

    def advance() -> None:
        for _ in range(10 * ticks):
            engine.increment_epoch()

    timer = threading.Timer(after_s, advance)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@BUILDS
def test_an_endless_loop_traps_at_the_epoch_deadline(metered: bool) -> None:
    deadline_s = 0.05
    ticks = TICKER.ticks_for(deadline_s)
    with TICKER.active(), _backstop(engine_for(metered), ticks):
        before, start = TICKER.count, time.monotonic()
        g = guest(LOOPS, metered=metered, fuel=1 << 62, deadline_s=deadline_s)
        with pytest.raises(wasmtime.Trap) as trap:
            g("spin")
        elapsed = time.monotonic() - start
        ticked = TICKER.count - before
    assert trap.value.trap_code == wasmtime.TrapCode.INTERRUPT
    assert elapsed < 5, f"the epoch trap came after {elapsed:.2f} s"
    # The backstop never fires early: the deadline plus its grace, less one partial tick.
    assert elapsed >= deadline_s + GRACE_S - TICK_S, f"the epoch trap came at {elapsed:.3f} s"
    assert ticked >= ticks - 1  # the count follows the engines' epochs


@given(
    a=st.floats(min_value=-10, max_value=1e6, allow_nan=False),
    b=st.floats(min_value=-10, max_value=1e6, allow_nan=False),
    tick_s=st.floats(min_value=1e-3, max_value=1.0),
    grace_s=st.floats(min_value=0.0, max_value=10.0),
)
def test_ticks_for_is_monotone_at_least_two_and_never_early(
    a: float, b: float, tick_s: float, grace_s: float
) -> None:
    ticker = EpochTicker(tick_s)  # no thread starts until `active()`
    lo, hi = sorted((a, b))
    assert 2 <= ticker.ticks_for(lo, grace_s) <= ticker.ticks_for(hi, grace_s)
    # n ticks from now pass no earlier than (n - 1) ticks of wall time: past seconds + grace.
    earliest = (ticker.ticks_for(hi, grace_s) - 1) * tick_s
    assert earliest >= (max(hi, 0.0) + grace_s) * (1 - 1e-9)


def test_ticks_for_treats_a_past_deadline_as_now() -> None:
    assert TICKER.ticks_for(-5.0) == TICKER.ticks_for(0.0) == int(GRACE_S / TICK_S) + 2


def test_a_ticker_advances_its_engines_and_calls_its_hooks_only_while_active() -> None:
    config = wasmtime.Config()
    config.epoch_interruption = True
    engine = wasmtime.Engine(config)
    ticker = EpochTicker(tick_s=0.005)
    ticker.add(engine)
    ticker.add(engine)  # once only
    seen: list[int] = []
    enough = threading.Event()

    def failing() -> None:
        raise RuntimeError("a broken hook")  # logged; the ticks and later hooks go on

    def hook() -> None:
        seen.append(ticker.count)
        if len(seen) >= 5:
            enough.set()

    ticker.on_tick(failing)
    ticker.on_tick(hook)
    ticker.on_tick(hook)  # once only
    store = wasmtime.Store(engine)
    store.set_epoch_deadline(3)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, LOOPS), [])
    spin = instance.exports(store)["spin"]
    assert isinstance(spin, wasmtime.Func)
    with ticker.active(), _backstop(engine, 3):
        with pytest.raises(wasmtime.Trap) as trap:
            spin(store)
        assert enough.wait(5), "the hooks were not called"
    assert trap.value.trap_code == wasmtime.TrapCode.INTERRUPT
    got = list(seen)
    assert got == list(range(got[0], got[0] + len(got))), got  # one call per tick
    # Inactive: the count stops (within a tick or two of leaving the block).
    deadline = time.monotonic() + 5
    while True:
        settled = ticker.count
        time.sleep(0.05)  # waiting for the ticker to go idle
        if ticker.count == settled or time.monotonic() > deadline:
            break
    assert ticker.count == settled, "the ticker kept ticking with no active run"


# ----------------------------------------------------------------------------- memory cap


@BUILDS
def test_memory_grow_fails_at_the_cap_in_the_guest_and_from_the_host(metered: bool) -> None:
    pages = 4
    g = guest(LOOPS, metered=metered, fuel=10**9, memory=pages * WASM_PAGE + 123)
    assert g("grow_all") == pages - 1  # 1 page to start with; memory.grow then said -1
    memory = g.memory()
    assert memory.size(g.store) == pages
    assert memory.data_len(g.store) == pages * WASM_PAGE
    with pytest.raises(wasmtime.WasmtimeError, match="failed to grow memory"):
        memory.grow(g.store, 1)
    assert memory.size(g.store) == pages
    assert g("grow_all") == 0


def test_a_module_whose_minimum_memory_exceeds_the_cap_does_not_instantiate() -> None:
    store = new_store(False, fuel=0, memory=WASM_PAGE, deadline_s=60.0)
    with pytest.raises(wasmtime.WasmtimeError, match="exceeds memory limits"):
        wasmtime.Instance(store, _module("(module (memory 2))", False), [])


def test_a_lower_cap_set_later_stops_growth_but_keeps_the_pages() -> None:
    # What a pooled instance's `attach` does: the run's cap replaces the pool's.
    g = guest(LOOPS, memory=8 * WASM_PAGE)
    assert g("grow_all") == 7
    g.store.set_limits(memory_size=2 * WASM_PAGE)
    assert g.memory().size(g.store) == 8
    assert g("grow_all") == 0
    with pytest.raises(wasmtime.WasmtimeError):
        g.memory().grow(g.store, 1)


# ----------------------------------------------------------------------------- snapshots


def _state_snapshot() -> tuple[snapshot.Snapshot, bytes]:
    """A snapshot of STATE after `init` over a fresh instance, and the initialised image."""
    done = guest(STATE)
    done("init")
    image = done.bytes()
    fresh = guest(STATE).bytes()
    taken = snapshot.take(
        image,
        fresh,
        globals={
            "g": done.global_("g").value(done.store),
            "h": done.global_("h").value(done.store),
        },
        meta={"answer": 42},
    )
    return taken, image


def _restore(taken: snapshot.Snapshot, memory: int = 16 << 20) -> Guest:
    target = guest(STATE, memory=memory)
    assert target.global_("g").value(target.store) == 7  # fresh
    taken.restore(
        target.store,
        target.memory(),
        {"g": target.global_("g"), "h": target.global_("h")},
    )
    return target


def test_a_snapshot_holds_only_the_pages_that_differ_from_a_fresh_instance() -> None:
    taken, image = _state_snapshot()
    assert taken.size == len(image) == 4 * WASM_PAGE
    assert taken.runs == STATE_RUNS
    assert taken.payload_bytes == sum(length for _, length in STATE_RUNS) == len(taken.data)
    assert dict(taken.globals) == {"g": 123456, "h": -5}


def test_restoring_a_snapshot_reproduces_memory_and_globals() -> None:
    taken, image = _state_snapshot()
    target = _restore(taken)
    assert target.memory().data_len(target.store) == len(image)
    assert target.bytes() == image
    assert target.global_("g").value(target.store) == 123456
    assert target.global_("h").value(target.store) == -5


def test_a_snapshot_written_over_the_fresh_memory_is_the_image() -> None:
    # `Snapshot.image`: what a baked module's data segments hold.
    taken, image = _state_snapshot()
    assert taken.image(guest(STATE).bytes()) == image
    assert [(offset, len(chunk)) for offset, chunk in taken.chunks()] == list(STATE_RUNS)


def test_restoring_past_the_store_memory_cap_fails_before_writing() -> None:
    taken, _ = _state_snapshot()
    target = guest(STATE, memory=2 * WASM_PAGE)
    before = target.bytes()
    with pytest.raises(wasmtime.WasmtimeError):
        taken.restore(target.store, target.memory(), {"g": target.global_("g")})
    assert target.bytes() == before
    assert target.global_("g").value(target.store) == 7


def test_a_saved_snapshot_loads_and_restores_the_same(tmp_path: Path) -> None:
    taken, image = _state_snapshot()
    path = tmp_path / "state.snapshot"
    snapshot.save(taken, path, "wat-state")
    assert path.stat().st_mode & 0o077 == 0  # private to this user
    loaded = snapshot.load(path, "wat-state")
    assert loaded is not None
    assert (loaded.size, loaded.runs, dict(loaded.globals), dict(loaded.meta)) == (
        taken.size,
        taken.runs,
        dict(taken.globals),
        dict(taken.meta),
    )
    assert loaded.data[loaded.start :] == taken.data[taken.start :]
    assert loaded.start > 0  # the file's bytes, payload after the header: `start` in use
    assert _restore(loaded).bytes() == image


def _encode(kind: str, header: dict[str, Any], payload: bytes) -> bytes:
    """The documented file format (see `_snapshot`'s module doc)."""
    name = kind.encode("ascii")
    head = json.dumps(header).encode()
    return (
        b"embedsandbox-snapshot\n"
        + bytes([len(name)])
        + name
        + struct.pack("<Q", len(head))
        + head
        + payload
    )


def _header(taken: snapshot.Snapshot, **changes: Any) -> dict[str, Any]:
    payload = taken.data[taken.start :]
    header: dict[str, Any] = {
        "size": taken.size,
        "runs": [list(run) for run in taken.runs],
        "globals": dict(taken.globals),
        "meta": dict(taken.meta),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    header.update(changes)
    return header


def test_the_file_format_is_the_documented_one(tmp_path: Path) -> None:
    taken, _ = _state_snapshot()
    path = tmp_path / "state.snapshot"
    snapshot.save(taken, path, "wat-state")
    assert path.read_bytes() == _encode("wat-state", _header(taken), taken.data[taken.start :])


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Each: a file that `load(path, "wat-state")` must refuse, made from the valid one.
_BAD_FILES: dict[str, Callable[[snapshot.Snapshot, bytes], bytes]] = {
    "empty": lambda taken, good: b"",
    "not ours": lambda taken, good: b"\x7fELF" + good[4:],
    "truncated payload": lambda taken, good: good[:-1],
    "truncated header": lambda taken, good: good[:40],
    "flipped payload byte": lambda taken, good: good[:-1] + bytes([good[-1] ^ 1]),
    "header not JSON": lambda taken, good: _encode("wat-state", {}, b"")[:-2] + b"{]",
    "no digest": lambda taken, good: _encode(
        "wat-state",
        {k: v for k, v in _header(taken).items() if k != "sha256"},
        taken.data[taken.start :],
    ),
    "overlapping runs": lambda taken, good: _encode(
        "wat-state",
        _header(taken, runs=[[0, 8192], [4096, 4096]]),
        taken.data[taken.start : taken.start + 12288],
    ),
    "run past the size": lambda taken, good: _encode(
        "wat-state",
        _header(taken, size=4096, runs=[[0, 8192]]),
        taken.data[taken.start : taken.start + 8192],
    ),
    "empty run": lambda taken, good: _encode(
        "wat-state", _header(taken, runs=[[0, 0], *taken.runs]), taken.data[taken.start :]
    ),
    "runs not pairs": lambda taken, good: _encode(
        "wat-state", _header(taken, runs=[[0]]), taken.data[taken.start :]
    ),
    "trailing bytes": lambda taken, good: _encode(
        "wat-state",
        _header(taken, sha256=_sha(taken.data[taken.start :] + b"x")),
        taken.data[taken.start :] + b"x",
    ),
    "globals not numbers": lambda taken, good: _encode(
        "wat-state", _header(taken, globals={"g": "x"}), taken.data[taken.start :]
    ),
}


@pytest.mark.parametrize("case", sorted(_BAD_FILES))
def test_a_damaged_or_foreign_file_loads_as_none(tmp_path: Path, case: str) -> None:
    taken, _ = _state_snapshot()
    path = tmp_path / "state.snapshot"
    snapshot.save(taken, path, "wat-state")
    assert snapshot.load(path, "wat-state") is not None
    path.write_bytes(_BAD_FILES[case](taken, path.read_bytes()))
    assert snapshot.load(path, "wat-state") is None


@pytest.mark.parametrize("kind", ["wat-other", "wat-stat", "wat-states"])
def test_a_snapshot_of_another_kind_loads_as_none(tmp_path: Path, kind: str) -> None:
    taken, _ = _state_snapshot()
    path = tmp_path / "state.snapshot"
    snapshot.save(taken, path, "wat-state")
    assert snapshot.load(path, kind) is None


def test_a_missing_file_loads_as_none(tmp_path: Path) -> None:
    assert snapshot.load(tmp_path / "absent", "wat-state") is None


# Two-symbol bytes make equal pages common, so runs start and end everywhere.
_SMALL_BYTES = st.lists(st.sampled_from([0, 1]), max_size=48).map(bytes)


@given(image=_SMALL_BYTES, fresh=_SMALL_BYTES, page=st.sampled_from([1, 2, 4, 8]))
def test_differing_runs_rebuild_the_image_from_fresh(image: bytes, fresh: bytes, page: int) -> None:
    runs = snapshot.differing_runs(image, fresh, page)
    rebuilt = bytearray(fresh[: len(image)].ljust(len(image), b"\0"))
    end = -page  # a run starts at least one (equal) page after the previous one ends
    for offset, chunk in runs:
        assert offset % page == 0, runs
        assert offset >= end + page, runs
        assert chunk, runs
        assert len(chunk) % page == 0 or offset + len(chunk) == len(image), runs
        rebuilt[offset : offset + len(chunk)] = chunk
        end = offset + len(chunk)
    assert bytes(rebuilt) == image


@given(
    pages=st.integers(min_value=0, max_value=8),
    data=st.data(),
    page=st.sampled_from([1, 2, 4, 8]),
)
def test_differing_runs_hold_exactly_the_pages_that_differ(
    pages: int, data: st.DataObject, page: int
) -> None:
    # Whole pages (what linear memories always are): a page is in a run iff it differs.
    image = data.draw(
        st.lists(st.sampled_from([0, 1]), min_size=pages * page, max_size=pages * page).map(bytes)
    )
    fresh = data.draw(_SMALL_BYTES)
    padded = fresh.ljust(len(image), b"\0")
    inside = {
        at // page
        for offset, chunk in snapshot.differing_runs(image, fresh, page)
        for at in range(offset, offset + len(chunk), page)
    }
    differ = {
        i
        for i in range(pages)
        if image[i * page : (i + 1) * page] != padded[i * page : (i + 1) * page]
    }
    assert inside == differ


# Whole 4 KiB pages of one of three contents, as in a real memory image.
_PAGES = [bytes(snapshot.PAGE), b"\xab" * snapshot.PAGE, bytes(range(256)) * (snapshot.PAGE // 256)]


@given(
    image_pages=st.lists(st.sampled_from(_PAGES), max_size=8),
    fresh_pages=st.lists(st.sampled_from(_PAGES), max_size=8),
    globals_=st.dictionaries(
        st.text("abc", min_size=1, max_size=3), st.integers(-(2**63), 2**63 - 1)
    ),
    meta=st.dictionaries(st.text("xyz", min_size=1, max_size=3), st.integers(0, 2**40)),
)
def test_save_then_load_gives_the_same_snapshot(
    image_pages: list[bytes],
    fresh_pages: list[bytes],
    globals_: dict[str, int],
    meta: dict[str, int],
) -> None:
    image, fresh = b"".join(image_pages), b"".join(fresh_pages)
    taken = snapshot.take(image, fresh, globals=globals_, meta=meta)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.snapshot"
        snapshot.save(taken, path, "prop")
        loaded = snapshot.load(path, "prop")
        declared = snapshot.read_digest(path, "prop")
    assert loaded is not None
    assert declared == loaded.digest == taken.digest
    assert loaded.image(fresh) == image
    assert (loaded.size, loaded.runs, dict(loaded.globals), dict(loaded.meta)) == (
        len(image),
        taken.runs,
        globals_,
        meta,
    )
    assert loaded.data[loaded.start :] == taken.data


# ----------------------------------------------------------------------------- guest threads


def test_guest_threads_have_room_for_the_whole_wasm_stack() -> None:
    # The frames a guest can nest before wasmtime's stack-overflow trap scale with the
    # build's max_wasm_stack (8 MiB; a 1 MiB engine as the yardstick), and the guest
    # thread's native stack holds all of them: a clean trap, not a crash.
    assert MAX_WASM_STACK == 8 << 20
    assert "stack8m" in build_tag(False) and "stack8m" in build_tag(True)

    def deepest(store: wasmtime.Store, instance: wasmtime.Instance) -> int:
        exports = instance.exports(store)
        forever, depth = exports["forever"], exports["depth"]
        assert isinstance(forever, wasmtime.Func) and isinstance(depth, wasmtime.Global)
        with pytest.raises(wasmtime.Trap) as trap:
            forever(store)
        assert trap.value.trap_code == wasmtime.TrapCode.STACK_OVERFLOW
        return int(depth.value(store))

    def work() -> tuple[int, int, int]:
        core = guest(RECURSION)
        full = deepest(core.store, core.instance)
        config = wasmtime.Config()
        config.epoch_interruption = True  # the same code as the core's unmetered build
        config.max_wasm_stack = 1 << 20
        engine = wasmtime.Engine(config)
        store = wasmtime.Store(engine)
        store.set_epoch_deadline(1 << 40)
        small = deepest(store, wasmtime.Instance(store, wasmtime.Module(engine, RECURSION), []))
        deep = guest(RECURSION)
        return full, small, deep("down", full * 9 // 10)

    full, small, returned = run_on_guest_thread(work)
    assert 7.5 < full / small < 8.5, (full, small)
    assert returned == full * 9 // 10  # a deep but legal recursion completes


def test_run_on_guest_thread_runs_on_a_named_guest_thread_in_the_callers_context() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var")
    var.set("the caller's")
    name, ident, value = run_on_guest_thread(
        lambda: (threading.current_thread().name, threading.get_ident(), var.get())
    )
    assert name == "embedsandbox-guest"
    assert ident != threading.get_ident()
    assert value == "the caller's"


class _Stop(BaseException):
    pass


@pytest.mark.parametrize("error", [ValueError("no"), _Stop()], ids=["Exception", "BaseException"])
def test_run_on_guest_thread_reraises_the_exception_and_still_runs_after(
    error: BaseException,
) -> None:
    ran = threading.Event()
    threads: list[int] = []

    def fn() -> None:
        threads.append(threading.get_ident())
        raise error

    def after() -> None:
        threads.append(threading.get_ident())
        ran.set()

    with pytest.raises(type(error)) as raised:
        run_on_guest_thread(fn, after=after)
    assert raised.value is error
    assert ran.wait(5), "after() did not run"
    assert threads[0] == threads[1] != threading.get_ident()


def test_run_on_guest_thread_returns_the_result_and_a_failing_after_is_not_raised() -> None:
    ran = threading.Event()

    def after() -> None:
        ran.set()
        raise RuntimeError("freeing failed")  # logged at debug level, never raised

    assert run_on_guest_thread(lambda: 41 + 1, after=after) == 42
    assert ran.wait(5)
    assert run_on_guest_thread(lambda: "next") == "next"  # the thread serves the next run


def test_concurrent_runs_never_wait_for_each_other() -> None:
    together = threading.Barrier(3, timeout=5)  # breaks if runs were serialised
    results: list[int] = []

    def caller(n: int) -> None:
        results.append(run_on_guest_thread(lambda: (together.wait(), n)[1]))

    callers = [threading.Thread(target=caller, args=(n,)) for n in range(3)]
    for t in callers:
        t.start()
    for t in callers:
        t.join(10)
    assert sorted(results) == [0, 1, 2]


# ----------------------------------------------------------------------------- fast_caller


class _HostStop(BaseException):
    """Like the engines' GuestStop: raised in a host import to end the guest at once."""


_host_failures: list[BaseException] = []


def _fail() -> None:
    raise _host_failures[-1]


@functools.cache
def _calls() -> Guest:
    def imports(store: wasmtime.Store) -> list[wasmtime.Func]:
        return [wasmtime.Func(store, wasmtime.FuncType([], []), _fail)]

    return guest(CALLS, imports=imports)


def _fast(name: str) -> Callable[..., Any]:
    g = _calls()
    return fast_caller(g.store, g.func(name), module=g.module, name=name)


I32 = st.integers(-(2**31), 2**31 - 1)
I64 = st.integers(-(2**63), 2**63 - 1)


@given(a=I32, b=I32, c=I64)
def test_fast_calls_give_the_public_calls_results(a: int, b: int, c: int) -> None:
    g = _calls()
    for name, args in (("add", (a, b)), ("mix", (c, a)), ("high", (c,)), ("answer", ())):
        assert _fast(name)(*args) == g(name, *args), (name, args)
    assert _fast("keep")(a) is None
    assert g.global_("last").value(g.store) == a


def test_exports_that_are_not_all_integer_take_the_public_path() -> None:
    assert _fast("wide")(2**40 + 3) == 2**40 + 3
    assert _fast("twice")(1.25) == 2.5


def test_a_fast_call_raises_the_trap() -> None:
    with pytest.raises(wasmtime.Trap) as trap:
        _fast("boom")()
    assert trap.value.trap_code == wasmtime.TrapCode.UNREACHABLE
    with pytest.raises(wasmtime.Trap) as trap:
        _fast("trap_if")(1)
    assert trap.value.trap_code == wasmtime.TrapCode.UNREACHABLE
    assert _fast("trap_if")(0) == 1  # a trap unwinds; the instance is still usable


@pytest.mark.parametrize("error", [_HostStop(), ValueError("host")], ids=["stop", "error"])
def test_a_fast_call_reraises_what_a_host_import_raised(error: BaseException) -> None:
    _host_failures.append(error)
    with pytest.raises(type(error)) as raised:
        _fast("call_host")(5)
    assert raised.value is error
    g = _calls()
    with pytest.raises(type(error)) as raised:  # the public path does the same
        g("call_host", 5)
    assert raised.value is error


@pytest.mark.parametrize(
    ("name", "args"),
    [("add", (1,)), ("add", (1, 2, 3)), ("answer", (1,)), ("high", ())],
)
def test_a_fast_call_with_the_wrong_number_of_arguments_raises_type_error(
    name: str, args: tuple[int, ...]
) -> None:
    with pytest.raises(TypeError, match="wrong number of arguments"):
        _fast(name)(*args)


# ----------------------------------------------------------------------------- door framing
# PLACEHOLDER (door framing): `_core/_door.py` (the host door's op + payload framing) is being
# added by another change; its WAT-level tests belong here once it lands.
