"""One threat per test: what the guest must not reach, and what contains it."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import psutil
import pytest

from embedsandbox import Sandbox
from embedsandbox.errors import RequestValidationError

from ..conftest import LANGUAGES
from ..guests import snippets

pytestmark = pytest.mark.guest

PROJECT_FILE = str(Path(__file__).resolve().parents[2] / "pyproject.toml")

READ_PATH = {
    "python": (
        "import sys\n"
        "try:\n"
        "    print(open(sys.argv[1]).read()[:50])\n"
        "except OSError as e:\n"
        "    print('refused', type(e).__name__)"
    ),
    "javascript": (
        "import fs from 'fs';\n"
        "try { console.log(fs.readFileSync(process.argv[2], 'utf8').slice(0, 50)) }\n"
        "catch (e) { console.log('refused', e.name) }"
    ),
}
READ_PATH["typescript"] = READ_PATH["javascript"]
READ_PATH["ruby"] = (
    "begin\n"
    "  puts File.read(ARGV[0])[0, 50]\n"
    "rescue SystemCallError => e\n"
    '  puts "refused #{e.class}"\n'
    "end"
)
READ_PATH["php"] = (
    "<?php $data = @file_get_contents($argv[1]);\n"
    "echo $data === false ? 'refused ' . (error_get_last()['message'] ?? '') : substr($data, 0, 50);"
)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", PROJECT_FILE, "../../../../etc/passwd", "/proc/self/environ", "sub/../../x"],
)
def test_guest_cannot_read_host_files(sandbox: Sandbox, language: str, path: str) -> None:
    """Threat: reading host files (secrets, source). Contained by WASI preopens / in-memory fs."""
    result = sandbox.run_script(language=language, code=READ_PATH[language], args=[path])
    assert 0 == result.exit_code, result.stderr
    assert result.stdout.startswith("refused"), result.stdout
    assert "root:" not in result.stdout


def test_python_guest_sees_only_its_own_folder(sandbox: Sandbox) -> None:
    """Threat: listing the host's file system. Contained: / is the job's own folder."""
    code = "import os; print(sorted(os.listdir('/')))"
    result = sandbox.run_script(
        language="python", code=code, files=[{"path": "a.txt", "contents": ""}]
    )
    names = json.loads(result.stdout.replace("'", '"'))
    assert "etc" not in names and "home" not in names and "root" not in names
    assert "a.txt" in names


def test_python_symlink_cannot_escape(sandbox: Sandbox) -> None:
    """Threat: a symlink inside the workdir pointing at a host path. Contained by WASI."""
    code = (
        "import os\n"
        "for target in ('/etc', '../../../../../etc', '/'):\n"
        "    try:\n"
        "        os.symlink(target, 'link')\n"
        "        print(open('link/passwd').read()[:20])\n"
        "    except OSError as e:\n"
        "        print('refused')\n"
        "    finally:\n"
        "        try: os.unlink('link')\n"
        "        except OSError: pass\n"
    )
    result = sandbox.run_script(language="python", code=code)
    assert "root:" not in result.stdout
    assert 0 == result.exit_code, result.stderr


def test_file_paths_cannot_climb_out() -> None:
    """Threat: a request's file path escaping the workdir. Contained by validation."""
    with pytest.raises(RequestValidationError):
        Sandbox().run_script(
            language="python", code="", files=[{"path": "../escape.txt", "contents": "x"}]
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_host_environment_does_not_leak(
    sandbox: Sandbox, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threat: host env vars (API keys) visible to the guest. Contained: env is built, not inherited."""
    monkeypatch.setenv("EMBEDSANDBOX_CANARY", "host-secret-value")
    result = sandbox.run_script(
        language=language, code=snippets.ECHO_ENV[language], env={"ONLY": "me"}
    )
    assert {"ONLY": "me"} == json.loads(result.stdout)
    assert "host-secret-value" not in result.stdout + result.stderr


def test_python_guest_has_no_sockets_or_processes(sandbox: Sandbox) -> None:
    """Threat: raw network or spawning host processes. Contained: no WASI sockets, no exec."""
    code = (
        "import socket, os, subprocess\n"
        "try:\n"
        "    s = socket.create_connection(('127.0.0.1', 22), timeout=1)\n"
        "    print('connected')\n"
        "except Exception as e:\n"
        "    print('no socket')\n"
        "try:\n"
        "    subprocess.run(['ls'])\n"
        "    print('spawned')\n"
        "except Exception as e:\n"
        "    print('no process')\n"
    )
    result = sandbox.run_script(language="python", code=code)
    assert "no socket\nno process\n" == result.stdout


@pytest.mark.parametrize("language", LANGUAGES)
def test_limits_contain_hostile_loops_and_the_host_survives(
    sandbox: Sandbox, language: str
) -> None:
    """Threat: exhausting the host (CPU, memory, output, stack). Contained by the engine's
    limits; afterwards the host runs normally and its memory does not keep growing."""
    hostile = {
        "execution_timeout": (snippets.CPU_LOOP[language], {"execution_timeout": 0.5}),
        "memory_size": (snippets.MEMORY_BOMB[language], {"memory_size": 64}),
        "output_size": (snippets.OUTPUT_FLOOD[language], {"output_bytes": 4096}),
    }
    process = psutil.Process(os.getpid())
    for limit, (code, limits) in hostile.items():
        assert limit == sandbox.run_script(language=language, code=code, limits=limits).limit_hit
    gc.collect()
    baseline = process.memory_info().rss
    for _ in range(3):
        for limit, (code, limits) in hostile.items():
            assert (
                limit == sandbox.run_script(language=language, code=code, limits=limits).limit_hit
            )
    gc.collect()
    grown_mib = (process.memory_info().rss - baseline) / (1 << 20)
    assert grown_mib < 64, f"host RSS grew by {grown_mib:.0f} MiB over 9 hostile runs"
    ok = sandbox.run_script(language=language, code=snippets.PRINT[language].format(2))
    assert (0, "2\n") == (ok.exit_code, ok.stdout)


@pytest.mark.parametrize("language", LANGUAGES)
def test_guest_cannot_write_the_hosts_stdio(
    language: str, capfd: pytest.CaptureFixture[str]
) -> None:
    """Threat: a guest writing to the host's own stdout/stderr. Contained: stdio is captured."""
    code = snippets.OUT_AND_ERR[language]
    with Sandbox() as sb:
        result = sb.run_script(language=language, code=code)
    captured = capfd.readouterr()
    assert "guest-out" in result.stdout and "guest-err" in result.stderr
    assert "guest-out" not in captured.out + captured.err
    assert "guest-err" not in captured.out + captured.err
