"""What `import` and `require()` in a JavaScript run can reach, served by the host.

A run's modules are: its main file, the request's files (TypeScript stripped on load), Node
style built-ins the prelude implements (`node:fs`, `path`, `util`, ...), and a runtime
revision's `node_modules` (resolved by `_node_modules.NodeModules`, confined to its folder).
Everything here answers guest-controlled input and never raises into the guest's loader.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Mapping
from typing import Final

from ._node_modules import PREFIX, NodeModules, ResolveError
from ._quickjs import well_formed
from ._typescript import TransformFailed

__all__ = ["BUILTIN_EXPORTS", "Modules"]

# The name of a module that throws why an import could not be resolved.
_MODULE_ERROR: Final = "(unresolved module) "
_CJS_EXPORT: Final = re.compile(
    r"(?:^|[^.\w$])(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=(?!=)", re.MULTILINE
)
_TS_SUFFIXES: Final = (".ts", ".mts", ".cts", ".tsx")

# Node-style built-in modules served to `import`: canonical name -> named exports.
BUILTIN_EXPORTS: Final[dict[str, tuple[str, ...]]] = {
    "fs": (
        "readFileSync",
        "writeFileSync",
        "appendFileSync",
        "existsSync",
        "readdirSync",
        "mkdirSync",
        "unlinkSync",
        "rmdirSync",
        "rmSync",
        "renameSync",
        "copyFileSync",
        "statSync",
        "lstatSync",
        "constants",
        "promises",
        "readFile",
        "writeFile",
        "appendFile",
        "readdir",
        "mkdir",
        "unlink",
        "rm",
        "rename",
        "stat",
        "exists",
    ),
    "fs/promises": (
        "readFile",
        "writeFile",
        "appendFile",
        "readdir",
        "mkdir",
        "unlink",
        "rm",
        "rmdir",
        "rename",
        "copyFile",
        "stat",
        "lstat",
        "access",
    ),
    "path": (
        "sep",
        "delimiter",
        "normalize",
        "join",
        "resolve",
        "isAbsolute",
        "dirname",
        "basename",
        "extname",
        "relative",
        "parse",
        "format",
        "posix",
    ),
    "path/posix": (),
    "process": ("argv", "env", "exit", "cwd", "platform", "nextTick", "hrtime", "stdout", "stderr"),
    "util": ("format", "inspect", "isDeepStrictEqual", "promisify", "types"),
    "buffer": ("Buffer",),
}


class Modules:
    """One run's module graph: normalize and load for QuickJS, `require` for the prelude.

    `strip(name, source)` turns TypeScript into JavaScript within the run's deadline.
    """

    def __init__(
        self,
        main_name: str,
        files: Mapping[str, str],
        node_modules: NodeModules | None,
        strip: Callable[[str, str], str],
    ) -> None:
        self.main_name = main_name
        self.main_source = ""
        self.files = files
        self.node_modules = node_modules
        self._strip = strip
        self._errors: dict[str, str] = {}

    def require(self, payload: str) -> str:
        """The prelude's `require()` of a package file: its name, format and source (JSON)."""
        try:
            base, spec = json.loads(payload)
            if self.node_modules is None or not isinstance(base, str) or not isinstance(spec, str):
                msg = f"Cannot find module {spec!r}"
                raise ResolveError(msg)
            name = self.node_modules.resolve(base, spec, "require")
            source = self.node_modules.read(name)
            if source is None:
                msg = f"Cannot find module '{spec}'"
                raise ResolveError(msg)
            fmt = self.node_modules.format(name)
            return json.dumps({"name": name, "format": fmt, "source": well_formed(source)})
        except ResolveError as e:
            return json.dumps({"error": str(e), "code": e.code})
        except Exception:
            return json.dumps({"error": "Cannot find module", "code": "MODULE_NOT_FOUND"})

    def normalize(self, base: str, spec: str) -> str | None:
        """The canonical name of the module `spec` imported from `base` (None: not found)."""
        bare = spec[5:] if spec.startswith("node:") else spec
        if bare in BUILTIN_EXPORTS:
            return "node:" + bare
        nm = self.node_modules
        if nm is not None and (base.startswith(PREFIX) or not spec.startswith(("./", "../", "/"))):
            try:
                return nm.resolve(base, spec, "import")
            except ResolveError as e:
                # A module that throws the resolution error: a clear message at import time.
                self._errors[spec] = str(e)
                return _MODULE_ERROR + spec
        if not spec.startswith(("./", "../", "/")):
            return None
        base_dir = posixpath.dirname(base) if base in self.files or base == self.main_name else ""
        joined = posixpath.join("/", base_dir, spec)
        key = posixpath.normpath(joined).lstrip("/")  # normpath clamps ".." at "/"
        candidates = [key, key + ".ts", key + ".js", key + ".mjs", key + "/index.js"]
        if key.endswith(".js"):
            candidates.insert(1, key[:-3] + ".ts")
        for name in candidates:
            if name == self.main_name or name in self.files:
                return name
        return None

    def load(self, name: str) -> str | None:
        """The source of a normalized module (None: not found)."""
        source = self._source(name)
        # quickjs-rs reads an empty module's source as "not found" (its copy of zero bytes is
        # a null pointer): an empty file is a module with nothing in it, as in Node.
        return "\n" if source is not None and not source.strip() else source

    def _source(self, name: str) -> str | None:
        if name.startswith(_MODULE_ERROR):
            message = self._errors.get(name[len(_MODULE_ERROR) :], "Cannot find module")
            # `export default` keeps default imports linkable, so the reason is what is thrown.
            return f"throw new Error({json.dumps(message)});\nexport default undefined;\n"
        if name.startswith(PREFIX) and self.node_modules is not None:
            return self._package_file(self.node_modules, name)
        if name.startswith("node:"):
            bare = name[5:]
            exports = BUILTIN_EXPORTS.get(bare)
            if exports is None:
                return None
            src = f'const m = globalThis[Symbol.for("embedsandbox.builtin")]({json.dumps(bare)});\n'
            src += "export default m;\n"
            if exports:
                src += f"export const {{ {', '.join(exports)} }} = m;\n"
            return src
        if name == self.main_name:
            return well_formed(self.main_source)
        source = self.files.get(name)
        if source is None:
            return None
        source = well_formed(source)
        if name.endswith(_TS_SUFFIXES):
            try:
                return self._strip(name, source)
            except TransformFailed:
                return None
        if name.endswith(".json"):
            return f"export default {source}\n;"
        return source

    def _package_file(self, nm: NodeModules, name: str) -> str | None:
        source = nm.read(name)
        if source is None:
            return None
        source = well_formed(source)
        fmt = nm.format(name)
        if fmt == "esm":
            return source
        if fmt == "json":
            return f"export default {source}\n;"
        # CommonJS: run it through the guest's require(); named exports that assign to
        # `exports.x` are re-exported (like Node's cjs-module-lexer, in its simplest form).
        src = f'const m = globalThis[Symbol.for("embedsandbox.require")]({json.dumps(name)});\n'
        src += "export default m;\n"
        names = sorted(
            {n for n in _CJS_EXPORT.findall(source) if n not in ("default", "__esModule")}
        )
        if names:
            src += f"export const {{ {', '.join(names)} }} = m;\n"
        return src
