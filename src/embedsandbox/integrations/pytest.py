r"""A pytest plugin: a Sandbox for your tests, a limits marker, and assertion helpers.

Installed with embedsandbox (the `pytest11` entry point `embedsandbox`), so nothing needs
enabling; `-p no:embedsandbox` turns it off. No Sandbox is made, and no guest started,
until a test asks for one of its fixtures.

    from embedsandbox.integrations.pytest import assert_ok, assert_stdout

    @pytest.mark.embedsandbox_limits(execution_timeout=5, memory_size=64)
    def test_the_snippet(sandbox):
        r = sandbox.run_script(language="python", code="print(6 * 7)")
        assert_stdout(r, "42\n")
        assert len(sandbox.history) == 1

Fixtures:

- `embedsandbox_sandbox` (and `sandbox`, the same, unless your conftest or test module
  defines its own `sandbox`, which then wins as pytest's overriding rules say): a per-test
  view of one session-scoped `Sandbox`. Its `run_script`, `run_function`, `run_tool` and
  `session` take the marker's limits as their defaults and record each result in
  `history` (this test's results only); everything else is the Sandbox's.
- `embedsandbox_session_sandbox`: the session-scoped `Sandbox` itself (its store in the
  session's temporary folder, never the user's data folder; compiled interpreters in the
  usual cache, so they are compiled once per machine).
- `embedsandbox_options`: keyword arguments for that Sandbox (default none); override it in
  a conftest (session scope) to pass `python_imports`, `egress`, `engines`, ...

The marker `@pytest.mark.embedsandbox_limits(**limits)` takes `Limits` fields; invalid ones
fail the test with the reason. The helpers (`assert_ok`, `assert_exit_code`, `assert_stdout`,
`assert_output`, `assert_limit_hit`) raise `AssertionError` naming what differs, with the
run's stderr, and return the result.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .._sandbox import Sandbox
    from .._sessions import Session
    from ..models import (
        ExecuteFunctionResponse,
        ExecuteResponse,
        ExecuteToolResponse,
        Limits,
    )

    Result = ExecuteResponse | ExecuteFunctionResponse | ExecuteToolResponse

__all__ = [
    "SandboxUnderTest",
    "assert_exit_code",
    "assert_limit_hit",
    "assert_ok",
    "assert_output",
    "assert_stdout",
]

MARKER = "embedsandbox_limits"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (so `--strict-markers` accepts it)."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**limits): the limits (execution_timeout, memory_size, fuel, output_bytes,"
        " ...) of this test's embedsandbox runs",
    )


class SandboxUnderTest:
    """One test's view of the session's Sandbox: the marker's limits, and this test's history.

    `run_script`, `run_function`, `run_tool` and `session` are the Sandbox's, with `limits`
    defaulting to the marker's (a request's own limits win, field by field); every other
    attribute is the Sandbox's own.
    """

    def __init__(self, sandbox: Sandbox, limits: Limits | None) -> None:
        self.sandbox = sandbox
        self.limits = limits
        self.history: list[Result] = []
        """The results of this test's runs, oldest first."""

    def _with_limits(self, request: Any, fields: dict[str, Any]) -> dict[str, Any]:
        if self.limits is None or request is not None:
            return fields
        given = fields.get("limits")
        if given is None:
            merged = self.limits
        else:
            from ..models import Limits

            own = given if isinstance(given, Limits) else Limits.model_validate(given)
            merged = self.limits.model_copy(update=own.model_dump(exclude_none=True))
        return {**fields, "limits": merged}

    def run_script(self, request: Any = None, /, **fields: Any) -> ExecuteResponse:
        """`Sandbox.run_script`, recorded in `history`."""
        args = () if request is None else (request,)
        result = self.sandbox.run_script(*args, **self._with_limits(request, fields))
        self.history.append(result)
        return result

    def run_function(self, request: Any = None, /, **fields: Any) -> ExecuteFunctionResponse:
        """`Sandbox.run_function`, recorded in `history`."""
        args = () if request is None else (request,)
        result = self.sandbox.run_function(*args, **self._with_limits(request, fields))
        self.history.append(result)
        return result

    def run_tool(self, tool_id: str, request: Any = None, /, **fields: Any) -> ExecuteToolResponse:
        """`Sandbox.run_tool`, recorded in `history`."""
        args = () if request is None else (request,)
        result = self.sandbox.run_tool(tool_id, *args, **self._with_limits(request, fields))
        self.history.append(result)
        return result

    def session(self, request: Any = None, /, **fields: Any) -> Session:
        """`Sandbox.session`, with the marker's limits as each call's (its calls not recorded)."""
        args = () if request is None else (request,)
        return self.sandbox.session(*args, **self._with_limits(request, fields))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sandbox, name)

    def __repr__(self) -> str:
        return f"SandboxUnderTest(runs={len(self.history)}, limits={self.limits!r})"


@pytest.fixture(scope="session")
def embedsandbox_options() -> dict[str, Any]:
    """Keyword arguments for the session's Sandbox; override it to pass your own."""
    return {}


@pytest.fixture(scope="session")
def embedsandbox_session_sandbox(
    tmp_path_factory: pytest.TempPathFactory, embedsandbox_options: dict[str, Any]
) -> Iterator[Sandbox]:
    """One Sandbox for the whole test session, its store in a temporary folder."""
    from .._sandbox import Sandbox

    options = dict(embedsandbox_options)
    if "store" not in options:
        options["store"] = tmp_path_factory.mktemp("embedsandbox") / "store.sqlite3"
    with Sandbox(**options) as sb:
        yield sb


def _marker_limits(request: pytest.FixtureRequest) -> Limits | None:
    from pydantic import ValidationError

    from ..models import Limits

    markers = list(request.node.iter_markers(MARKER))
    if not markers:
        return None
    fields: dict[str, Any] = {}
    for marker in reversed(markers):  # the closest marker (the test's own) wins
        if marker.args:
            pytest.fail(f"{MARKER} takes keyword arguments only, got {marker.args!r}", False)
        fields.update(marker.kwargs)
    try:
        return Limits.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(
            ".".join(str(p) for p in e["loc"]) + ": " + e["msg"]
            for e in exc.errors(include_url=False)
        )
        pytest.fail(f"invalid {MARKER}: {problems}", pytrace=False)


@pytest.fixture
def embedsandbox_sandbox(
    request: pytest.FixtureRequest, embedsandbox_session_sandbox: Sandbox
) -> SandboxUnderTest:
    """The test's view of the session's Sandbox (marker limits, per-test `history`)."""
    return SandboxUnderTest(embedsandbox_session_sandbox, _marker_limits(request))


@pytest.fixture
def sandbox(embedsandbox_sandbox: SandboxUnderTest) -> SandboxUnderTest:
    """`embedsandbox_sandbox`, by its short name (a `sandbox` of your own overrides it)."""
    return embedsandbox_sandbox


# -- assertion helpers -----------------------------------------------------------------------


def _execution(result: Result) -> ExecuteResponse:
    from ..models import ExecuteResponse

    return result if isinstance(result, ExecuteResponse) else result.execution


def _stderr_tail(result: Result, lines: int = 15) -> str:
    stderr = _execution(result).stderr.rstrip()
    if not stderr:
        return ""
    tail = stderr.splitlines()[-lines:]
    return "\nstderr (last lines):\n" + "\n".join("  " + line for line in tail)


def assert_ok(result: Result) -> Result:
    """The run exited 0 within its limits (and a function's output is valid)."""
    __tracebackhide__ = True
    execution = _execution(result)
    if execution.limit_hit is not None:
        msg = f"the run hit its {execution.limit_hit.value} limit{_stderr_tail(result)}"
        raise AssertionError(msg)
    if execution.exit_code != 0:
        msg = f"the run exited with code {execution.exit_code}{_stderr_tail(result)}"
        raise AssertionError(msg)
    status = getattr(result, "output_status", None)
    if status is not None and status.value != "valid":
        msg = f"the function's output_status is {status.value}{_stderr_tail(result)}"
        raise AssertionError(msg)
    return result


def assert_exit_code(result: Result, expected: int) -> Result:
    """The run exited with `expected`."""
    __tracebackhide__ = True
    actual = _execution(result).exit_code
    if actual != expected:
        msg = f"exit code {actual}, expected {expected}{_stderr_tail(result)}"
        raise AssertionError(msg)
    return result


def assert_stdout(result: Result, expected: str) -> Result:
    """The run succeeded and printed exactly `expected`."""
    __tracebackhide__ = True
    assert_ok(result)
    actual = _execution(result).stdout
    if actual != expected:
        msg = f"stdout differs:\n  got:      {actual!r}\n  expected: {expected!r}"
        raise AssertionError(msg)
    return result


def assert_output(result: Result, expected: Any) -> Result:
    """A function or tool run succeeded and returned `expected` (compared as JSON values)."""
    __tracebackhide__ = True
    assert_ok(result)
    actual = getattr(result, "output", None)
    if actual != expected:
        msg = f"output differs:\n  got:      {actual!r}\n  expected: {expected!r}"
        raise AssertionError(msg)
    return result


def assert_limit_hit(result: Result, limit: str) -> Result:
    """The run was stopped by `limit` (execution_timeout, memory_size, fuel, output_size, ...)."""
    __tracebackhide__ = True
    hit = _execution(result).limit_hit
    if hit is None or hit.value != limit:
        got = "no limit" if hit is None else f"the {hit.value} limit"
        msg = f"expected the run to hit its {limit} limit, it hit {got}{_stderr_tail(result)}"
        raise AssertionError(msg)
    return result
