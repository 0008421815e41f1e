"""Python runtimes: requirements.txt resolved by pip on the host, pure-Python wheels only."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import time
from pathlib import Path

import pytest

from embedsandbox import RuntimeRevision, RuntimeStatus, Sandbox
from embedsandbox.errors import ConflictError, NotFoundError, RequestValidationError

SLUGIFY = "python-slugify==8.0.4\nsix\n"


def _requirements(contents: str) -> dict[str, str]:
    return {"name": "requirements.txt", "contents": contents}


def _built(sb: Sandbox, contents: str, imports: str | None = None) -> RuntimeRevision:
    runtime = sb.runtimes.create("test", "python", _requirements(contents), imports)
    return sb.runtimes.revisions.wait(runtime.id, runtime.revision_id, timeout=180)


@pytest.fixture(scope="module")
def slugify(rsb: Sandbox) -> RuntimeRevision:
    return _built(rsb, SLUGIFY, "slugify")


def test_dependency_chain_is_installed_and_built_ins_are_satisfied(
    slugify: RuntimeRevision,
) -> None:
    assert slugify.status is RuntimeStatus.SUCCEEDED, slugify.message + slugify.build_log
    packages = {p.name: p for p in slugify.packages}
    assert packages["python-slugify"].version == "8.0.4"
    assert packages["python-slugify"].requested == "==8.0.4"
    assert packages["text-unidecode"].status == "installed"
    assert packages["text-unidecode"].message == "dependency of python-slugify"
    assert packages["six"].status == "installed"
    assert "built into the interpreter" in packages["six"].message
    assert slugify.interpreter_version.startswith("python 3.15")
    assert "pip download" in slugify.build_log
    assert slugify.updated_at >= slugify.created_at


def test_run_script_and_run_function_import_the_packages(
    rsb: Sandbox, slugify: RuntimeRevision
) -> None:
    code = "import slugify\nprint(slugify.slugify('Héllo Wörld'))"
    result = rsb.run_script(language="python", code=code, runtime_revision_id=slugify.id)
    assert (result.exit_code, result.stdout) == (0, "hello-world\n"), result.stderr
    function = (
        "import text_unidecode\ndef execute(input):\n    return text_unidecode.unidecode(input)\n"
    )
    out = rsb.run_function(
        language="python", code=function, input="Žluťoučký", runtime_revision_id=slugify.id
    )
    assert out.output == "Zlutoucky", out.execution.stderr
    # additional_python_imports ran before the user's code.
    check = "import sys\nprint('slugify' in sys.modules)"
    result = rsb.run_script(language="python", code=check, runtime_revision_id=slugify.id)
    assert result.stdout == "True\n"
    # Without the revision the package is not there, and the folder is read-only with it.
    plain = rsb.run_script(language="python", code="import slugify")
    assert "ModuleNotFoundError" in plain.stderr
    write = "open('/opt/embedsandbox/site-packages/x.py', 'w')"
    denied = rsb.run_script(language="python", code=write, runtime_revision_id=slugify.id)
    assert denied.exit_code == 1
    assert "Error" in denied.stderr


def test_tools_pin_a_revision_and_delete_is_refused(rsb: Sandbox, slugify: RuntimeRevision) -> None:
    tool = rsb.tools.create(
        name="slug",
        language="python",
        code="import slugify\ndef execute(input):\n    return slugify.slugify(input)\n",
        runtime_revision_id=slugify.id,
    )
    assert rsb.run_tool(tool.id, input="A B").output == "a-b"
    with pytest.raises(ConflictError, match=tool.id):
        rsb.runtimes.delete(slugify.runtime_id)
    assert rsb.runtimes.get(slugify.runtime_id).revision_id == slugify.id


def test_status_sequence_and_revision_pinning(rsb: Sandbox) -> None:
    runtime = rsb.runtimes.create("humanize", "python", _requirements("humanize==4.9.0\n"))
    assert runtime.status is RuntimeStatus.PENDING
    seen = [runtime.status]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        status = rsb.runtimes.revisions.get(runtime.id, runtime.revision_id).status
        if status != seen[-1]:
            seen.append(status)
        if status.finished:
            break
        time.sleep(0.01)
    assert seen == [RuntimeStatus.PENDING, RuntimeStatus.BUILDING, RuntimeStatus.SUCCEEDED]
    first = runtime.revision_id
    second = rsb.runtimes.revisions.create(runtime.id, _requirements("humanize==4.10.0\n"))
    assert second.status is RuntimeStatus.PENDING
    assert rsb.runtimes.get(runtime.id).revision_id == second.id
    assert rsb.runtimes.revisions.wait(runtime.id, second.id, 180).status == "succeeded"
    code = "import importlib.metadata as m\nprint(m.version('humanize'))"
    for revision_id, version in ((first, "4.9.0"), (second.id, "4.10.0")):
        result = rsb.run_script(language="python", code=code, runtime_revision_id=revision_id)
        assert result.stdout == f"{version}\n", result.stderr
    revisions = rsb.runtimes.revisions.list(runtime.id)
    assert [r.id for r in revisions] == [first, second.id]
    assert rsb.runtimes.get(runtime.id).status is RuntimeStatus.SUCCEEDED


def test_native_only_package_fails_with_its_name(rsb: Sandbox) -> None:
    revision = _built(rsb, "orjson==3.10.7\n")
    assert revision.status is RuntimeStatus.FAILED
    assert "orjson" in revision.message
    assert "pure-Python" in revision.message
    (package,) = revision.packages
    assert (package.name, package.status) == ("orjson", "not_installed")
    with pytest.raises(ConflictError, match="'failed'.*orjson"):
        rsb.run_script(language="python", code="pass", runtime_revision_id=revision.id)


def test_built_in_package_of_another_version_fails(rsb: Sandbox) -> None:
    revision = _built(rsb, "numpy<2\n")
    assert revision.status is RuntimeStatus.FAILED
    assert "built in" in revision.message


def test_failing_additional_import_fails_the_build_with_its_traceback(rsb: Sandbox) -> None:
    revision = _built(rsb, SLUGIFY, "slugify, no_such_module_xyz")
    assert revision.status is RuntimeStatus.FAILED
    assert "additional_python_imports" in revision.message
    assert "ModuleNotFoundError" in revision.build_log


def test_identical_inputs_reuse_the_artifact(rsb: Sandbox, slugify: RuntimeRevision) -> None:
    again = _built(rsb, SLUGIFY, "slugify")
    assert again.status is RuntimeStatus.SUCCEEDED
    assert "reusing the artifact" in again.build_log
    assert again.packages == slugify.packages


def test_cancel_while_pending_or_building(rsb: Sandbox) -> None:
    runtime = rsb.runtimes.create("cancel", "python", _requirements("tomli==2.0.1\n"))
    cancelled = rsb.runtimes.revisions.cancel(runtime.id, runtime.revision_id)
    assert cancelled.status is RuntimeStatus.CANCELLED
    final = rsb.runtimes.revisions.wait(runtime.id, runtime.revision_id, 60)
    assert final.status is RuntimeStatus.CANCELLED
    with pytest.raises(ConflictError, match="cancelled"):
        rsb.runtimes.revisions.cancel(runtime.id, runtime.revision_id)
    with pytest.raises(ConflictError, match="'cancelled'"):
        rsb.run_script(language="python", code="pass", runtime_revision_id=runtime.revision_id)


def test_running_a_pending_revision_names_its_status(rsb: Sandbox) -> None:
    runtime = rsb.runtimes.create("pending", "python", _requirements("tomli==2.0.1\n"))
    try:
        with pytest.raises(ConflictError, match="'pending'|'building'"):
            rsb.run_script(language="python", code="pass", runtime_revision_id=runtime.revision_id)
    finally:
        rsb.runtimes.revisions.wait(runtime.id, runtime.revision_id, 180)
    # And a finished one works from JavaScript? No: the languages must match.
    with pytest.raises(RequestValidationError, match="python runtime"):
        rsb.run_script(language="javascript", code="1", runtime_revision_id=runtime.revision_id)


def test_validation_lookup_list_and_delete(rsb: Sandbox) -> None:
    with pytest.raises(RequestValidationError, match="requirements.txt"):
        rsb.runtimes.create("x", "python", {"name": "package.json", "contents": "{}"})
    with pytest.raises(RequestValidationError, match="language"):
        rsb.runtimes.create("x", "ruby", _requirements(""))
    with pytest.raises(RequestValidationError, match="module name"):
        rsb.runtimes.create("x", "python", _requirements(""), "not a module")
    with pytest.raises(NotFoundError):
        rsb.runtimes.get("rt_missing")
    with pytest.raises(NotFoundError):
        rsb.run_script(language="python", code="pass", runtime_revision_id="rtrev_missing")
    with pytest.raises(NotFoundError):
        rsb.tools.create(name="t", language="python", code="", runtime_revision_id="rtrev_x")
    empty = rsb.runtimes.create("empty", "python", _requirements("# nothing\n"))
    assert rsb.runtimes.revisions.wait(empty.id, empty.revision_id, 60).status == "succeeded"
    page = rsb.runtimes.list(limit=100)
    assert empty.id in [r.id for r in page]
    assert rsb.runtimes.delete(empty.id).deleted
    with pytest.raises(NotFoundError):
        rsb.runtimes.get(empty.id)


def test_revisions_survive_a_new_sandbox(
    home: Path, rsb: Sandbox, slugify: RuntimeRevision
) -> None:
    with Sandbox(store=home / "store.sqlite3", runtimes_dir=home / "artifacts") as again:
        revision = again.runtimes.revisions.get(slugify.runtime_id, slugify.id)
        assert revision.status is RuntimeStatus.SUCCEEDED
        code = "import slugify\nprint(slugify.slugify('a b'))"
        result = again.run_script(language="python", code=code, runtime_revision_id=slugify.id)
        assert result.stdout == "a-b\n"


def test_close_cancels_unfinished_builds(tmp_path: Path) -> None:
    options = {"store": tmp_path / "store.sqlite3", "runtimes_dir": tmp_path / "artifacts"}
    with Sandbox(**options) as sb:  # type: ignore[arg-type]
        runtime = sb.runtimes.create("closing", "python", _requirements("tomli==2.0.1\n"))
    with Sandbox(**options) as sb:  # type: ignore[arg-type]
        revision = sb.runtimes.revisions.get(runtime.id, runtime.revision_id)
    assert revision.status.finished
    if revision.status is RuntimeStatus.CANCELLED:
        assert "closed" in revision.message


def test_a_build_whose_process_died_is_marked_failed(tmp_path: Path) -> None:
    options = {"store": tmp_path / "store.sqlite3", "runtimes_dir": tmp_path / "artifacts"}
    with Sandbox(**options) as sb:  # type: ignore[arg-type]
        runtime = sb.runtimes.create("orphan", "python", _requirements("tomli==2.0.1\n"))
        sb.runtimes.revisions.cancel(runtime.id, runtime.revision_id)
    dead = f"{socket.gethostname()}:999999999:0"  # as if its process had been killed
    with contextlib.closing(sqlite3.connect(tmp_path / "store.sqlite3")) as conn, conn:
        conn.execute("UPDATE runtime_revisions SET status = 'building', builder = ?", (dead,))
    with Sandbox(**options) as sb:  # type: ignore[arg-type]
        revision = sb.runtimes.revisions.get(runtime.id, runtime.revision_id)
    assert revision.status is RuntimeStatus.FAILED
    assert "interrupted" in revision.message


def test_sdist_only_package_is_refused_not_built(rsb: Sandbox) -> None:
    revision = _built(rsb, "docopt==0.6.2\n")  # published as an sdist only
    assert revision.status is RuntimeStatus.FAILED
    assert "docopt" in revision.message
    assert "source distribution" in revision.message
    assert "setup.py" not in revision.build_log


def test_runtimes_work_without_a_store(home: Path, slugify: RuntimeRevision) -> None:
    with Sandbox(store=None, runtimes_dir=home / "artifacts") as sb:
        revision = _built(sb, SLUGIFY, "slugify")  # the same inputs: the artifact is reused
        assert revision.status is RuntimeStatus.SUCCEEDED
        code = "import slugify\nprint(slugify.slugify('x y'))"
        result = sb.run_script(language="python", code=code, runtime_revision_id=revision.id)
        assert result.stdout == "x-y\n"
