"""`embedsandbox run` and `embedsandbox warmup`, in process (click's CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embedsandbox._cli._output import print_script_result
from embedsandbox.models import ExecuteResponse
from tests.cli.conftest import Invoke

pytestmark = pytest.mark.guest


def test_run_python_file_with_args_env_stdin_and_files(invoke: Invoke, tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text(
        "import os, sys\n"
        "print(sys.argv[1:], os.environ['GREETING'], sys.stdin.read(), open('data/in.txt').read())\n"
    )
    data = tmp_path / "in.txt"
    data.write_text("file-data")
    done = invoke(
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
    assert 0 == done.exit_code, done.stderr
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
def test_run_code_in_each_language(invoke: Invoke, language: str, code: str, expected: str) -> None:
    done = invoke("run", "-l", language, "-c", code, "--", "x")
    assert 0 == done.exit_code, done.stderr
    assert expected in done.stdout


def test_exit_code_and_stderr_pass_through(invoke: Invoke) -> None:
    done = invoke(
        "run", "-l", "python", "-c", "import sys; print('err', file=sys.stderr); sys.exit(4)"
    )
    assert (4, "err\n") == (done.exit_code, done.stderr)


def test_an_exit_code_past_255_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    # Guests' exit codes wrap to 0..255 today; one outside still cannot reach the process.
    result = ExecuteResponse.model_construct(exit_code=300, stdout="out", stderr="err")
    assert 1 == print_script_result(result, as_json=False)
    assert ("out", "err") == capsys.readouterr()


def test_json_prints_the_full_response(invoke: Invoke) -> None:
    done = invoke("run", "-l", "javascript", "-c", "console.log(1)", "--json")
    assert 0 == done.exit_code, done.stderr
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


def test_function_mode_prints_the_output(invoke: Invoke) -> None:
    done = invoke(
        "run",
        "-l",
        "python",
        "--function",
        "-c",
        "def execute(i): return i['x'] * 2",
        "--input",
        '{"x": 21}',
    )
    assert (0, "42\n") == (done.exit_code, done.stdout)


def test_function_mode_prints_to_stderr_and_fails_on_invalid_output(invoke: Invoke) -> None:
    done = invoke(
        "run", "-l", "python", "--function", "-c", "def execute(i):\n    print('hi')\n    1/0"
    )
    assert 1 == done.exit_code
    assert "" == done.stdout
    assert "hi\n" in done.stderr and "output_status error" in done.stderr
    done = invoke("run", "-l", "javascript", "--function", "-c", "function execute(i) { return i }")
    assert (0, "null\n") == (done.exit_code, done.stdout), done.stderr
    as_json = invoke(
        "run", "-l", "javascript", "--function", "-c", "function execute(i) { return i }", "--json"
    )
    assert ("valid", None) == tuple(
        map(json.loads(as_json.stdout).get, ("output_status", "output"))
    )


def test_limits_from_the_command_line(invoke: Invoke) -> None:
    done = invoke("run", "-l", "python", "-c", "while True: pass", "--timeout", "0.5", "--json")
    body = json.loads(done.stdout)
    assert ("execution_timeout", 1) == (body["limit_hit"], body["exit_code"])
    done = invoke("run", "-l", "python", "-c", "while True: pass", "--fuel", "100000", "--json")
    assert "fuel" == json.loads(done.stdout)["limit_hit"]
    done = invoke("run", "-l", "python", "-c", "b = bytearray(200 << 20)", "--memory", "64")
    assert 1 == done.exit_code and "memory_size" in done.stderr
    done = invoke("run", "-l", "python", "-c", "print('x' * 100)", "--output-bytes", "10")
    assert (1, "x" * 10) == (done.exit_code, done.stdout)


def test_stdin_from_a_file_or_our_stdin(invoke: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("from-file")
    code = ["run", "-l", "python", "-c", "import sys; print(sys.stdin.read())"]
    assert "from-file\n" == invoke(*code, "--stdin-file", str(source)).stdout
    assert "piped\n\n" == invoke(*code, "--stdin-file", "-", stdin="piped\n").stdout


def test_a_file_in_without_a_host_path_reads_the_same_path(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("data.csv").write_text("a,b")
    done = invoke("run", "-l", "python", "-c", "print(open('data.csv').read())", "-f", "data.csv")
    assert (0, "a,b\n") == (done.exit_code, done.stdout), done.stderr


def test_the_language_comes_from_the_file_extension(invoke: Invoke, tmp_path: Path) -> None:
    script = tmp_path / "hello.ts"
    script.write_text("const n: number = 1; console.log(n)")
    assert "1\n" == invoke("run", str(script)).stdout
    unknown = tmp_path / "hello.txt"
    unknown.write_text("print(1)")
    done = invoke("run", str(unknown))
    assert 2 == done.exit_code and "pass --language" in done.stderr
    assert "1\n" == invoke("run", "-l", "python", str(unknown)).stdout


def test_bad_requests_are_clear_errors_without_tracebacks(invoke: Invoke) -> None:
    done = invoke("run", "-l", "python", "-c", "print(1)", "--env", "A\x01=", "--timeout", "-1")
    assert 2 == done.exit_code
    assert "execution_timeout" in done.stderr
    assert "Traceback" not in done.stderr
    done = invoke("run", "-l", "perl", "-c", "print 1")
    assert 2 == done.exit_code
    assert "perl" in done.stderr and "Traceback" not in done.stderr


def test_a_missing_file_is_an_error_of_ours(invoke: Invoke, tmp_path: Path) -> None:
    done = invoke("run", str(tmp_path / "nothing.py"))
    assert 2 == done.exit_code
    assert done.stderr.startswith("embedsandbox: error: ") and "nothing.py" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give a FILE or -c CODE"),
        (["-c", "print(1)"], "-c CODE needs --language"),
        (["-l", "python", "-c", "1", "--stdin", "a", "--stdin-file", "-"], "cannot be used"),
        (["-l", "python", "-c", "1", "--input", "1"], "--input needs --function"),
        (["-l", "python", "-c", "1", "--function", "x"], "not arguments or stdin"),
        (["-l", "python", "-c", "1", "--function", "--stdin", "a"], "not arguments or stdin"),
        (["-l", "python", "-c", "1", "--function", "--input", "{x"], "not JSON"),
        (["-l", "python", "-c", "1", "--env", "NOVALUE"], "must be NAME=VALUE"),
        (["-l", "cobol", "-c", "1"], "'cobol' is not one of"),
        (["-l", "python", "-c", "1", "--timeout", "soon"], "'soon' is not a valid float"),
    ],
)
def test_usage_errors_exit_2_with_a_message(invoke: Invoke, args: list[str], message: str) -> None:
    done = invoke("run", *args)
    assert 2 == done.exit_code
    assert message in done.stderr
    assert "usage: embedsandbox run" in done.stderr and "" == done.stdout


def test_warmup_compiles_and_says_ready(invoke: Invoke, home: Path) -> None:
    done = invoke("warmup", "javascript")
    assert (0, "embedsandbox: javascript is ready\n") == (done.exit_code, done.stdout)
    assert "" == done.stderr  # the suite's cache already holds it: nothing to announce
    done = invoke("warmup", "cobol")
    assert 2 == done.exit_code and "'cobol' is not one of" in done.stderr
