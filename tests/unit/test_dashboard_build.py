"""The committed dashboard build (server/_static) is the build of web/ as it is now.

web/build.mjs records in BUILD.json the sha256 of every source and of every file it built;
this recomputes both, so a change to web/ without a rebuild (or a hand edit of the build)
fails here, without needing npm. `node web/build.mjs --check` (scripts/check) goes further
and rebuilds byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import embedsandbox.server

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
STATIC = Path(embedsandbox.server.__file__).parent / "_static"
REBUILD = "npm --prefix web ci && npm --prefix web run build"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sources_digest() -> str:
    # The same digest as web/build.mjs: sorted "path\0sha256\n" lines over its inputs.
    paths = ["build.mjs", "package.json", "package-lock.json"]
    paths += [p.relative_to(WEB).as_posix() for p in (WEB / "src").rglob("*") if p.is_file()]
    lines = "".join(f"{path}\0{_sha256((WEB / path).read_bytes())}\n" for path in sorted(paths))
    return _sha256(lines.encode())


def test_the_build_records_the_current_sources() -> None:
    build = json.loads((STATIC / "BUILD.json").read_text("utf-8"))
    assert build["sources_sha256"] == _sources_digest(), (
        f"web/ changed since the dashboard was built; rebuild: {REBUILD}"
    )


def test_the_built_files_are_the_ones_recorded() -> None:
    build = json.loads((STATIC / "BUILD.json").read_text("utf-8"))
    on_disk = {p.name for p in STATIC.iterdir() if p.name != "BUILD.json"}
    assert on_disk == set(build["files"]), f"extra or missing files in {STATIC}"
    for name, digest in build["files"].items():
        assert _sha256((STATIC / name).read_bytes()) == digest, f"{name} was edited; {REBUILD}"


def test_the_bundle_stays_small_and_has_no_html_sinks() -> None:
    script = (STATIC / "app.js").read_text("utf-8")
    # CodeMirror and the views, minified: about 600 KB (200 KB gzipped), of which the PHP
    # grammar's parse tables are 100 KB. A jump means a dependency pulled in far more than it
    # should (php() with its HTML, CSS and JavaScript grammars, say).
    assert len(script.encode()) < 700_000
    # Our own sources build no HTML from strings (the CSP's Trusted Types enforce it too).
    for path in (WEB / "src").rglob("*.js"):
        text = path.read_text("utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in text, f"{path.name} uses {sink}"
