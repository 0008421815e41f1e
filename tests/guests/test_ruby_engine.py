"""What only the Ruby engine has to get right: Ruby's exits, its limits' edges, the build's fetch."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import time
from pathlib import Path
from typing import Any

import pytest

from embedsandbox import Sandbox
from embedsandbox._engines._ruby import _fetch
from embedsandbox.errors import RuntimeUnavailableError

from ..server.test_app import _call

pytestmark = pytest.mark.guest


def _run(sandbox: Sandbox, code: str, **fields: Any) -> tuple[int, str, str, str | None]:
    result = sandbox.run_script(language="ruby", code=code, **fields)
    return result.exit_code, result.stdout, result.stderr, result.limit_hit


def test_exit_bang_is_its_code_and_abort_says_why(sandbox: Sandbox) -> None:
    assert (4, "a\n", "", None) == _run(sandbox, "puts 'a'; exit! 4")
    assert (1, "", "bye\n", None) == _run(sandbox, "abort 'bye'")
    assert (0, "", "", None) == _run(sandbox, "exit")
    assert (1, "", "", None) == _run(sandbox, "exit false")


def test_a_syntax_error_names_main_rb(sandbox: Sandbox) -> None:
    code, stdout, stderr, limit = _run(sandbox, "def (")
    assert (1, "", None) == (code, stdout, limit)
    assert stderr.startswith("main.rb:1: syntax error"), stderr


def test_program_name_and_file_are_main_rb(sandbox: Sandbox) -> None:
    code = "p $0, __FILE__, $0 == __FILE__, Dir.pwd"
    assert (0, '"main.rb"\n"main.rb"\ntrue\n"/"\n', "", None) == _run(sandbox, code)


def test_a_short_sleep_sleeps_and_a_long_one_ends_at_the_deadline(sandbox: Sandbox) -> None:
    code = "t = Process.clock_gettime(Process::CLOCK_MONOTONIC); sleep 0.05\n"
    code += "puts Process.clock_gettime(Process::CLOCK_MONOTONIC) - t >= 0.05"
    assert (0, "true\n", "", None) == _run(sandbox, code)
    start = time.monotonic()
    result = sandbox.run_script(
        language="ruby", code="sleep 0.1 while true", limits={"execution_timeout": 1}
    )
    assert "execution_timeout" == result.limit_hit
    assert 0.9 < time.monotonic() - start < 3


def test_an_uncaught_no_memory_error_is_the_memory_limit(sandbox: Sandbox) -> None:
    code, _, stderr, limit = _run(
        sandbox, "s = 'x' * 500_000_000", limits={"memory_size": 64, "execution_timeout": 20}
    )
    assert (1, "memory_size") == (code, limit)
    assert "NoMemoryError" in stderr


@pytest.mark.parametrize("rescue", ["NoMemoryError", "Exception"])
def test_a_rescued_no_memory_error_is_still_the_memory_limit(sandbox: Sandbox, rescue: str) -> None:
    """Threat: a guest that rescues NoMemoryError and carries on as if under its cap.

    Contained: the host saw the refused memory.grow (`_core/_growth.py`): memory_size, exit 1.
    """
    code = (
        "begin\n"
        "  s = 'x' * 500_000_000\n"
        f"rescue {rescue} => e\n"
        '  puts "rescued #{e.class}"\n'
        "end\n"
        "puts 'done'\n"
    )
    code_, stdout, _, limit = _run(
        sandbox, code, limits={"memory_size": 64, "execution_timeout": 20}
    )
    assert (1, "memory_size") == (code_, limit)
    assert "rescued NoMemoryError\ndone\n" == stdout  # what it printed is kept


def test_a_run_under_its_cap_is_not_the_memory_limit(sandbox: Sandbox) -> None:
    code = "a = Array.new(20) { 'x' * 1_000_000 }; puts a.sum(&:size)"
    assert (0, "20000000\n", "", None) == _run(sandbox, code, limits={"memory_size": 128})


def test_the_disk_quota_stops_a_writer(sandbox: Sandbox) -> None:
    code, _, stderr, limit = _run(
        sandbox, "File.write('big', 'x' * 2_000_000)", limits={"disk_bytes": 1_000_000}
    )
    assert (1, "disk_size") == (code, limit)
    assert "disk_bytes of 1000000 bytes" in stderr


def test_links_are_refused(sandbox: Sandbox) -> None:
    """Threat: a symlink or hard link out of the guest's folder. Contained: refused (EPERM)."""
    code = (
        "%w[/etc ../../../../etc /].each do |t|\n"
        "  begin\n"
        "    File.symlink(t, 'link'); puts File.read('link/passwd')[0, 20]\n"
        "  rescue SystemCallError => e\n"
        "    puts e.class\n"
        "  end\n"
        "end\n"
        "File.write('a', 'x')\n"
        "begin; File.link('a', 'b'); puts 'linked'; rescue SystemCallError => e; puts e.class; end"
    )
    assert (0, "Errno::EPERM\n" * 4, "", None) == _run(sandbox, code)


def test_guests_do_not_share_their_random_numbers(sandbox: Sandbox) -> None:
    """Threat: one guest predicting another's random numbers (all start from one state)."""
    outputs = {_run(sandbox, "p rand, Random.new_seed")[1] for _ in range(3)}
    assert 3 == len(outputs)


def test_javascript_interop_is_a_trap_not_a_host_call(sandbox: Sandbox) -> None:
    """Threat: the build's JS-interop imports reaching the host. Contained: they trap."""
    code, _, stderr, _ = _run(sandbox, "require 'js'; JS.global")
    assert 1 == code
    assert "JavaScript interop is not available in this sandbox" in stderr
    assert (0, "ok\n", "", None) == _run(sandbox, "puts :ok")  # the host goes on


def test_stdlib_loads_and_threads_say_unsupported(sandbox: Sandbox) -> None:
    code = (
        "require 'digest'; require 'time'; require 'yaml'; require 'set'\n"
        "puts Digest::SHA256.hexdigest('a')[0, 8], YAML.dump([1]).lines.last\n"
        "begin; Thread.new {}; rescue NotImplementedError => e; puts e.class; end"
    )
    assert (0, "ca978112\n- 1\nNotImplementedError\n", "", None) == _run(sandbox, code)


def test_the_server_runs_ruby(tmp_path: Path) -> None:
    response = _call(
        tmp_path, "POST", "/v1/execute", json={"language": "ruby", "code": "puts 6 * 7"}
    )
    assert 200 == response.status_code, response.text
    assert (0, "42\n") == (response.json()["exit_code"], response.json()["stdout"])


def _tarball(wasm: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in (
            ("package/dist/ruby+stdlib.wasm", wasm),
            ("package/dist/LICENSE", b"MIT"),
            ("package/dist/NOTICE", b"notice"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _pin(monkeypatch: pytest.MonkeyPatch, tarball: bytes, url: str, wasm_sha: str) -> None:
    entry = dict(_fetch.pinned())
    entry["tarball"] = url
    entry["integrity"] = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    entry["files"] = {_fetch.WASM_MEMBER: wasm_sha}
    monkeypatch.setattr(_fetch, "pinned", lambda: entry)


def test_offline_fetch_says_what_to_fetch_and_how(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "http://127.0.0.1:9/3.4-wasm-wasi-2.10.1.tgz"  # the discard port: refused
    _pin(monkeypatch, b"", url, "0" * 64)
    with pytest.raises(RuntimeUnavailableError) as info:
        _fetch.fetch(tmp_path)
    message = str(info.value)
    assert url in message and "embedsandbox warmup ruby" in message
    assert str(tmp_path / "3.4-wasm-wasi-2.10.1.tgz") in message


def test_a_tarball_put_by_hand_is_used_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wasm = b"\0asm\1\0\0\0"
    tarball = _tarball(wasm)
    url = "http://127.0.0.1:9/3.4-wasm-wasi-2.10.1.tgz"
    _pin(monkeypatch, tarball, url, hashlib.sha256(wasm).hexdigest())
    (tmp_path / "3.4-wasm-wasi-2.10.1.tgz").write_bytes(tarball)
    files = _fetch.fetch(tmp_path)
    assert wasm == files[_fetch.WASM_MEMBER].read_bytes()
    assert b"MIT" == files["package/dist/LICENSE"].read_bytes()


def test_a_tampered_tarball_or_wasm_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threat: a swapped build (registry, mirror or cache). Contained by the pinned hashes."""
    wasm = b"\0asm\1\0\0\0"
    tarball = _tarball(wasm)
    url = "http://127.0.0.1:9/3.4-wasm-wasi-2.10.1.tgz"
    local = tmp_path / "3.4-wasm-wasi-2.10.1.tgz"
    _pin(monkeypatch, tarball + b"x", url, hashlib.sha256(wasm).hexdigest())
    local.write_bytes(tarball)
    with pytest.raises(RuntimeUnavailableError, match="integrity"):
        _fetch.fetch(tmp_path)
    _pin(monkeypatch, tarball, url, "0" * 64)
    local.write_bytes(tarball)
    with pytest.raises(RuntimeUnavailableError, match="pins"):
        _fetch.fetch(tmp_path)
    _pin(monkeypatch, tarball, url, hashlib.sha256(wasm).hexdigest())
    files = _fetch.fetch(tmp_path)
    files[_fetch.WASM_MEMBER].write_bytes(wasm + b"tampered")
    with pytest.raises(RuntimeUnavailableError, match="pins"):
        _fetch.check_files(files)


def test_a_runs_folder_is_in_memory_and_gone_after_it(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import tempfile

    from embedsandbox._engines._core import _folders
    from embedsandbox._engines._core._threads import discarded

    made: list[str] = []
    real = tempfile.mkdtemp

    def mkdtemp(*args: Any, **kwargs: Any) -> str:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(_folders.tempfile, "mkdtemp", mkdtemp)
    code = 'File.write("big.txt", "x" * 100_000); puts Dir.pwd, File.size("big.txt")'
    for _ in range(3):
        result = sandbox.run_script(language="ruby", code=code, stdin="in")
        assert "/\n100000\n" == result.stdout, result.stderr
    assert 3 == len(made)
    assert discarded(timeout=30)  # folders are removed off the caller's path, by the reaper
    for folder in made:
        if os.path.isdir("/dev/shm"):
            assert folder.startswith("/dev/shm/"), folder  # memory: never the host's disk
        assert not os.path.exists(folder), f"{folder} was left behind"
