"""The real entry points as subprocesses: the `embedsandbox` script and `python -m embedsandbox`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.guest

SCRIPT = Path(sys.executable).with_name("embedsandbox")


def _run(*command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("ruby", "puts 1", "1\n"),
        ("python", "print(1)", "1\n"),
        ("javascript", "console.log(1)", "1\n"),
        ("typescript", "const n: number = 1; console.log(n)", "1\n"),
    ],
)
def test_the_installed_script_runs_each_language(language: str, code: str, expected: str) -> None:
    done = _run(str(SCRIPT), "run", "--language", language, "-c", code)
    assert (0, expected) == (done.returncode, done.stdout), done.stderr


def test_python_dash_m_exits_with_the_guest_exit_code() -> None:
    done = _run(
        sys.executable,
        "-m",
        "embedsandbox",
        "run",
        "-l",
        "python",
        "-c",
        "import sys; print('err', file=sys.stderr); sys.exit(4)",
    )
    assert (4, "", "err\n") == (done.returncode, done.stdout, done.stderr)


def test_a_usage_error_exits_2_without_a_traceback() -> None:
    done = _run(str(SCRIPT), "run", "-c", "print(1)")
    assert 2 == done.returncode
    assert "usage: embedsandbox run" in done.stderr and "-c CODE needs --language" in done.stderr
    assert "Traceback" not in done.stderr


def test_shell_completion_script_for_bash() -> None:
    done = subprocess.run(
        [str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "_EMBEDSANDBOX_COMPLETE": "bash_source"},
        check=False,
    )
    assert 0 == done.returncode, done.stderr
    assert "_embedsandbox_completion()" in done.stdout
    assert "-F _embedsandbox_completion embedsandbox" in done.stdout


def test_first_compile_shows_a_message(tmp_path: Path) -> None:
    # An empty cache: the JavaScript engine compiles its modules and says so on stderr. In a
    # fresh process: once loaded in a process, the engine needs no cache to skip compiling.
    env = {"EMBEDSANDBOX_HOME": str(tmp_path)}
    done = _run(str(SCRIPT), "run", "-l", "javascript", "-c", "console.log(1)", env=env)
    assert (0, "1\n") == (done.returncode, done.stdout), done.stderr
    assert "compiling the javascript interpreter for the first time" in done.stderr
    assert "compiled in" in done.stderr
    again = _run(str(SCRIPT), "run", "-l", "javascript", "-c", "console.log(1)", env=env)
    assert "" == again.stderr
