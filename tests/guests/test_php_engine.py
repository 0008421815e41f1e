"""PHP specifics: the extensions built in, PHP's file rules, limits and what WASI leaves out.

The semantics every language shares (args, env, stdin, files, exit codes, limits, functions)
are the parametrized tests of this folder; these are what only PHP has.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedsandbox import Sandbox, _artifacts
from embedsandbox._engines._php import _phpwasm
from embedsandbox.errors import RuntimeUnavailableError

pytestmark = pytest.mark.guest


def _run(sandbox: Sandbox, code: str, **fields: object) -> tuple[int, str, str, str | None]:
    result = sandbox.run_script(language="php", code=code, **fields)  # type: ignore[arg-type]
    limit = result.limit_hit.value if result.limit_hit is not None else None
    return result.exit_code, result.stdout, result.stderr, limit


def test_the_extensions_scripts_use_most(sandbox: Sandbox) -> None:
    code = (
        "<?php\n"
        "$out = [];\n"
        "$out['json'] = json_decode(json_encode(['a' => [1, 2.5, null, 'é']]), true);\n"
        "$out['mb'] = [mb_strlen('héllo'), mb_strtoupper('héllo'), mb_substr('日本語', 1, 1)];\n"
        "preg_match_all('/(\\d+)-(\\w+)/', '12-ab 34-cd', $m);\n"
        "$out['preg'] = [$m[2], preg_replace('/\\s+/', ' ', \"a  b\\n c\"), "
        "preg_split('/,/', 'x,y')];\n"
        "$d = new DateTimeImmutable('2024-02-28 12:00:00', new DateTimeZone('UTC'));\n"
        "$out['date'] = [$d->modify('+1 day')->format('Y-m-d'), $d->format(DATE_ATOM), "
        "date_default_timezone_get()];\n"
        "$out['bc'] = bcadd('12345678901234567890', '1');\n"
        "$out['ctype'] = [ctype_digit('123'), ctype_alpha('a1')];\n"
        "$out['hash'] = [md5('a'), hash('sha256', 'a'), crc32('a')];\n"
        "$out['filter'] = filter_var('a@b.example', FILTER_VALIDATE_EMAIL);\n"
        "$out['spl'] = iterator_to_array(new ArrayIterator([3, 1]));\n"
        "$out['random'] = [strlen(random_bytes(16)), random_int(5, 5)];\n"
        "$out['tokens'] = count(token_get_all('<?php echo 1;'));\n"
        "echo json_encode($out);\n"
    )
    code_, stdout, stderr, limit = _run(sandbox, code)
    assert (0, "", None) == (code_, stderr, limit)
    assert {
        "json": {"a": [1, 2.5, None, "é"]},
        "mb": [5, "HÉLLO", "本"],
        "preg": [["ab", "cd"], "a b c", ["x", "y"]],
        "date": ["2024-02-29", "2024-02-28T12:00:00+00:00", "UTC"],
        "bc": "12345678901234567891",
        "ctype": [True, False],
        "hash": [
            "0cc175b9c0f1b6a831c399e269772661",
            "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
            -390611389,  # PHP's int is 32-bit here: crc32's 3904355907 wraps (docs)
        ],
        "filter": "a@b.example",
        "spl": [3, 1],
        "random": [16, 5],
        "tokens": 5,
    } == json.loads(stdout)


def test_code_without_an_open_tag_is_php_code(sandbox: Sandbox) -> None:
    assert (0, "3", "", None) == _run(sandbox, "echo 1 + 2;")
    # With a tag, PHP's own rule: the text before it is output.
    assert (0, "text 3", "", None) == _run(sandbox, "text <?php echo 1 + 2;")
    assert (0, "3", "", None) == _run(sandbox, "<?= 1 + 2 ?>")


def test_warnings_go_to_stderr_and_the_script_goes_on(sandbox: Sandbox) -> None:
    code, stdout, stderr, _ = _run(sandbox, "<?php echo $nope; echo 'after';")
    assert (0, "after") == (code, stdout)
    assert "Warning: Undefined variable $nope in /.sandbox/main.php on line 1\n" == stderr


def test_a_syntax_error_is_a_parse_error_exit_255(sandbox: Sandbox) -> None:
    code, stdout, stderr, _ = _run(sandbox, "<?php echo 'a'\necho 'b';")
    assert (255, "") == (code, stdout)
    assert stderr.startswith("PHP Parse error:") or stderr.startswith("Parse error:")
    assert "main.php on line 2" in stderr


def test_the_environment_is_the_requests_only(sandbox: Sandbox) -> None:
    code = "<?php echo json_encode([getenv(), $_ENV, $_SERVER['argv'], $argc, getenv('HOME')]);"
    _, stdout, stderr, _ = _run(sandbox, code, env={"ONLY": "this"}, args=["a"])
    assert [{"ONLY": "this"}, {"ONLY": "this"}, ["/.sandbox/main.php", "a"], 2, False] == (
        json.loads(stdout)
    ), stderr


def test_a_sleep_past_the_deadline_ends_at_the_deadline(sandbox: Sandbox) -> None:
    assert (0, "ok", "", None) == _run(sandbox, "<?php usleep(100000); echo 'ok';")
    code, _, stderr, limit = _run(
        sandbox, "<?php while (true) { usleep(100000); }", limits={"execution_timeout": 1}
    )
    assert (1, "execution_timeout") == (code, limit)
    assert "execution_timeout of 1 s" in stderr


def test_the_memory_cap_is_the_limit_not_phps_own(sandbox: Sandbox) -> None:
    # 80 MiB of data fits under a 128 MiB cap: Zend's chunks come from memory.grow, aligned
    # without slack (the build's patch 0001), so most of the cap is the script's.
    code = "<?php $a = str_repeat('x', 80 << 20); echo strlen($a);"
    assert (0, str(80 << 20), "", None) == _run(sandbox, code, limits={"memory_size": 128})
    code_, _, stderr, limit = _run(sandbox, code, limits={"memory_size": 64})
    assert (255, "memory_size") == (code_, limit)
    assert "Out of memory" in stderr and "memory_size of 64 MiB" in stderr


def test_freed_memory_is_used_again_and_a_growing_string_grows_in_place(sandbox: Sandbox) -> None:
    code = (
        "<?php\n"
        "for ($i = 0; $i < 20; $i++) { $s = str_repeat('y', 30 << 20); unset($s); }\n"
        "$t = ''; for ($i = 0; $i < 90; $i++) { $t .= str_repeat('z', 1 << 20); }\n"
        "echo strlen($t);"
    )
    assert (0, str(90 << 20), "", None) == _run(sandbox, code, limits={"memory_size": 128})


@settings(max_examples=8)
@given(seed=st.integers(min_value=1, max_value=2**31 - 1))
def test_large_blocks_keep_their_bytes_through_any_alloc_free_order(
    sandbox: Sandbox, seed: int
) -> None:
    """The build's own allocator for Zend's chunks and huge blocks (patch 0001): blocks of
    1-12 MiB made, grown, shrunk and freed in a random order keep exactly their bytes."""
    code = (
        "<?php\n"
        "mt_srand((int) $argv[1]);\n"
        "$kept = [];\n"
        "for ($step = 0; $step < 60; $step++) {\n"
        "  $k = mt_rand(0, 9); $op = mt_rand(0, 3);\n"
        "  if ($op === 0 || !isset($kept[$k])) {\n"
        "    $kept[$k] = str_repeat(chr(65 + $step % 26), mt_rand(1, 12) << 20);\n"
        "  } elseif ($op === 1) { unset($kept[$k]); }\n"
        "  elseif ($op === 2) { $kept[$k] .= str_repeat(substr($kept[$k], 0, 1), mt_rand(1, 3) << 20); }\n"
        "  else { $kept[$k] = substr($kept[$k], 0, intdiv(strlen($kept[$k]), 2)); }\n"
        "}\n"
        "foreach ($kept as $k => $v) {\n"
        '  if ($v !== str_repeat($v[0], strlen($v))) { echo "corrupt $k\\n"; exit(1); }\n'
        "}\n"
        "echo 'ok ', count($kept);\n"
    )
    code_, stdout, stderr, limit = _run(
        sandbox, code, args=[str(seed)], limits={"memory_size": 512}
    )
    assert (0, None) == (code_, limit), stderr
    assert stdout.startswith("ok "), stdout


def test_the_disk_quota_stops_a_writer(sandbox: Sandbox) -> None:
    code, _, stderr, limit = _run(
        sandbox,
        "<?php file_put_contents('big', str_repeat('x', 2000000));",
        limits={"disk_bytes": 1_000_000},
    )
    assert (1, "disk_size") == (code, limit)
    assert "disk_bytes of 1000000 bytes" in stderr


def test_links_are_refused(sandbox: Sandbox) -> None:
    """Threat: a symlink or hard link out of the guest's folder. Contained: refused (EPERM)."""
    code = (
        "<?php\n"
        "foreach (['/etc', '../../../../etc', '/'] as $t) {\n"
        "  var_dump(@symlink($t, 'link'));\n"
        "}\n"
        "file_put_contents('a', 'x');\n"
        "var_dump(@link('a', 'b'), file_exists('link/passwd'));\n"
    )
    assert (0, "bool(false)\n" * 5, "", None) == _run(sandbox, code)


def test_what_wasi_has_not_fails_cleanly(sandbox: Sandbox) -> None:
    code = (
        "<?php\n"
        "var_dump(@shell_exec('id'), @exec('id'), @fsockopen('127.0.0.1', 80));\n"
        "try { (new Fiber(fn () => 1))->start(); } catch (FiberError $e) {\n"
        '  echo $e->getMessage(), "\\n";\n}\n'
        "echo PHP_INT_SIZE, ' ', PHP_OS_FAMILY, ' ', php_uname('s'), \"\\n\";\n"
    )
    code_, stdout, stderr, _ = _run(sandbox, code)
    assert 0 == code_, stderr
    assert stdout.splitlines() == [
        "bool(false)",
        "bool(false)",
        "bool(false)",
        "Fibers are not available in this WebAssembly build of PHP",
        "4 Unknown wasi",
    ]


@pytest.mark.parametrize(
    "expression",
    ["bin2hex(random_bytes(16))", "random_int(0, PHP_INT_MAX)", "mt_rand()", "rand()"],
)
def test_guests_do_not_share_their_random_numbers(sandbox: Sandbox, expression: str) -> None:
    """Threat: one guest predicting another's random numbers. Every guest starts from one
    snapshot of memory: a generator seeded before it (a key in wasi-libc's arc4random, an
    mt_rand state) would give every guest the same numbers. Each source is checked alone, so
    a time-based one (uniqid) cannot hide a shared one."""
    outputs = [_run(sandbox, f"<?php echo {expression};")[1] for _ in range(4)]
    assert 4 == len(set(outputs)), outputs


def test_the_server_runs_php(tmp_path: Path) -> None:
    from .test_ruby_engine import _call

    response = _call(
        tmp_path, "POST", "/v1/execute", json={"language": "php", "code": "<?php echo 6 * 7;"}
    )
    assert 200 == response.status_code, response.text
    assert (0, "42") == (response.json()["exit_code"], response.json()["stdout"])
    function = _call(
        tmp_path,
        "POST",
        "/v1/execute-function",
        json={
            "language": "php",
            "code": "<?php function execute($i) { return $i * 2; }",
            "input": 21,
        },
    )
    assert 200 == function.status_code, function.text
    assert 42 == function.json()["output"]


def test_a_tampered_build_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped php.wasm is checked against the manifest's sha256 before it is compiled."""
    monkeypatch.setattr(_artifacts, "_verified", {})
    real = json.loads(json.dumps(_artifacts.manifest()))
    real["runtimes"]["php"]["files"] = {_phpwasm.WASM_FILE: "0" * 64}
    monkeypatch.setattr(_artifacts, "manifest", lambda: real)
    monkeypatch.setattr(_phpwasm, "manifest", lambda: real)
    with pytest.raises(
        RuntimeUnavailableError, match="php.wasm: its sha256 is .*reinstall embedsandbox"
    ):
        _phpwasm.Build(tmp_path)
