"""The `embedsandbox` command, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.guest


def _cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "embedsandbox", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_run_python_file_with_args_env_stdin_and_files(tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text(
        "import os, sys\n"
        "print(sys.argv[1:], os.environ['GREETING'], sys.stdin.read(), open('data/in.txt').read())\n"
    )
    data = tmp_path / "in.txt"
    data.write_text("file-data")
    done = _cli(
        "run",
        str(script),
        "a",
        "b",
        "--env",
        "GREETING=hi",
        "--stdin",
        "from-stdin",
        "--file-in",
        f"data/in.txt={data}",
    )
    assert 0 == done.returncode, done.stderr
    assert "['a', 'b'] hi from-stdin file-data\n" == done.stdout


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("python", "import sys; print(sys.argv[1:])", "['x']\n"),
        ("javascript", "console.log(process.argv.slice(2))", "x"),
        (
            "typescript",
            "const a: string[] = process.argv.slice(2); console.log(a.join(','))",
            "x\n",
        ),
        ("ruby", "p ARGV", '["x"]\n'),
    ],
)
def test_run_code_in_each_language(language: str, code: str, expected: str) -> None:
    done = _cli("run", "-l", language, "-c", code, "--", "x")
    assert 0 == done.returncode, done.stderr
    assert expected in done.stdout


def test_exit_code_and_stderr_pass_through() -> None:
    done = _cli(
        "run", "-l", "python", "-c", "import sys; print('err', file=sys.stderr); sys.exit(4)"
    )
    assert (4, "err\n") == (done.returncode, done.stderr)


def test_json_prints_the_full_response() -> None:
    done = _cli("run", "-l", "javascript", "-c", "console.log(1)", "--json")
    assert 0 == done.returncode, done.stderr
    body = json.loads(done.stdout)
    assert {
        "id",
        "exit_code",
        "stdout",
        "stderr",
        "duration",
        "started_at",
        "fuel_used",
        "limit_hit",
        "files",
        "files_left_out",
        "files_left_out_count",
    } == set(body)
    assert ("1\n", 0) == (body["stdout"], body["exit_code"])


def test_function_mode_prints_the_output() -> None:
    done = _cli(
        "run",
        "-l",
        "python",
        "--function",
        "-c",
        "def execute(i): return i['x'] * 2",
        "--input",
        '{"x": 21}',
    )
    assert (0, "42\n") == (done.returncode, done.stdout)


def test_limits_from_the_command_line() -> None:
    done = _cli("run", "-l", "python", "-c", "while True: pass", "--timeout", "0.5", "--json")
    body = json.loads(done.stdout)
    assert ("execution_timeout", 1) == (body["limit_hit"], body["exit_code"])


def test_bad_requests_are_clear_errors_without_tracebacks() -> None:
    done = _cli("run", "-l", "python", "-c", "print(1)", "--env", "A\x01=", "--timeout", "-1")
    assert 2 == done.returncode
    assert "execution_timeout" in done.stderr
    assert "Traceback" not in done.stderr
    done = _cli("run", "-l", "php", "-c", "<?php echo 1;")
    assert 5 == done.returncode
    assert "not available in this installation" in done.stderr


def test_first_compile_shows_a_message(tmp_path: Path) -> None:
    # An empty cache: the JavaScript engine compiles its modules and says so on stderr.
    done = _cli(
        "run", "-l", "javascript", "-c", "console.log(1)", env={"EMBEDSANDBOX_HOME": str(tmp_path)}
    )
    assert (0, "1\n") == (done.returncode, done.stdout), done.stderr
    assert "compiling the javascript interpreter for the first time" in done.stderr
    again = _cli(
        "run", "-l", "javascript", "-c", "console.log(1)", env={"EMBEDSANDBOX_HOME": str(tmp_path)}
    )
    assert "" == again.stderr
