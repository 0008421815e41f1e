"""JavaScript runtimes: package.json installed by npm (no scripts), loaded by require and import."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from embedsandbox import RuntimeRevision, RuntimeStatus, Sandbox
from embedsandbox._engines._javascript._node_modules import NodeModules, ResolveError
from embedsandbox._runtimes import _build
from embedsandbox.errors import RequestValidationError

DEPENDENCIES = {"is-odd": "3.0.1", "is-number": "7.0.0", "camelcase": "8.0.0"}


def _package_json(dependencies: dict[str, str]) -> dict[str, str]:
    return {"name": "package.json", "contents": json.dumps({"dependencies": dependencies})}


@pytest.fixture(scope="module")
def revision(rsb: Sandbox) -> RuntimeRevision:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    runtime = rsb.runtimes.create("js", "javascript", _package_json(DEPENDENCIES))
    return rsb.runtimes.revisions.wait(runtime.id, runtime.revision_id, timeout=180)


def test_packages_are_listed(revision: RuntimeRevision) -> None:
    assert revision.status is RuntimeStatus.SUCCEEDED, revision.message + revision.build_log
    found = {(p.name, p.version, p.message) for p in revision.packages}
    assert ("is-odd", "3.0.1", "") in found
    assert ("is-number", "7.0.0", "") in found
    # is-odd 3 depends on is-number ^6: npm nests it, and the list shows both.
    assert ("is-number", "6.0.0", "dependency") in found
    assert "--ignore-scripts" in revision.build_log


@pytest.mark.parametrize("language", ["javascript", "typescript"])
def test_require_and_import(rsb: Sandbox, revision: RuntimeRevision, language: str) -> None:
    typed = ": number" if language == "typescript" else ""
    scripts = {
        "const isOdd = require('is-odd');\n"
        f"const n{typed} = 3;\n"
        "console.log(isOdd(n), isOdd(4), require('is-number')('5'));": "true false true\n",
        # CommonJS package with its own dependency, and an ESM-only package, via import.
        "import isOdd from 'is-odd';\nimport camelCase from 'camelcase';\n"
        f"const s{typed} = 'foo-bar';\n"
        "console.log(isOdd(7), camelCase(s));": "true fooBar\n",
    }
    for code, expected in scripts.items():
        result = rsb.run_script(language=language, code=code, runtime_revision_id=revision.id)
        assert (result.exit_code, result.stdout) == (0, expected), result.stderr
    function = (
        "import isOdd from 'is-odd';\nexport function execute(input) { return isOdd(input); }"
    )
    if language == "typescript":
        function = function.replace("execute(input)", "execute(input: number)")
    out = rsb.run_function(
        language=language, code=function, input=9, runtime_revision_id=revision.id
    )
    assert out.output is True, out.execution.stderr


def test_clear_errors_for_missing_native_and_esm(rsb: Sandbox, revision: RuntimeRevision) -> None:
    code = (
        "for (const name of ['camelcase', 'left-pad', 'child_process']) {\n"
        "  try { require(name) } catch (e) { console.log(e.code + ': ' + e.message) }\n"
        "}"
    )
    result = rsb.run_script(language="javascript", code=code, runtime_revision_id=revision.id)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ERR_REQUIRE_ESM: require() of ES module")
    assert lines[1].startswith("MODULE_NOT_FOUND: Cannot find module 'left-pad'")
    assert "child_process" in lines[2]
    for spec, words in (("child_process", "not available in the sandbox"), ("left-pad", "not in")):
        result = rsb.run_script(
            language="javascript",
            code=f"import x from '{spec}';",
            runtime_revision_id=revision.id,
        )
        assert result.exit_code == 1
        assert words in result.stderr


def test_python_code_cannot_use_a_javascript_runtime(
    rsb: Sandbox, revision: RuntimeRevision
) -> None:
    with pytest.raises(RequestValidationError, match="javascript runtime"):
        rsb.run_script(language="python", code="pass", runtime_revision_id=revision.id)
    with pytest.raises(RequestValidationError, match="package.json"):
        rsb.runtimes.create("x", "javascript", {"name": "requirements.txt", "contents": ""})


def test_missing_npm_fails_the_revision(rsb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_build.shutil, "which", lambda name: None)
    runtime = rsb.runtimes.create("no-npm", "javascript", _package_json({"is-number": "6.0.0"}))
    revision = rsb.runtimes.revisions.wait(runtime.id, runtime.revision_id, 60)
    assert revision.status is RuntimeStatus.FAILED
    assert "npm was not found" in revision.message
    assert "install" in revision.message


def test_resolution_stays_inside_node_modules(tmp_path: Path) -> None:
    outside = tmp_path / "secret.js"
    outside.write_text("module.exports = 'secret'")
    package = tmp_path / "rt" / "node_modules" / "evil"
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"main": "../../../secret.js"}))
    os.symlink(outside, package / "link.js")
    (package / "ok.js").write_text("module.exports = 1")
    modules = NodeModules(str(tmp_path / "rt"))
    assert modules.resolve("main.js", "evil/ok", "require") == "/node_modules/evil/ok.js"
    assert modules.read("/node_modules/evil/link.js") is None
    assert modules.read("/node_modules/../../secret.js") is None
    for spec in ("evil", "evil/link", "/etc/passwd", "../secret"):
        with pytest.raises(ResolveError):
            modules.resolve("main.js", spec, "require")
