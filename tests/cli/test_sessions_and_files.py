"""`run --output-file/--output-dir` and `repl`, in process."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Invoke


def test_run_writes_the_returned_files_under_output_dir(invoke: Invoke, tmp_path: Path) -> None:
    code = (
        "import os\n"
        "os.makedirs('out')\n"
        "open('out/a.txt', 'w').write('hi')\n"
        "open('out/b.bin', 'wb').write(bytes([0, 255]))\n"
        "open('big.txt', 'w').write('x' * 5000)\n"
    )
    target = tmp_path / "got"
    done = invoke(
        "run", "-l", "python", "-c", code, "-o", "out/**", "-o", "*.txt",
        "--output-dir", str(target),
    )  # fmt: skip
    assert 0 == done.exit_code, done.stderr
    assert "hi" == (target / "out" / "a.txt").read_text()
    assert bytes([0, 255]) == (target / "out" / "b.bin").read_bytes()
    assert 5000 == len((target / "big.txt").read_text())
    assert f"wrote {target / 'out' / 'a.txt'}" in done.stderr


def test_output_dir_needs_a_pattern(invoke: Invoke, tmp_path: Path) -> None:
    done = invoke("run", "-l", "python", "-c", "1", "--output-dir", str(tmp_path))
    assert 2 == done.exit_code
    assert "--output-dir needs --output-file" in done.stderr


def test_repl_keeps_state_and_prints_values(invoke: Invoke) -> None:
    lines = "x = 40\nx + 2\ndef f(a):\n    return a * 2\n\nf(21)\nprint('out')\n"
    done = invoke("repl", "-l", "python", stdin=lines)
    assert 0 == done.exit_code, done.stderr
    # Prompts go to stdout too (no newline after them: stdin is not a terminal).
    printed = done.stdout.replace(">>> ", "").replace("... ", "")
    assert "42\n42\nout\n\n" == printed  # the last newline: Ctrl-D's


def test_repl_in_ruby_and_a_limit_starts_a_new_session(invoke: Invoke) -> None:
    lines = "x = 41\nx + 1\nloop {}\nx.inspect\n"
    done = invoke("repl", "-l", "ruby", "--timeout", "0.5", stdin=lines)
    assert 0 == done.exit_code, done.stderr
    assert "=> 42" in done.stdout
    assert "execution_timeout" in done.stderr and "a new session starts" in done.stderr
    assert "undefined local variable or method 'x'" in done.stderr  # the new one has no x
