"""Custom runtimes: named package sets (requirements.txt, package.json) with revisions.

`Sandbox.runtimes` is a `Runtimes`; `Sandbox.runtimes.revisions` a `RuntimeRevisions`. Each
revision is built in the background (`_build`) on a small thread pool owned by the Sandbox;
its state lives in the store (`_store.RuntimeRepository`) and its artifact on disk,
content-addressed.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

import pydantic

from .._paths import runtimes_dir
from .._store import Database, RuntimeRepository
from .._validation import check_cached_instances, check_page, validation_error
from ..errors import ConflictError, NotFoundError, RequestValidationError, SandboxClosedError
from ..models import (
    MAX_PAGE_SIZE,
    DeletedRuntime,
    ManifestFile,
    Runtime,
    RuntimeLanguage,
    RuntimeList,
    RuntimeRevision,
    RuntimeRevisionList,
    RuntimeStatus,
)
from ._build import (
    BuildCancelledError,
    BuildFailedError,
    BuildInputs,
    _Context,
    build,
    parse_imports,
)

__all__ = ["RuntimeRevisions", "Runtimes", "default_runtimes_dir"]

_MANIFEST_FOR = {
    RuntimeLanguage.PYTHON: "requirements.txt",
    RuntimeLanguage.JAVASCRIPT: "package.json",
}
_BUILD_WORKERS = 2
_INTERRUPTED = "the build was interrupted: the process building it ended; create a new revision"


class _Unset(enum.Enum):
    """`Runtimes.update`'s "not given" (None means "use the Sandbox's default")."""

    UNSET = enum.auto()


_UNSET: Final = _Unset.UNSET

# Imports `imports` in a guest with the Python packages of a site folder: (ok, output).
Verify = Callable[[Path, tuple[str, ...]], tuple[bool, str]]


def default_runtimes_dir() -> Path:
    """Where runtime artifacts are kept: `$EMBEDSANDBOX_HOME/runtimes`, else the user data dir."""
    return runtimes_dir()


class _Builder:
    """The background builds of one Sandbox: a thread pool and each build's cancel handle."""

    def __init__(
        self,
        repository: RuntimeRepository,
        root: Path,
        interpreter: Callable[[RuntimeLanguage], tuple[str, dict[str, str]]],
        verify: Verify,
    ) -> None:
        self._repository = repository
        self._root = root
        self._interpreter = interpreter
        self._verify = verify
        self._executor: ThreadPoolExecutor | None = None
        self._contexts: dict[str, _Context] = {}
        self._lock = threading.Lock()
        self.changed = threading.Condition()
        self._closed = False

    def submit(self, revision_id: str, inputs: BuildInputs) -> None:
        ctx = _Context(cancelled=threading.Event())
        with self._lock:
            if self._closed:
                msg = "cannot build, the sandbox has been closed; create a new Sandbox"
                raise SandboxClosedError(msg)
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    _BUILD_WORKERS, thread_name_prefix="embedsandbox-build"
                )
            self._contexts[revision_id] = ctx
            self._executor.submit(self._run, revision_id, inputs, ctx)

    def cancel(self, revision_id: str) -> bool:
        moved = self._move(
            revision_id,
            RuntimeStatus.CANCELLED,
            only_from=(RuntimeStatus.PENDING, RuntimeStatus.BUILDING),
            message="cancelled",
        )
        with self._lock:
            ctx = self._contexts.get(revision_id)
        if ctx is not None:
            ctx.cancel()
        return moved

    def _move(self, revision_id: str, status: RuntimeStatus, **fields: Any) -> bool:
        moved = self._repository.update(revision_id, status, **fields)
        with self.changed:
            self.changed.notify_all()
        return moved

    def _run(self, revision_id: str, inputs: BuildInputs, ctx: _Context) -> None:
        try:
            if ctx.cancelled.is_set() or not self._move(
                revision_id, RuntimeStatus.BUILDING, only_from=(RuntimeStatus.PENDING,)
            ):
                return
            version, builtin = self._interpreter(inputs.language)
            try:
                result = build(
                    inputs,
                    self._root,
                    ctx,
                    builtins=builtin,
                    python_version=version,
                    verify=self._verify,
                )
            except BuildCancelledError:
                return  # `cancel` already moved it
            except BuildFailedError as exc:
                self._move(
                    revision_id,
                    RuntimeStatus.FAILED,
                    only_from=(RuntimeStatus.BUILDING,),
                    message=str(exc),
                    packages=exc.packages,
                    build_log="\n".join(ctx.lines),
                )
                return
            except Exception as exc:  # a host-side failure: the revision says so
                self._move(
                    revision_id,
                    RuntimeStatus.FAILED,
                    only_from=(RuntimeStatus.BUILDING,),
                    message=f"internal error while building: {type(exc).__name__}: {exc}",
                    build_log="\n".join(ctx.lines),
                )
                return
            self._move(
                revision_id,
                RuntimeStatus.SUCCEEDED,
                only_from=(RuntimeStatus.BUILDING,),
                packages=result.packages,
                build_log=result.log if not result.reused else "\n".join(ctx.lines),
                artifact=str(result.artifact),
            )
        except SandboxClosedError:
            return  # the store closed under us (Sandbox.close while building)
        finally:
            with self._lock:
                self._contexts.pop(revision_id, None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
            contexts = list(self._contexts.items())
        for revision_id, ctx in contexts:
            self._move(
                revision_id,
                RuntimeStatus.CANCELLED,
                only_from=(RuntimeStatus.PENDING, RuntimeStatus.BUILDING),
                message="cancelled: the Sandbox was closed before the build ended",
            )
            ctx.cancel()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


class RuntimeRevisions:
    """A runtime's revisions: `create`, `list`, `get`, `cancel` and `wait`."""

    def __init__(self, runtimes: Runtimes) -> None:
        self._runtimes = runtimes

    def create(
        self,
        runtime_id: str,
        manifest_file: ManifestFile | dict[str, Any],
        additional_python_imports: str | None = None,
    ) -> RuntimeRevision:
        """Make a new revision of the runtime and start building it in the background.

        It becomes the runtime's newest revision (its `revision_id` and `status`); older
        revisions keep their packages.

        Raises:
            NotFoundError: no runtime has this id.
            RequestValidationError: the manifest is not the runtime language's kind, or an
                import is not a module name.

        """
        rt = self._runtimes
        language = rt._repository.language(_str_id(runtime_id, "runtime"))
        manifest, imports = _check_inputs(language, manifest_file, additional_python_imports)
        interpreter = rt._interpreter_label(language)
        revision_id = rt._repository.add_revision(
            runtime_id, manifest, additional_python_imports or None, interpreter
        )
        created = rt._repository.revision(runtime_id, revision_id)  # as created: pending
        rt._start(revision_id, language, manifest, imports, interpreter)
        return created

    def list(self, runtime_id: str) -> RuntimeRevisionList:
        """Every revision of the runtime, oldest first. Raises `NotFoundError`."""
        rows = self._runtimes._repository.revisions(_str_id(runtime_id, "runtime"))
        return RuntimeRevisionList(revisions=rows)

    def get(self, runtime_id: str, revision_id: str) -> RuntimeRevision:
        """One revision with its status, packages and build log. Raises `NotFoundError`."""
        return self._runtimes._repository.revision(
            _str_id(runtime_id, "runtime"), _str_id(revision_id, "runtime revision")
        )

    def cancel(self, runtime_id: str, revision_id: str) -> RuntimeRevision:
        """Cancel a pending or building revision (its pip or npm is stopped).

        Raises:
            NotFoundError: no such runtime or revision.
            ConflictError: the build has already ended (the message names its status).

        """
        revision = self.get(runtime_id, revision_id)
        if not self._runtimes._builder.cancel(revision.id):
            current = self.get(runtime_id, revision_id)
            msg = (
                f"runtime revision {revision_id!r} cannot be cancelled: its build has "
                f"already ended with status {current.status.value!r}"
            )
            raise ConflictError(msg)
        return self.get(runtime_id, revision_id)

    def wait(
        self, runtime_id: str, revision_id: str, timeout: float | None = None
    ) -> RuntimeRevision:
        """Block until the revision's build ends; return it (check its `status`).

        Raises:
            NotFoundError: no such runtime or revision.
            TimeoutError: the build has not ended after `timeout` seconds.

        """
        deadline = None if timeout is None else time.monotonic() + timeout
        changed = self._runtimes._builder.changed
        while True:
            revision = self.get(runtime_id, revision_id)
            if revision.status.finished:
                return revision
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                msg = (
                    f"runtime revision {revision_id!r} is still {revision.status.value} "
                    f"after {timeout:g} s"
                )
                raise TimeoutError(msg)
            with changed:
                changed.wait(0.5 if remaining is None else min(0.5, remaining))

    def __repr__(self) -> str:
        return "RuntimeRevisions()"


class Runtimes:
    """Custom runtimes by id: `create`, `get`, `list`, `update`, `delete`, and `revisions`.

    A runtime names a language and a manifest (`requirements.txt` for Python, `package.json`
    for JavaScript and TypeScript); each revision pins one manifest and is built in the
    background. Run code with a succeeded revision's packages by passing its id as
    `runtime_revision_id` to `run_script`, `run_function` or a tool.
    """

    def __init__(
        self,
        db: Database,
        root: Path,
        interpreter: Callable[[RuntimeLanguage], tuple[str, dict[str, str]]],
        verify: Verify,
    ) -> None:
        self._repository = RuntimeRepository(db)
        self._interpreter = interpreter
        self._builder = _Builder(self._repository, root, interpreter, verify)
        self.revisions = RuntimeRevisions(self)
        """This runtime collection's revisions."""
        # A build left unfinished by a process that has ended will never end: say so.
        for revision_id in self._repository.orphaned():
            self._repository.update(
                revision_id,
                RuntimeStatus.FAILED,
                only_from=(RuntimeStatus.PENDING, RuntimeStatus.BUILDING),
                message=_INTERRUPTED,
            )

    def _interpreter_label(self, language: RuntimeLanguage) -> str:
        if language is RuntimeLanguage.PYTHON:
            return f"python {self._interpreter(language)[0]}"
        return f"quickjs {self._interpreter(language)[0]}"

    def _start(
        self,
        revision_id: str,
        language: RuntimeLanguage,
        manifest: ManifestFile,
        imports: tuple[str, ...],
        interpreter: str,
    ) -> None:
        inputs = BuildInputs(language, manifest.name, manifest.contents, imports, interpreter)
        self._builder.submit(revision_id, inputs)

    def create(
        self,
        name: str,
        language: str | RuntimeLanguage,
        manifest_file: ManifestFile | dict[str, Any],
        additional_python_imports: str | None = None,
        *,
        min_cached_instances: int | None = None,
        max_cached_instances: int | None = None,
    ) -> Runtime:
        """Create a runtime and start building its first revision in the background.

        Args:
            name: A name for people; not unique.
            language: `python` or `javascript` (JavaScript runtimes serve TypeScript too).
            manifest_file: `{"name": "requirements.txt" | "package.json", "contents": ...}`.
            additional_python_imports: Python only: module names (newline or comma
                separated) imported before the user's code; one that fails to import fails
                the build.
            min_cached_instances: Ready guests the engine keeps instantiated for this
                runtime's revisions ahead of demand, 0 to 64; `None` takes the Sandbox's
                (`Sandbox(min_cached_instances=1)`).
            max_cached_instances: The most ready guests kept as demand grows, 0 to 64 (0
                turns pooling off for this runtime); `None` takes the Sandbox's
                (`Sandbox(max_cached_instances=4)`).

        Raises:
            RequestValidationError: a field is invalid (unknown language, a manifest of the
                other language, an import that is not a module name, a cached-instance
                count out of range or a minimum above the maximum).

        """
        if not isinstance(name, str) or not name.strip() or len(name) > 255:
            msg = "name must be a non-empty string of at most 255 characters"
            raise RequestValidationError(msg, [{"loc": ["name"], "msg": msg}])
        try:
            lang = RuntimeLanguage(language)
        except ValueError:
            msg = f"language must be python or javascript, got {language!r}"
            raise RequestValidationError(msg, [{"loc": ["language"], "msg": msg}]) from None
        manifest, imports = _check_inputs(lang, manifest_file, additional_python_imports)
        min_cached, max_cached = check_cached_instances(min_cached_instances, max_cached_instances)
        interpreter = self._interpreter_label(lang)
        runtime_id, revision_id = self._repository.create(
            name,
            lang,
            manifest,
            additional_python_imports or None,
            interpreter,
            min_cached_instances=min_cached,
            max_cached_instances=max_cached,
        )
        created = self._repository.get(runtime_id)  # as created: pending
        self._start(revision_id, lang, manifest, imports, interpreter)
        return created

    def get(self, runtime_id: str) -> Runtime:
        """A runtime, with its newest revision's id and status. Raises `NotFoundError`."""
        return self._repository.get(_str_id(runtime_id, "runtime"))

    def update(
        self,
        runtime_id: str,
        *,
        min_cached_instances: int | None | _Unset = _UNSET,
        max_cached_instances: int | None | _Unset = _UNSET,
    ) -> Runtime:
        """Change a runtime's warm-pool sizes; a field not passed keeps its value.

        `None` sets a field back to the Sandbox's default. The next run of one of the
        runtime's revisions replaces that revision's pool with one of the new sizes.

        Raises:
            NotFoundError: no runtime has this id.
            RequestValidationError: a count is out of range (0 to 64), or the minimum would
                be above the maximum (either as given or as already stored).

        """
        runtime_id = _str_id(runtime_id, "runtime")
        changes = {
            name: value
            for name, value in (
                ("min_cached_instances", min_cached_instances),
                ("max_cached_instances", max_cached_instances),
            )
            if not isinstance(value, _Unset)
        }
        # Each on its own first, so a bad value is named even when the other is stored.
        check_cached_instances(
            changes.get("min_cached_instances"), changes.get("max_cached_instances")
        )
        if changes:
            self._repository.set_cached_instances(runtime_id, changes)
        return self._repository.get(runtime_id)

    def list(self, limit: int = MAX_PAGE_SIZE, starting_after: str | None = None) -> RuntimeList:
        """A page of runtimes, oldest first (`limit` 1 to 100; `starting_after` an id)."""
        limit, starting_after = check_page(limit, starting_after)
        return self._repository.page(limit, starting_after)

    def delete(self, runtime_id: str) -> DeletedRuntime:
        """Delete a runtime and its revisions; builds still running are cancelled.

        Built artifacts stay on disk (they are shared by identical builds and reused).

        Raises:
            NotFoundError: no runtime has this id.
            ConflictError: a tool revision pins one of its revisions (the message names the
                tools); nothing is deleted.

        """
        revision_ids = self._repository.delete(_str_id(runtime_id, "runtime"))
        for revision_id in revision_ids:
            self._builder.cancel(revision_id)
        return DeletedRuntime(id=runtime_id)

    def packages_of(self, revision_id: str) -> tuple[RuntimeRevision, str | None]:
        """The revision named by a run, and its artifact folder if it succeeded.

        Raises:
            NotFoundError: no revision has this id.

        """
        revision = self._repository.revision(None, revision_id)
        return revision, self._repository.artifact(revision_id)

    def close(self) -> None:
        """Cancel running builds and stop the build threads."""
        self._builder.close()

    def __repr__(self) -> str:
        return "Runtimes()"


def _str_id(value: Any, what: str) -> str:
    if not isinstance(value, str):
        msg = f"{what} {value!r} does not exist"
        raise NotFoundError(msg)
    return value


def _check_inputs(
    language: RuntimeLanguage,
    manifest_file: ManifestFile | dict[str, Any],
    additional_python_imports: str | None,
) -> tuple[ManifestFile, tuple[str, ...]]:
    try:
        manifest = (
            manifest_file
            if isinstance(manifest_file, ManifestFile)
            else ManifestFile.model_validate(manifest_file)
        )
    except pydantic.ValidationError as exc:
        msg = "manifest_file"
        raise validation_error(msg, exc) from None
    expected = _MANIFEST_FOR[language]
    if manifest.name != expected:
        msg = f"a {language.value} runtime takes a {expected} manifest, not {manifest.name}"
        raise RequestValidationError(msg, [{"loc": ["manifest_file", "name"], "msg": msg}])
    if additional_python_imports is not None and not isinstance(additional_python_imports, str):
        msg = "additional_python_imports must be a string of module names"
        raise RequestValidationError(msg, [{"loc": ["additional_python_imports"], "msg": msg}])
    if additional_python_imports and language is not RuntimeLanguage.PYTHON:
        msg = "additional_python_imports applies to python runtimes only"
        raise RequestValidationError(msg, [{"loc": ["additional_python_imports"], "msg": msg}])
    try:
        imports = parse_imports(additional_python_imports)
    except ValueError as exc:
        raise RequestValidationError(
            str(exc), [{"loc": ["additional_python_imports"], "msg": str(exc)}]
        ) from None
    return manifest, imports
