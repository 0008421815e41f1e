"""The pytest plugin (`embedsandbox.integrations.pytest`, entry point `pytest11`), through
`pytester` (in subprocesses): its fixtures, the `embedsandbox_limits` marker, the assertion helpers, and that a
`sandbox` fixture of a project's own (as this suite's tests/conftest.py has) wins over it."""

from __future__ import annotations

import importlib.metadata
import textwrap

import pytest

from embedsandbox._sandbox import default_cache_dir

pytest_plugins = ["pytester"]

FAKE_CONFTEST = """
import pytest
from embedsandbox.testing import FakeEngine, OutputStatus, RawOutcome

@pytest.fixture(scope="session")
def embedsandbox_options():
    def guest(invocation):
        if invocation.entry == "function":
            return RawOutcome(0, "", "", output_json="1", output_status=OutputStatus.VALID)
        if "loop" in invocation.code:
            return RawOutcome(exit_code=1, stdout="", stderr="too long\\n", limit_hit="execution_timeout")
        if "fail" in invocation.code:
            return RawOutcome(exit_code=1, stdout="", stderr="Traceback\\nValueError: no\\n")
        return RawOutcome(exit_code=0, stdout="42\\n", stderr="")
    return {"engines": {"python": FakeEngine(guest)}}
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # In a subprocess: an in-process run's faulthandler plugin would replace wasmtime's signal
    # handlers in this process (and the plugin is then loaded from its entry point, as users get it).
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers", *args)


def test_the_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    found = [
        ep
        for ep in importlib.metadata.entry_points(group="pytest11")
        if ep.value == "embedsandbox.integrations.pytest"
    ]
    assert [ep.name for ep in found] == ["embedsandbox"]


def test_fixtures_marker_and_history_without_guests(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(FAKE_CONFTEST)
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest
            from embedsandbox import Sandbox
            from embedsandbox.integrations.pytest import SandboxUnderTest, assert_stdout

            SEEN = []

            def test_first(sandbox, embedsandbox_session_sandbox):
                assert isinstance(sandbox, SandboxUnderTest)
                assert isinstance(embedsandbox_session_sandbox, Sandbox)
                assert sandbox.sandbox is embedsandbox_session_sandbox
                assert_stdout(sandbox.run_script(language="python", code="print(42)"), "42\\n")
                sandbox.run_script(language="python", code="print(42)")
                assert len(sandbox.history) == 2
                assert sandbox.limits is None
                SEEN.append(sandbox.sandbox)

            @pytest.mark.embedsandbox_limits(execution_timeout=3, memory_size=64)
            def test_second(sandbox, embedsandbox_sandbox):
                assert sandbox is embedsandbox_sandbox
                assert sandbox.sandbox is SEEN[0]          # one Sandbox for the session
                assert sandbox.history == []               # the history is this test's
                sandbox.run_script(language="python", code="print(1)")
                engine = sandbox.sandbox._engines["python"]
                assert engine.last.limits.deadline_s <= 3.5
                assert engine.last.limits.memory_limit_bytes == 64 << 20
                sandbox.run_script(language="python", code="print(1)", limits={"memory_size": 128})
                assert engine.last.limits.memory_limit_bytes == 128 << 20
                assert len(sandbox.executions.list().data) >= 4   # the Sandbox's own store

            @pytest.mark.embedsandbox_limits(memory_size=1)
            def test_bad_marker(sandbox):
                pass
            """
        )
    )
    result = run(pytester, "-v")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*invalid embedsandbox_limits: memory_size: Input should be*"])


def test_the_helpers_say_what_differs(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(FAKE_CONFTEST)
    pytester.makepyfile(
        textwrap.dedent(
            """
            from embedsandbox.integrations.pytest import (
                assert_exit_code, assert_limit_hit, assert_ok, assert_output, assert_stdout,
            )

            def test_ok(sandbox):
                assert_ok(sandbox.run_script(language="python", code="fail"))

            def test_stdout(sandbox):
                assert_stdout(sandbox.run_script(language="python", code="x"), "41\\n")

            def test_limit(sandbox):
                assert_limit_hit(sandbox.run_script(language="python", code="x"), "fuel")

            def test_output(sandbox):
                assert_output(sandbox.run_function(language="python", code="x", input=1), 2)

            def test_passing(sandbox):
                r = sandbox.run_script(language="python", code="loop")
                assert assert_limit_hit(r, "execution_timeout") is r
                assert_exit_code(sandbox.run_script(language="python", code="fail"), 1)
            """
        )
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=4)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: the run exited with code 1*",
            "*ValueError: no*",
            "*stdout differs:*",
            "*expected the run to hit its fuel limit, it hit no limit*",
            "*output differs:*",
            "*got:      1*",
        ]
    )


def test_a_projects_own_sandbox_fixture_wins(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        "import pytest\n\n@pytest.fixture(scope='session')\ndef sandbox():\n    return 'mine'\n"
    )
    pytester.makepyfile(
        "def test_it(sandbox, embedsandbox_options):\n"
        "    assert sandbox == 'mine'\n"
        "    assert embedsandbox_options == {}\n"
    )
    run(pytester).assert_outcomes(passed=1)


def test_the_plugin_can_be_turned_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_it(embedsandbox_sandbox):\n    pass\n")
    result = run(pytester, "-p", "no:embedsandbox")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'embedsandbox_sandbox' not found*"])


@pytest.mark.guest
def test_real_guests_through_the_plugin(pytester: pytest.Pytester) -> None:
    # pytester moves HOME; the compiled interpreters stay where this run keeps them.
    pytester.makeconftest(
        "import pytest\n\n@pytest.fixture(scope='session')\ndef embedsandbox_options():\n"
        f"    return {{'cache_dir': {str(default_cache_dir())!r}}}\n"
    )
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest
            from embedsandbox.integrations.pytest import assert_limit_hit, assert_output, assert_stdout

            @pytest.mark.embedsandbox_limits(execution_timeout=1)
            def test_a_loop_is_stopped(sandbox):
                assert_limit_hit(sandbox.run_script(language="python", code="while True: pass"),
                                 "execution_timeout")

            @pytest.mark.parametrize("language", ["python", "javascript", "ruby"])
            def test_languages(sandbox, language):
                code = {"python": "print(6 * 7)", "javascript": "console.log(6 * 7)",
                        "ruby": "puts 6 * 7"}[language]
                assert_stdout(sandbox.run_script(language=language, code=code), "42\\n")

            def test_a_function(sandbox):
                r = sandbox.run_function(language="python", code="def execute(i): return i * 2", input=21)
                assert_output(r, 42)
            """
        )
    )
    run(pytester).assert_outcomes(passed=5)
