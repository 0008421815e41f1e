"""Script semantics, the same in every language: argv, env, stdin, files, exit codes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedsandbox import ExecuteRequest, Sandbox

from ..conftest import LANGUAGES
from . import snippets

pytestmark = pytest.mark.guest

# Text the guest receives intact: no NUL (refused by validation), no surrogates (not UTF-8).
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_hello_world(sandbox: Sandbox, language: str) -> None:
    code = snippets.HELLO[language]
    result = sandbox.run_script(language=language, code=code)
    assert (0, "hello\n", "") == (result.exit_code, result.stdout, result.stderr)
    assert result.id.startswith("exec_")
    assert result.duration >= 0
    if language in ("python", "ruby", "php"):  # fuel counted in every run
        assert result.fuel_used is not None and result.fuel_used > 0
    else:  # JavaScript counts fuel only under a fuel cap
        assert result.fuel_used is None
    assert result.limit_hit is None
    capped = sandbox.run_script(language=language, code=code, limits={"fuel": 10**12})
    assert capped.stdout == "hello\n"
    assert capped.fuel_used is not None and capped.fuel_used > 0


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", ["", "  \n", "# nothing"])
def test_a_program_with_nothing_in_it_succeeds(sandbox: Sandbox, language: str, code: str) -> None:
    code = code.replace("#", snippets.COMMENT[language])
    files = [{"path": "empty.js", "contents": ""}]
    result = sandbox.run_script(language=language, code=code, files=files)
    assert (0, "", "") == (result.exit_code, result.stdout, result.stderr)
    if language in ("javascript", "typescript"):  # an empty module imports as nothing
        result = sandbox.run_script(
            language=language, code="import './empty.js'; console.log('ok')", files=files
        )
        assert (0, "ok\n", "") == (result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize("language", LANGUAGES)
def test_takes_the_request_model(sandbox: Sandbox, language: str) -> None:
    request = ExecuteRequest(language=language, code=snippets.ECHO_ARGS[language], args=["x"])
    assert '["x"]\n' == sandbox.run_script(request).stdout


@pytest.mark.parametrize("language", LANGUAGES)
@given(args=st.lists(TEXT, max_size=4))
def test_args_arrive_intact(sandbox: Sandbox, language: str, args: list[str]) -> None:
    result = sandbox.run_script(language=language, code=snippets.ECHO_ARGS[language], args=args)
    assert 0 == result.exit_code, result.stderr
    assert args == json.loads(result.stdout)


@pytest.mark.parametrize("language", LANGUAGES)
@given(
    env=st.dictionaries(
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc0123456789", min_size=1, max_size=10),
        TEXT,
        max_size=4,
    )
)
def test_env_is_exactly_what_was_given(
    sandbox: Sandbox, language: str, env: dict[str, str]
) -> None:
    result = sandbox.run_script(language=language, code=snippets.ECHO_ENV[language], env=env)
    assert 0 == result.exit_code, result.stderr
    assert env == json.loads(result.stdout)


@pytest.mark.parametrize("language", LANGUAGES)
@given(stdin=TEXT)
def test_stdin_is_readable_whole(sandbox: Sandbox, language: str, stdin: str) -> None:
    result = sandbox.run_script(language=language, code=snippets.ECHO_STDIN[language], stdin=stdin)
    assert 0 == result.exit_code, result.stderr
    expected = stdin + "\n" if language in ("javascript", "typescript") else stdin  # console.log
    assert expected == result.stdout


@pytest.mark.parametrize("language", LANGUAGES)
def test_files_are_readable_and_writable(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_script(
        language=language,
        code=snippets.READ_WRITE_FILE[language],
        files=[{"path": "in/data.txt", "contents": "héllo"}],
    )
    assert (0, "HÉLLO\n") == (result.exit_code, result.stdout), result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_exit_code_is_the_programs_own(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_script(language=language, code=snippets.EXIT_3[language])
    assert (3, "before\n") == (result.exit_code, result.stdout)
    assert result.limit_hit is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_uncaught_error_exits_1_with_the_users_traceback(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_script(language=language, code=snippets.UNCAUGHT[language])
    assert (255 if language == "php" else 1) == result.exit_code  # PHP's own status: 255
    assert "boom" in result.stderr
    if language == "php":  # PHP's own report (display_errors=stderr), no frame of ours
        expected = (
            "Fatal error: Uncaught RuntimeException: boom in /.sandbox/main.php:2\n"
            "Stack trace:\n#0 /.sandbox/main.php(3): boom()\n#1 {main}\n"
            "  thrown in /.sandbox/main.php on line 2\n"
        )
        assert expected == result.stderr
    elif language != "ruby":  # Ruby names the error first, then its frames (checked below)
        assert "boom" in result.stderr.splitlines()[-1] or "at " in result.stderr
    main = "main.py" if language == "python" else "main."
    assert main in result.stderr
    if language == "ruby":  # Ruby's own report, with only main.rb's frames
        expected = "main.rb:2:in 'Object#boom': boom (RuntimeError)\n\tfrom main.rb:4:in '<main>'\n"
        assert expected == result.stderr
    # our harness stays out of the traceback
    assert "bootstrap" not in result.stderr and "embedsandbox" not in result.stderr


def test_python_traceback_shows_the_user_lines(sandbox: Sandbox) -> None:
    result = sandbox.run_script(language="python", code=snippets.UNCAUGHT["python"])
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert 'File "main.py", line 3, in <module>' in result.stderr
    assert "raise ValueError('boom')" in result.stderr
    assert result.stderr.endswith("ValueError: boom\n")


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_carries_over_between_runs(sandbox: Sandbox, language: str) -> None:
    first = sandbox.run_script(language=language, code=snippets.SET_GLOBAL[language])
    assert 0 == first.exit_code, first.stderr
    second = sandbox.run_script(language=language, code=snippets.READ_GLOBAL[language])
    assert snippets.NOTHING_LEAKED[language] == second.stdout


def test_javascript_runs_as_a_module_with_top_level_await(sandbox: Sandbox) -> None:
    code = "const v = await Promise.resolve(41); console.log(v + 1)"
    result = sandbox.run_script(language="javascript", code=code)
    assert (0, "42\n") == (result.exit_code, result.stdout), result.stderr


def test_javascript_rejected_top_level_promise_exits_1(sandbox: Sandbox) -> None:
    result = sandbox.run_script(
        language="javascript", code="await Promise.reject(new Error('nope'))"
    )
    assert 1 == result.exit_code
    assert "nope" in result.stderr


def test_javascript_console_streams(sandbox: Sandbox) -> None:
    code = "console.log('a', 1, {x: [1]}); console.info('b'); console.error('c'); console.warn('d')"
    result = sandbox.run_script(language="javascript", code=code)
    assert 0 == result.exit_code
    assert result.stdout.startswith("a 1 ")
    assert result.stdout.endswith("b\n")
    assert "c\nd\n" == result.stderr


def test_typescript_strips_types_and_supports_enums(sandbox: Sandbox) -> None:
    code = (
        "enum Color { Red, Green = 5, Blue }\n"
        "interface P { name: string }\n"
        "const p: P = { name: 'ts' };\n"
        "function id<T>(x: T): T { return x }\n"
        "console.log(id<string>(p.name), Color.Green, Color.Blue, Color[0])"
    )
    result = sandbox.run_script(language="typescript", code=code)
    assert (0, "ts 5 6 Red\n") == (result.exit_code, result.stdout), result.stderr


def test_typescript_is_not_type_checked(sandbox: Sandbox) -> None:
    result = sandbox.run_script(
        language="typescript", code="const x: number = 'str' as any; console.log(x)"
    )
    assert (0, "str\n") == (result.exit_code, result.stdout), result.stderr


def test_python_asyncio_run_works_in_scripts(sandbox: Sandbox) -> None:
    code = "import asyncio\nasync def main():\n    await asyncio.sleep(0)\n    return 7\nprint(asyncio.run(main()))"
    result = sandbox.run_script(language="python", code=code)
    assert (0, "7\n") == (result.exit_code, result.stdout), result.stderr


def test_python_scientific_stack_is_built_in(sandbox: Sandbox) -> None:
    result = sandbox.run_script(
        language="python", code="import numpy as np; print(int(np.arange(5).sum()))"
    )
    assert (0, "10\n") == (result.exit_code, result.stdout), result.stderr


def test_async_twins_run_guests_concurrently(sandbox: Sandbox) -> None:
    import asyncio

    async def main() -> list:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            for _ in range(3):
                await asyncio.sleep(0.001)
                ticks += 1

        runs = asyncio.gather(
            *(sandbox.run_script_async(language="python", code=f"print({i})") for i in range(4)),
            sandbox.run_function_async(
                language="javascript", code=snippets.IDENTITY["javascript"], input=5
            ),
        )
        results, _ = await asyncio.gather(runs, ticker())
        assert 3 == ticks  # the event loop kept running while guests ran on threads
        return list(results)

    results = asyncio.run(main())
    assert ["0\n", "1\n", "2\n", "3\n"] == [r.stdout for r in results[:4]]
    assert 5 == results[4].output


def test_python_imports_modules_from_its_files(sandbox: Sandbox) -> None:
    result = sandbox.run_script(
        language="python",
        code="import helper; print(helper.twice(21))",
        files=[{"path": "helper.py", "contents": "def twice(x):\n    return 2 * x\n"}],
    )
    assert (0, "42\n") == (result.exit_code, result.stdout), result.stderr


@pytest.mark.parametrize("padding", [0, 70_000])  # a job handed to the turn, one from the door
def test_a_python_job_arrives_exactly_either_way(sandbox: Sandbox, padding: int) -> None:
    from embedsandbox._engines._python._wasi_python import INLINE_JOB_BYTES

    assert padding == 0 or padding > INLINE_JOB_BYTES
    tricky = "'\"\\\\ \\n ''' \"\"\" \\x00 \\u00e9 \\U0001f600 ') ; import os; os._exit(9) #"
    tricky += " \u00e9 \U0001f600"  # and the characters themselves
    code = f"# {'p' * padding}\nimport sys\nprint(repr({tricky!r}), sys.argv[1:], sys.stdin.read())"
    args = ["a'b", "c\\d"]
    result = sandbox.run_script(language="python", code=code, args=args, stdin="in')\"put")
    assert (0, "") == (result.exit_code, result.stderr), result.stderr
    assert f"{tricky!r} {args!r} in')\"put\n" == result.stdout


def test_python_writes_to_descriptors_1_and_2_land_whole_and_in_order(sandbox: Sandbox) -> None:
    code = (
        "import os, sys\n"
        "for i in range(50):\n"
        "    os.write(1, b'o%d,' % i)\n"
        "    os.write(2, b'')\n"
        "    os.write(2, b'e%d,' % i)\n"
        "print('end', flush=True)\n"
        "sys.stderr.write('x' * 70000)\n"
    )
    result = sandbox.run_script(language="python", code=code)
    assert 0 == result.exit_code
    assert "".join(f"o{i}," for i in range(50)) + "end\n" == result.stdout
    assert "".join(f"e{i}," for i in range(50)) + "x" * 70000 == result.stderr
