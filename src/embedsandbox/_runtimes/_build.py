"""Building runtime revisions: pip (Python) and npm (JavaScript) on the host, in the background.

A build turns a manifest into an artifact folder the guest reads (read-only):

- Python: `site/`, pure-Python wheels unpacked by pip for the guest's CPython (wasm32-wasi
  cannot load native code). Requirements are resolved one distribution at a time with
  `pip download --no-deps --only-binary=:all: --platform any`, so pip never builds an sdist and
  no package code runs on the host; requirements the interpreter has built in (numpy,
  pandas...) are satisfied by it and never downloaded.
- JavaScript: `node_modules/`, from `npm install --ignore-scripts` (no install scripts run).

Artifacts are content-addressed: `<runtimes dir>/<sha256 of language, manifest, imports and
interpreter>`. A build whose inputs match an earlier successful one reuses its folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

from ..models import RuntimeLanguage, RuntimePackage

__all__ = [
    "BuildCancelledError",
    "BuildFailedError",
    "BuildInputs",
    "BuildResult",
    "artifact_key",
    "build",
    "parse_imports",
]

# How long one pip or npm call may take before the build fails.
_TOOL_TIMEOUT_S = 600.0
_RESULT_FILE = "result.json"
MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class BuildFailedError(Exception):
    """The build failed; the message says why (it becomes the revision's `message`)."""

    def __init__(self, message: str, packages: list[RuntimePackage] | None = None) -> None:
        super().__init__(message)
        self.packages = packages or []


class BuildCancelledError(Exception):
    """The revision was cancelled while it built."""


@dataclass(frozen=True)
class BuildInputs:
    """Everything a build depends on (and its artifact's key)."""

    language: RuntimeLanguage
    manifest_name: str
    manifest_contents: str
    imports: tuple[str, ...]
    interpreter: str


@dataclass
class BuildResult:
    """A finished build: its artifact folder, package list and log."""

    artifact: Path
    packages: list[RuntimePackage]
    log: str
    reused: bool = False


@dataclass
class _Context:
    """One build's log, cancel flag and running subprocess."""

    cancelled: threading.Event
    lines: list[str] = field(default_factory=list)
    process: subprocess.Popen[str] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, text: str) -> None:
        self.lines.append(text.rstrip("\n"))

    def check(self) -> None:
        if self.cancelled.is_set():
            raise BuildCancelledError

    def run(self, argv: list[str], *, cwd: Path | None = None) -> tuple[int, str]:
        """Run a tool, logging its command and output; stopped if the build is cancelled."""
        self.check()
        self.log("$ " + " ".join(argv))
        env = dict(os.environ)
        env.update(
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PIP_NO_INPUT="1",
            PIP_NO_COLOR="1",
            NO_UPDATE_NOTIFIER="1",
            npm_config_update_notifier="false",
        )
        with self.lock:
            self.check()
            process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
            self.process = process
        try:
            output, _ = process.communicate(timeout=_TOOL_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            self.log(output)
            msg = f"{Path(argv[0]).name} took longer than {_TOOL_TIMEOUT_S:g} s"
            raise BuildFailedError(msg) from None
        finally:
            with self.lock:
                self.process = None
        self.log(output)
        self.check()
        return process.returncode, output

    def cancel(self) -> None:
        self.cancelled.set()
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()


def parse_imports(text: str | None) -> tuple[str, ...]:
    """`additional_python_imports` (newline or comma separated) as module names, checked.

    Raises:
        ValueError: a name is not a dotted Python module name.

    """
    if not text:
        return ()
    names = [part.strip() for part in re.split(r"[,\n]", text)]
    names = [name for name in names if name]
    for name in names:
        if not MODULE_NAME.match(name):
            msg = f"additional_python_imports: {name!r} is not a module name"
            raise ValueError(msg)
    return tuple(dict.fromkeys(names))


def artifact_key(inputs: BuildInputs) -> str:
    """The sha256 naming the artifact of these inputs."""
    blob = json.dumps(
        [
            "embedsandbox-runtime-v1",
            inputs.language.value,
            inputs.manifest_name,
            inputs.manifest_contents,
            list(inputs.imports),
            inputs.interpreter,
        ]
    )
    return hashlib.sha256(blob.encode()).hexdigest()


# -- the build -------------------------------------------------------------------------------

# Serializes builds of one key, so two identical revisions build once.
_KEY_LOCKS: dict[str, threading.Lock] = {}
_KEY_LOCKS_GUARD = threading.Lock()


def _key_lock(key: str) -> threading.Lock:
    with _KEY_LOCKS_GUARD:
        return _KEY_LOCKS.setdefault(key, threading.Lock())


def build(
    inputs: BuildInputs,
    root: Path,
    ctx: _Context,
    *,
    builtins: dict[str, str],
    python_version: str,
    verify: Callable[[Path, tuple[str, ...]], tuple[bool, str]] | None,
) -> BuildResult:
    """Build (or reuse) the artifact of `inputs` under `root`.

    Raises:
        BuildFailedError: the manifest cannot be built; the message says why.
        BuildCancelledError: the build was cancelled.

    """
    key = artifact_key(inputs)
    final = root / key
    with _key_lock(key):
        ctx.check()
        done = _read_result(final)
        if done is not None:
            packages, log = done
            ctx.log(f"reusing the artifact of an identical earlier build ({key[:16]})")
            return BuildResult(final, packages, log + "\n" + "\n".join(ctx.lines), reused=True)
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
        try:
            if inputs.language is RuntimeLanguage.PYTHON:
                packages = _build_python(
                    inputs, work, ctx, builtins=builtins, python_version=python_version
                )
                if inputs.imports and verify is not None:
                    ctx.log("importing additional_python_imports: " + ", ".join(inputs.imports))
                    ok, output = verify(work / "site", inputs.imports)
                    ctx.check()
                    ctx.log(output)
                    if not ok:
                        msg = (
                            "additional_python_imports failed to import in the guest; "
                            "the build log has the traceback"
                        )
                        raise BuildFailedError(msg, packages)
            else:
                packages = _build_javascript(inputs, work, ctx)
            log = "\n".join(ctx.lines)
            (work / _RESULT_FILE).write_text(
                json.dumps({"packages": [p.model_dump() for p in packages], "log": log})
            )
            _make_read_only(work)
            if final.exists():  # a stale, unfinished folder (no result file)
                shutil.rmtree(final, ignore_errors=True)
            work.rename(final)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return BuildResult(final, packages, log)


def _read_result(folder: Path) -> tuple[list[RuntimePackage], str] | None:
    try:
        data = json.loads((folder / _RESULT_FILE).read_text())
        packages = [RuntimePackage.model_validate(p) for p in data["packages"]]
        return packages, str(data["log"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _make_read_only(folder: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath) / name
            if not path.is_symlink():
                with contextlib.suppress(OSError):
                    path.chmod(path.stat().st_mode & ~0o222)
        del dirnames  # directories stay writable by the owner, so the folder can be removed


# -- Python ----------------------------------------------------------------------------------


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _build_python(
    inputs: BuildInputs,
    work: Path,
    ctx: _Context,
    *,
    builtins: dict[str, str],
    python_version: str,
) -> list[RuntimePackage]:
    from packaging.markers import Marker
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version

    site = work / "site"
    site.mkdir()
    wheels = work / "wheels"
    wheels.mkdir()
    short = ".".join(python_version.split(".")[:2])
    environment = {
        "python_version": short,
        "python_full_version": python_version,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": "wasi",
        "platform_system": "WASI",
        "os_name": "posix",
        "platform_machine": "wasm32",
        "extra": "",
    }

    requirements: list[Requirement] = []
    for number, raw in enumerate(inputs.manifest_contents.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            msg = (
                f"requirements.txt line {number}: pip options ({line.split()[0]}) are not "
                "supported; list one requirement per line"
            )
            raise BuildFailedError(msg)
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            msg = f"requirements.txt line {number}: {exc}"
            raise BuildFailedError(msg) from None
        if requirement.url:
            msg = f"requirements.txt line {number}: direct URL requirements are not supported"
            raise BuildFailedError(msg)
        requirements.append(requirement)

    packages: dict[str, RuntimePackage] = {}
    failures: list[str] = []
    queue: list[tuple[Requirement, str | None]] = [(r, None) for r in requirements]
    downloaded: list[Path] = []
    while queue:
        requirement, parent = queue.pop(0)
        ctx.check()
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        spec = str(requirement.specifier)
        requested = spec if parent is None else ""
        if name in packages:
            have = packages[name].version
            if (
                have is not None
                and requirement.specifier
                and not requirement.specifier.contains(have, prereleases=True)
            ):
                why = f"{name} {have} was chosen, but {parent or 'requirements.txt'} needs {spec}"
                failures.append(why)
            continue
        if name in builtins:
            version = builtins[name]
            try:
                ok = not requirement.specifier or requirement.specifier.contains(
                    Version(version), prereleases=True
                )
            except InvalidVersion:
                ok = True
            if ok:
                packages[name] = RuntimePackage(
                    name=name,
                    requested=requested,
                    version=version,
                    status="installed",
                    message=f"built into the interpreter (python {python_version})",
                )
            else:
                why = (
                    f"{name}{spec}: the interpreter has {name} {version} built in, which does "
                    "not match; built-in packages cannot be replaced"
                )
                packages[name] = RuntimePackage(
                    name=name,
                    requested=requested,
                    version=version,
                    status="not_installed",
                    message=why,
                )
                failures.append(why)
            continue
        before = set(wheels.iterdir())
        code, output = ctx.run(
            [
                sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                "--platform", "any", "--implementation", "py", "--python-version", short,
                "--dest", str(wheels), str(Requirement(_without_marker(requirement))),
            ]
        )  # fmt: skip
        new = sorted(set(wheels.iterdir()) - before)
        wheel = next((p for p in new if p.suffix == ".whl"), None)
        if code != 0 or wheel is None:
            why = _pip_failure(name, spec, output, python_version)
            packages[name] = RuntimePackage(
                name=name, requested=requested, status="not_installed", message=why
            )
            failures.append(why)
            continue
        metadata = _wheel_metadata(wheel)
        version = metadata.get("Version", "")
        packages[name] = RuntimePackage(
            name=name,
            requested=requested,
            version=version,
            status="installed",
            message="" if parent is None else f"dependency of {parent}",
        )
        downloaded.append(wheel)
        for dependency in metadata.get_all("Requires-Dist") or []:
            try:
                child = Requirement(dependency)
            except InvalidRequirement:
                continue
            if child.marker is not None:
                wanted = requirement.extras or {""}
                if not any(
                    Marker(str(child.marker)).evaluate({**environment, "extra": extra})
                    for extra in wanted
                ):
                    continue
                child.marker = None
            queue.append((child, name))
    result = sorted(packages.values(), key=lambda p: p.name)
    if failures:
        raise BuildFailedError("; ".join(failures), result)
    if downloaded:
        code, output = ctx.run(
            [
                sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                "--no-compile", "--only-binary=:all:", "--platform", "any",
                "--implementation", "py", "--python-version", short,
                "--target", str(site), *[str(p) for p in downloaded],
            ]
        )  # fmt: skip
        if code != 0:
            msg = "pip could not install the downloaded wheels; see the build log"
            raise BuildFailedError(msg, result)
    # Console scripts are host executables; the guest has no use for them.
    shutil.rmtree(site / "bin", ignore_errors=True)
    shutil.rmtree(wheels, ignore_errors=True)
    return result


def _without_marker(requirement: Any) -> str:
    text = requirement.name
    if requirement.extras:
        text += "[" + ",".join(sorted(requirement.extras)) + "]"
    return str(text + str(requirement.specifier))


def _wheel_metadata(wheel: Path) -> Any:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name).decode("utf-8", errors="replace")
    return HeaderParser().parsestr(text)


def _pip_failure(name: str, spec: str, output: str, python_version: str) -> str:
    if "No matching distribution" in output or "from versions: none" in output:
        return (
            f"{name}{spec}: no pure-Python wheel (py3-none-any) for Python {python_version}; "
            "it ships only native (platform-specific) wheels or a source distribution that "
            "would need a build, and the guest (CPython on wasm32-wasi) loads only pure-Python "
            "code"
        )
    last = [line for line in output.splitlines() if line.startswith("ERROR")]
    detail = last[-1] if last else "pip failed; see the build log"
    return f"{name}{spec}: {detail}"


# -- JavaScript ------------------------------------------------------------------------------

_NPM_MISSING = (
    "npm was not found on this host (it installs package.json dependencies); install Node.js "
    "with npm (https://nodejs.org, or `apt-get install npm`, `brew install node`) and create "
    "a new revision"
)


def _build_javascript(inputs: BuildInputs, work: Path, ctx: _Context) -> list[RuntimePackage]:
    try:
        manifest = json.loads(inputs.manifest_contents)
    except ValueError as exc:
        msg = f"package.json is not valid JSON: {exc}"
        raise BuildFailedError(msg) from None
    if not isinstance(manifest, dict):
        msg = "package.json must be a JSON object"
        raise BuildFailedError(msg)
    dependencies = manifest.get("dependencies") or {}
    if not isinstance(dependencies, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in dependencies.items()
    ):
        msg = "package.json: dependencies must map package names to version specs"
        raise BuildFailedError(msg)
    (work / "node_modules").mkdir()
    if not dependencies:
        return []
    npm = shutil.which("npm")
    if npm is None:
        raise BuildFailedError(_NPM_MISSING)
    # Only the dependencies: no scripts, workspaces or other fields of the given manifest.
    (work / "package.json").write_text(
        json.dumps({"name": "embedsandbox-runtime", "private": True, "dependencies": dependencies})
    )
    code, _ = ctx.run(
        [
            npm, "install", "--ignore-scripts", "--no-audit", "--no-fund", "--omit=dev",
            "--no-package-lock", "--no-bin-links", "--loglevel=warn", "--prefix", str(work),
        ],
        cwd=work,
    )  # fmt: skip
    if code != 0:
        msg = f"npm install failed (exit code {code}); see the build log"
        raise BuildFailedError(msg)
    packages: list[RuntimePackage] = []
    top = set(dependencies)
    for meta in sorted((work / "node_modules").glob("**/package.json")):
        relative = meta.parent.relative_to(work / "node_modules").as_posix()
        parts = relative.split("/")
        # node_modules/<name> or node_modules/@scope/<name>, possibly nested.
        name = "/".join(parts[-2:]) if len(parts) >= 2 and parts[-2].startswith("@") else parts[-1]
        container = parts[: -2 if name.startswith("@") else -1]
        if container and container[-1] != "node_modules":
            continue
        try:
            data = json.loads(meta.read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or data.get("name") != name:
            continue
        nested = bool(container)
        packages.append(
            RuntimePackage(
                name=name,
                requested=dependencies[name] if name in top and not nested else "",
                version=str(data.get("version", "")) or None,
                status="installed",
                message="" if name in top and not nested else "dependency",
            )
        )
    missing = top - {p.name for p in packages}
    for name in sorted(missing):
        packages.append(
            RuntimePackage(
                name=name,
                requested=dependencies[name],
                status="not_installed",
                message="npm did not install it",
            )
        )
    if missing:
        msg = "npm did not install: " + ", ".join(sorted(missing))
        raise BuildFailedError(msg, packages)
    return packages
