"""`output_files`: the files a run leaves behind, handed back within their caps, every language."""

from __future__ import annotations

import base64
import hashlib

import pytest

from embedsandbox import Sandbox

from ..conftest import LANGUAGES
from . import snippets

pytestmark = pytest.mark.guest


def _files(result) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {f.path: (f.encoding, f.contents) for f in result.files}


@pytest.mark.parametrize("language", LANGUAGES)
def test_text_and_binary_files_come_back_by_pattern(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_script(
        language=language, code=snippets.WRITE_OUTPUTS[language], output_files=["*.txt", "out/**"]
    )
    assert 0 == result.exit_code, result.stderr
    assert ["out/deep/n.txt", "out/img.bin", "report.txt"] == [f.path for f in result.files]
    files = _files(result)
    assert ("utf-8", "total: 42 é\n") == files["report.txt"]
    assert ("utf-8", "n") == files["out/deep/n.txt"]
    encoding, contents = files["out/img.bin"]
    assert ("base64", bytes(range(256))) == (encoding, base64.b64decode(contents))
    assert ([], 0) == (result.files_left_out, result.files_left_out_count)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_cap_leaves_files_out_by_name(sandbox: Sandbox, language: str) -> None:
    code = snippets.WRITE_OUTPUTS[language]
    big = sandbox.run_script(
        language=language, code=code, output_files=["**"], limits={"output_file_bytes": 100}
    )
    assert ["out/deep/n.txt", "report.txt", "skip.log"] == [f.path for f in big.files]
    assert [("out/img.bin", "larger than output_file_bytes (100 bytes)")] == [
        (f.path, f.reason) for f in big.files_left_out
    ]
    count = sandbox.run_script(
        language=language, code=code, output_files=["**"], limits={"output_files_count": 2}
    )
    assert ["out/deep/n.txt", "out/img.bin"] == [f.path for f in count.files]
    assert 2 == count.files_left_out_count
    assert all("output_files_count (2 files)" in f.reason for f in count.files_left_out)
    total = sandbox.run_script(
        language=language, code=code, output_files=["**"], limits={"output_files_bytes": 200}
    )
    assert ["out/deep/n.txt", "report.txt", "skip.log"] == [f.path for f in total.files]
    assert [("out/img.bin", "past output_files_bytes (200 bytes in all)")] == [
        (f.path, f.reason) for f in total.files_left_out
    ]


def test_nothing_is_asked_for_nothing_comes_back(sandbox: Sandbox) -> None:
    result = sandbox.run_script(language="python", code=snippets.WRITE_OUTPUTS["python"])
    assert ([], [], 0) == (result.files, result.files_left_out, result.files_left_out_count)


@pytest.mark.parametrize("language", ["python", "ruby", "javascript"])
def test_a_function_returns_its_files_too(sandbox: Sandbox, language: str) -> None:
    code = {
        "python": "def execute(input):\n    open('o.json', 'w').write('[1]')\n    return 1",
        "ruby": "def execute(input)\n  File.write('o.json', '[1]')\n  1\nend",
        "javascript": "function execute(input) { require('fs').writeFileSync('o.json', '[1]'); return 1 }",
    }[language]
    result = sandbox.run_function(language=language, code=code, output_files=["*.json"])
    assert ("valid", 1) == (result.output_status, result.output)
    assert [("o.json", "[1]")] == [(f.path, f.contents) for f in result.execution.files]


def test_a_matplotlib_png_round_trips_byte_for_byte(sandbox: Sandbox) -> None:
    code = (
        "import hashlib, matplotlib\n"
        "matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "plt.plot([1, 2, 3], [2, 4, 1])\n"
        "plt.savefig('plot.png')\n"
        "print(hashlib.sha256(open('plot.png', 'rb').read()).hexdigest())\n"
    )
    result = sandbox.run_script(
        language="python", code=code, output_files=["*.png"], limits={"execution_timeout": 120}
    )
    assert 0 == result.exit_code, result.stderr
    (png,) = result.files
    data = base64.b64decode(png.contents)
    assert ("plot.png", "base64") == (png.path, png.encoding)
    assert data.startswith(b"\x89PNG")
    assert result.stdout.strip() == hashlib.sha256(data).hexdigest()


def test_the_history_keeps_files_only_when_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = "open('a.txt', 'w').write('kept?')"
    for keep in (False, True):
        with Sandbox(store=tmp_path / f"{keep}.sqlite3", record_files=keep) as sb:
            run = sb.run_script(language="python", code=code, output_files=["*.txt"])
            assert ["a.txt"] == [f.path for f in run.files]
            stored = sb.executions.get(run.id)
            files = stored.details.response.files  # type: ignore[union-attr]
            assert (["a.txt"] if keep else []) == [f.path for f in files]
