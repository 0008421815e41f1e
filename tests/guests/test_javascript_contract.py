"""The quickjs-rs internals the JavaScript engine relies on (pinned: quickjs-rs==0.2.6).

`_engines/_javascript/_quickjs.py` is the only module that imports quickjs_rs, and its
`PRIVATE_NAMES` lists the private names it uses. It also subclasses `_engine._Instance`
without calling its `__init__` (mirroring every attribute it sets), overrides `c` and
`_host_call`, and makes contexts through `QjsRuntime._new_instance`. None of that is public
API, so a new quickjs-rs release must fail here, by name and with one sentence saying what
changed, before it fails anywhere subtler.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import inspect
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import quickjs_rs._engine as qjs_engine
import quickjs_rs._transform as qjs_transform
import quickjs_rs._wasmtime as qjs_wasmtime
import wasmtime

from embedsandbox import Sandbox
from embedsandbox._engines._core import run_on_guest_thread
from embedsandbox._engines._javascript import _quickjs as qjs
from embedsandbox._engines._javascript._runtime import WasmRuntime

VERSION = importlib.metadata.version("quickjs-rs")
_UPDATE = "update _javascript/_quickjs.py (and its PRIVATE_NAMES) for the new release"

# What quickjs-rs 0.2.6's `_Instance.__init__` sets: `GuestInstance.__init__` mirrors each.
INSTANCE_ATTRIBUTES_0_2_6 = {
    "build_id",
    "store",
    "interrupt_handler",
    "inst",
    "mem",
    "sp",
    "_exports",
    "module_touched",
    "sync_dispatch",
    "async_dispatch",
    "name_to_fn_id",
    "async_names",
    "in_sync_eval",
    "sync_eval_hit_async",
    "module_normalize",
    "module_load",
    "runtime_transform_flags",
    "module_transform_flags",
    "source_transformer",
    "_closed",
}
TRANSFORM_ATTRIBUTES_0_2_6 = {"store", "inst", "mem", "_exports", "_closed"}
# The `_Instance` methods `GuestInstance` replaces on purpose (see `_quickjs`'s module doc).
OVERRIDDEN = {"__init__", "c", "_host_call"}


def _set_on_self(fn: Callable[..., Any]) -> set[str]:
    """The `self.<name> = ...` (or annotated, or augmented) assignments in `fn`'s body."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    names: set[str] = set()
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        while targets:
            target = targets.pop()
            if isinstance(target, (ast.Tuple, ast.List)):
                targets.extend(target.elts)
            elif (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                names.add(target.attr)
    return names


def _module_prefix(dotted: str) -> tuple[ModuleType, list[str]]:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            return importlib.import_module(".".join(parts[:cut])), parts[cut:]
        except ImportError:
            continue
    pytest.fail(f"{dotted}: no module of it imports in quickjs-rs {VERSION}; {_UPDATE}")


def _params(fn: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(fn).parameters)


def test_the_pinned_release_is_installed() -> None:
    assert VERSION == "0.2.6", (
        f"quickjs-rs {VERSION} is installed, but the adapter mirrors 0.2.6's internals; "
        f"check this file's expectations against it, then {_UPDATE}"
    )


@pytest.mark.parametrize("dotted", qjs.PRIVATE_NAMES)
def test_every_private_name_the_adapter_uses_resolves(dotted: str) -> None:
    owner: object
    owner, rest = _module_prefix(dotted)
    assert rest, f"{dotted} is a module; PRIVATE_NAMES lists attributes"
    for attr in rest:
        # A slot (an instance attribute of a __slots__ class) resolves on the class too.
        assert hasattr(owner, attr), f"{dotted}: quickjs-rs {VERSION} has no {attr!r}; {_UPDATE}"
        owner = getattr(owner, attr)


def test_a_handle_keeps_its_guest_handle_in_the_handle_slot() -> None:
    # `handle_id` reads `QjsHandle._handle`, set by `_adopt` (the only way to make one).
    assert "_handle" in qjs_engine.QjsHandle.__slots__, (
        f"QjsHandle's slots are now {qjs_engine.QjsHandle.__slots__}: handle_id reads _handle"
    )
    assert "_handle" in _set_on_self(qjs_engine.QjsHandle._adopt), (
        "QjsHandle._adopt no longer sets _handle: handle_id and adopt_handle are out of date"
    )


def test_the_private_functions_keep_their_signatures() -> None:
    expected: dict[str, tuple[Callable[..., Any], list[str]]] = {
        "_engine._build_shared_linker": (qjs_engine._build_shared_linker, ["engine"]),
        "_engine._read_guest_wasm": (qjs_engine._read_guest_wasm, []),
        "_transform._read_transform_wasm": (qjs_transform._read_transform_wasm, []),
        "_wasmtime.default_wasi_linker": (qjs_wasmtime.default_wasi_linker, ["engine"]),
        "_engine.QjsHandle._adopt": (qjs_engine.QjsHandle._adopt, ["inst", "handle", "context"]),
        "_engine.QjsContext.__init__": (qjs_engine.QjsContext.__init__, ["self", "runtime"]),
        "_engine.QjsRuntime._new_instance": (qjs_engine.QjsRuntime._new_instance, ["self"]),
        "_engine._Instance.c": (qjs_engine._Instance.c, ["self", "name", "args"]),
        "_engine._Instance._host_call": (
            qjs_engine._Instance._host_call,
            ["self", "name_ptr", "name_len", "this", "argc", "argv_ptr"],
        ),
        "_engine._Instance._new_string": (qjs_engine._Instance._new_string, ["self", "s"]),
        "_transform._TransformInstance.transform": (
            qjs_transform._TransformInstance.transform,
            ["self", "name", "source", "flags"],
        ),
    }
    for name, (fn, params) in expected.items():
        assert _params(fn) == params, (
            f"quickjs_rs.{name} now takes {_params(fn)}, not {params}; {_UPDATE}"
        )
    flags = inspect.signature(qjs_transform._TransformInstance.transform).parameters["flags"]
    assert flags.kind is inspect.Parameter.KEYWORD_ONLY
    runtime = inspect.signature(qjs_engine.QjsRuntime.__init__).parameters
    assert {"memory_limit", "stack_limit", "transform_flags"} <= set(runtime), (
        f"QjsRuntime.__init__ now takes {list(runtime)}: _GuestRuntime passes "
        "memory_limit, stack_limit and transform_flags"
    )


def test_the_constants_keep_their_values() -> None:
    assert (qjs_engine.STATUS_OK, qjs_engine.HOST_CALL_ERROR) == (0, -1)
    assert (
        qjs_transform.FLAG_SOURCE_TS,
        qjs_transform.FLAG_SOURCE_TSX,
        qjs_transform.FLAG_STRIP_TYPESCRIPT,
    ) == (1, 2, 256), "the transformer's flag bits changed: TS_FLAGS/TSX_FLAGS are wrong"


def test_contexts_get_their_instance_from_the_runtimes_new_instance() -> None:
    # `new_context` hands its factory's GuestInstance to QjsContext through this hook.
    assert "runtime._new_instance()" in inspect.getsource(qjs_engine.QjsContext.__init__), (
        "QjsContext.__init__ no longer calls runtime._new_instance(): new_context would "
        "get quickjs-rs's own instance (default engine, no limits, host stdio)"
    )


def test_the_host_import_trampolines_route_through_cur() -> None:
    # The linker's env.host_call dispatches to `_CUR.inst._host_call`: GuestInstance.c sets
    # `_CUR.inst`, and its `_host_call` is our door.
    source = inspect.getsource(qjs_engine._tramp_host_call)
    assert "_CUR.inst" in source and "._host_call(" in source, (
        "env.host_call no longer dispatches to _CUR.inst._host_call: GuestInstance's door "
        "is not called"
    )


def test_guest_instance_sets_every_attribute_instance_init_sets() -> None:
    upstream = _set_on_self(qjs_engine._Instance.__init__)
    ours = _set_on_self(qjs.GuestInstance.__init__)
    missing = upstream - ours
    assert not missing, (
        f"quickjs-rs {VERSION}'s _Instance.__init__ now sets {sorted(missing)}, which "
        "GuestInstance.__init__ does not: mirror them there"
    )
    assert upstream == INSTANCE_ATTRIBUTES_0_2_6, (
        f"quickjs-rs {VERSION}'s _Instance.__init__ sets different attributes than 0.2.6 "
        f"(added {sorted(upstream - INSTANCE_ATTRIBUTES_0_2_6)}, dropped "
        f"{sorted(INSTANCE_ATTRIBUTES_0_2_6 - upstream)}): review GuestInstance.__init__"
    )


def test_transform_instance_sets_every_attribute_its_base_init_sets() -> None:
    upstream = _set_on_self(qjs_transform._TransformInstance.__init__)
    ours = _set_on_self(qjs.TransformInstance.__init__)
    assert upstream <= ours, (
        f"quickjs-rs {VERSION}'s _TransformInstance.__init__ now sets "
        f"{sorted(upstream - ours)}, which TransformInstance.__init__ does not: mirror them"
    )
    assert upstream == TRANSFORM_ATTRIBUTES_0_2_6, (
        f"_TransformInstance.__init__ sets {sorted(upstream)}, not 0.2.6's "
        f"{sorted(TRANSFORM_ATTRIBUTES_0_2_6)}: review TransformInstance.__init__"
    )


def test_guest_instance_adds_no_name_that_instance_already_has() -> None:
    # A name GuestInstance adds that _Instance also has would silently replace quickjs-rs's
    # own (an attribute its methods read, or a method they call).
    ours = (set(vars(qjs.GuestInstance)) | _set_on_self(qjs.GuestInstance.__init__)) - {
        "__module__",
        "__doc__",
        "__qualname__",
        "__annotations__",
        "__firstlineno__",
        "__static_attributes__",
    }
    upstream = set(dir(qjs_engine._Instance)) | _set_on_self(qjs_engine._Instance.__init__)
    clashes = (ours & upstream) - OVERRIDDEN - INSTANCE_ATTRIBUTES_0_2_6
    assert not clashes, (
        f"quickjs-rs {VERSION}'s _Instance now has {sorted(clashes)}, which GuestInstance "
        "also defines: rename ours or check the override is meant"
    )


# ----------------------------------------------------------------------------- a real guest


class _Host:
    """The least a run gives an instance: records host messages, answers each one."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def on_host_message(self, message: str) -> str | None:
        self.messages.append(message)
        return f"reply to {message}"

    def write_extent(self, address: int, length: int) -> int:
        return length

    def interrupt(self) -> bool:
        return False

    def normalize(self, base: str, spec: str) -> str | None:
        return None

    def load(self, name: str) -> str | None:
        return None


@pytest.fixture(scope="module")
def cache_dir(sandbox: Sandbox) -> Path:
    # The suite's shared cache: the compiled guest is not compiled again for this module.
    return sandbox._cache_dir / "javascript"


@pytest.mark.guest
def test_a_real_guest_runs_on_the_core_store_through_quickjs_rs_internals(
    cache_dir: Path,
) -> None:
    rt = WasmRuntime.get(cache_dir, metered=False)
    made: list[qjs.GuestInstance] = []

    def factory() -> qjs.GuestInstance:
        inst = rt.new_instance(memory=64 << 20, deadline_s=30.0)
        made.append(inst)
        return inst

    def work() -> tuple[int, Any, Any, list[str]]:
        ctx = qjs.new_context(factory)
        try:
            assert ctx._inst is made[0], "QjsContext did not take the factory's instance"
            inst = made[0]
            host = _Host()
            inst.attach(host, memory=64 << 20, deadline_s=30.0)
            ctx.register_host_function(qjs.HOST_FN_NAME, 1)
            handle = ctx.eval_handle("({answer: 42})")
            assert type(handle) is qjs_engine.QjsHandle
            guest_handle = qjs.handle_id(handle)
            again = qjs.adopt_handle(inst, guest_handle, ctx)
            answer = again.get("answer").to_python()
            reply = ctx.eval(f'{qjs.HOST_FN_NAME}("1hello")')
            return guest_handle, answer, reply, host.messages
        finally:
            ctx.close()

    guest_handle, answer, reply, messages = run_on_guest_thread(work)
    assert guest_handle > 0
    assert answer == 42
    assert messages == ["1hello"]  # env.host_call -> _CUR -> GuestInstance._host_call
    assert reply == "reply to 1hello"
    assert made[0].trap_code is None and not made[0].dead


@pytest.mark.guest
def test_the_transformer_strips_types_on_the_core_store(cache_dir: Path) -> None:
    module, linker = WasmRuntime.get(cache_dir, metered=True).transform()

    def work() -> str:
        inst = qjs.TransformInstance(
            module=module, linker=linker, fuel=1 << 30, memory=64 << 20, deadline_s=30.0
        )
        try:
            assert isinstance(inst.store, wasmtime.Store)
            return inst.transform("main.ts", b"let x: number = 1;\n", flags=qjs.TS_FLAGS)
        finally:
            inst.close()

    out = run_on_guest_thread(work)
    assert "let x = 1" in out and "number" not in out
