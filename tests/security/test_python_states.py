"""Python guests start from a shared state with common modules imported: still fresh each run.

Threat: a run changes a module every guest shares (its functions, its globals, sys.modules,
the random generator's state) and the next run, another user's, sees the change. Contained:
each guest's memory starts copy-on-write from the state; what a run writes is its own copy.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from embedsandbox import PoolOptions, Sandbox
from embedsandbox._engines._python import PREIMPORTED

pytestmark = pytest.mark.guest

MUTATE = """
import sys, json, typing, random, re, collections, statistics, functools
json.dumps = lambda *a, **k: 'hijacked'
typing.List = 'hijacked'
statistics.mean = None
collections.Counter.leak = 1
re.compile('(?P<x>leak)')
random.seed(1234)
functools.LEAK = [1] * 1000
del sys.modules['fractions']
sys.modules['injected'] = json
sys.path.insert(0, '/evil')
import builtins
builtins.print_orig = print
print('mutated')
"""

CHECK = """
import sys, json, typing, statistics, collections, functools, builtins
print(json.dumps({
    'dumps': json.dumps([1]),
    'list': repr(typing.List),
    'mean': statistics.mean([1, 2, 3]),
    'leak': hasattr(collections.Counter, "leak") or hasattr(functools, 'LEAK'),
    'fractions': 'fractions' in sys.modules,
    'injected': 'injected' in sys.modules,
    'evil': '/evil' in sys.path,
    'builtins': hasattr(builtins, 'print_orig'),
}))
"""

CLEAN = {
    "dumps": "[1]",
    "list": "typing.List",
    "mean": 2,
    "leak": False,
    "fractions": True,
    "injected": False,
    "evil": False,
    "builtins": False,
}


@pytest.mark.parametrize("pooled", [False, True], ids=["fresh", "pooled"])
def test_a_run_that_mutates_the_shared_modules_leaves_no_trace(
    sandbox: Sandbox, pooled: bool
) -> None:
    most = 2 if pooled else 0
    with Sandbox(
        store=None, cache_dir=sandbox._cache_dir, pool=PoolOptions(max_cached_instances=most)
    ) as sb:
        for _ in range(3):
            mutated = sb.run_script(language="python", code=MUTATE)
            assert mutated.stdout == "mutated\n", mutated.stderr
            after = sb.run_script(language="python", code=CHECK)
            assert json.loads(after.stdout) == CLEAN, after.stderr


def test_the_random_generator_is_seeded_afresh_for_every_run(sandbox: Sandbox) -> None:
    # `random` is imported in the shared state: seeded once there, every run would draw
    # the same numbers.
    code = "import random; print(random.random(), random.getrandbits(64))"
    seen = {sandbox.run_script(language="python", code=code).stdout for _ in range(4)}
    assert len(seen) == 4


def test_common_modules_cost_a_run_no_import(sandbox: Sandbox) -> None:
    """Fuel counts instructions: importing them all costs a run next to nothing."""
    base = sandbox.run_script(language="python", code="pass")
    names = ", ".join(PREIMPORTED)
    imports = sandbox.run_script(language="python", code=f"import {names}\nfrom typing import List")
    assert imports.exit_code == 0, imports.stderr
    assert base.fuel_used is not None and imports.fuel_used is not None
    # Importing `statistics` alone in a guest without the state is tens of millions.
    assert imports.fuel_used - base.fuel_used < 2_000_000
    unlisted = sandbox.run_script(language="python", code="import xml.dom.minidom")
    assert unlisted.fuel_used is not None
    assert unlisted.fuel_used - base.fuel_used > 2_000_000, "a module not in the list is imported"


def test_python_imports_make_a_state_with_them_imported(sandbox: Sandbox) -> None:
    with Sandbox(
        store=None,
        cache_dir=sandbox._cache_dir,
        python_imports=["numpy", "pandas"],
        pool=PoolOptions(max_cached_instances=0),
    ) as sb:
        base = sb.run_script(language="python", code="pass")
        imported = sb.run_script(
            language="python",
            code="import pandas as pd\nprint(pd.DataFrame({'a': [1, 2]}).sum()['a'])",
        )
        assert imported.stdout == "3\n", imported.stderr
        assert base.fuel_used is not None and imported.fuel_used is not None
        # Importing pandas in a guest without the state takes about 4,000 million.
        assert imported.fuel_used - base.fuel_used < 100_000_000
        mutate = (
            "import numpy as np, pandas as pd\n"
            "pd.DataFrame.leak = 1\npd.options.display.max_rows = 3\nnp.pi = 3\n"
            "np.random.seed(0)\nprint('mutated')"
        )
        check = (
            "import numpy as np, pandas as pd\n"
            "print(hasattr(pd.DataFrame, 'leak'), pd.options.display.max_rows, np.pi > 3.14)"
        )
        draws = set()
        for _ in range(3):
            assert sb.run_script(language="python", code=mutate).stdout == "mutated\n"
            assert sb.run_script(language="python", code=check).stdout == "False 60 True\n"
            draw = sb.run_script(language="python", code="import numpy; print(numpy.random.rand())")
            draws.add(draw.stdout)
        assert len(draws) == 3, "numpy's global generator is seeded afresh for every run"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("numpy", "must be a list of module names"),
        (["numpy", "os; import x"], "is not a module name"),
        ([3], "must be a list of module names"),
        (["\ud800"], "is not a module name"),
        (["numpy\n"], "is not a module name"),
        (["a" * 10_000 + "\x00"], "is not a module name"),
    ],
)
def test_python_imports_are_checked(value: object, message: str) -> None:
    from embedsandbox.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match=message):
        Sandbox(store=None, python_imports=value)  # type: ignore[arg-type]


def test_a_reused_slot_starts_byte_for_byte_in_the_state(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threat: a guest's memory reused for the next one keeps what the first wrote.

    Contained: every page the run wrote is copied back from the state (`_core/_slots.py`);
    a memory that grew is never reused.
    """
    import ctypes

    from embedsandbox._engines._base import Invocation
    from embedsandbox._engines._core import _slots, memory_address, run_on_guest_thread
    from embedsandbox._engines._python import PythonEngine
    from embedsandbox._engines._python._doors import JobDoor

    engine = PythonEngine(sandbox._cache_dir / "python")
    scribble = (
        "import json, gc\n"
        "junk = [bytes([i % 251]) * 4000 for i in range(400)]\n"  # 1.6 MB: within its size
        "json.SECRET = 'left behind'\n"
        "del junk; gc.collect()\n"
        "print('done')"
    )

    def run(guest: object, code: str) -> bytes:
        done = guest.run(  # type: ignore[attr-defined]
            files={},
            host=JobDoor(Invocation(language="python", code=code, entry="script")),
            fuel=10**12,
            deadline_s=60,
            memory_bytes=1 << 30,
            output_bytes=1 << 20,
        )
        return bytes(done.stdout)

    def keep_for(me: int, slots: Any, slot: Any) -> Callable[[str], Any]:
        # Other Sandboxes' pool fillers in this process take slots of the same state: the
        # scribbled one goes to this thread's next guest only, and to no one else's.
        def take(key: str) -> Any:
            with slots._lock:
                free = slots._free.get(key, [])
                if threading.get_ident() == me:
                    if slot in free:
                        free.remove(slot)
                        return slot
                    return None
                others = [s for s in free if s is not slot]
                if others:
                    free.remove(others[-1])
                    return others[-1]
                return None

        return take

    def check() -> None:
        rt = engine._runtime()
        first = engine._new_guest(None)
        slot = first._slot
        assert slot is not None
        # The slot may come from the pool, worn by earlier guests, and other pools give
        # theirs back meanwhile: room for it to be kept after this guest either way.
        slot.guests = 0
        monkeypatch.setattr(_slots, "_KEEP", 1 << 20)
        rt.slots.take = keep_for(threading.get_ident(), rt.slots, slot)
        try:
            assert run(first, scribble) == b"done\n"
            first.discard()
            second = engine._new_guest(None)
        finally:
            del rt.slots.take
        try:
            assert second.reused and second._slot is slot
            _, reference, size = rt.slots._references[slot.key]
            memory = slot.memory
            assert memory.data_len(slot.store) == size
            have = ctypes.string_at(memory_address(memory, slot.store), size)
            assert have == ctypes.string_at(reference, size), "the reset memory is the state's"
            assert run(second, "import json; print(hasattr(json, 'SECRET'))") == b"False\n"
        finally:
            second.discard()
        grower = engine._new_guest(None)
        assert run(grower, "x = bytearray(200 << 20); print('grew')") == b"grew\n"
        grown = grower._slot
        grower.discard()
        after = engine._new_guest(None)
        try:
            assert after._slot is not grown, "a memory that grew is not reused"
        finally:
            after.discard()

    try:
        run_on_guest_thread(check)
    finally:
        engine.close()
