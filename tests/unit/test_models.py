"""Request validation: every bad input is refused with a clear error before any guest starts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedsandbox import ExecuteRequest, Limits, Sandbox
from embedsandbox.errors import (
    NotFoundError,
    RequestValidationError,
    SandboxClosedError,
)
from embedsandbox.models import ExecuteFunctionRequest, File


@pytest.fixture
def sb() -> Sandbox:
    # No guest starts in these tests: validation happens before any engine is made.
    return Sandbox()


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"language": "cobol", "code": "x"}, "language"),
        ({"language": "python"}, "code: Field required"),
        ({"language": "python", "code": 3}, "code: Input should be a valid string"),
        ({"language": "python", "code": "", "args": ["a\x00b"]}, "NUL"),
        ({"language": "python", "code": "", "env": {"A=B": "1"}}, "'='"),
        ({"language": "python", "code": "", "env": {"": "1"}}, "non-empty"),
        ({"language": "python", "code": "", "env": {"A": "x\x00"}}, "NUL"),
        (
            {"language": "python", "code": "", "files": [{"path": "/etc/x", "contents": ""}]},
            "relative",
        ),
        (
            {"language": "python", "code": "", "files": [{"path": "a/../../x", "contents": ""}]},
            "..",
        ),
        ({"language": "python", "code": "", "files": [{"path": "a\x00", "contents": ""}]}, "NUL"),
        ({"language": "python", "code": "", "files": [{"path": "..", "contents": ""}]}, ".."),
        (
            {"language": "python", "code": "", "limits": {"execution_timeout": 0}},
            "execution_timeout",
        ),
        (
            {"language": "python", "code": "", "limits": {"execution_timeout": 99999}},
            "execution_timeout",
        ),
        ({"language": "python", "code": "", "limits": {"memory_size": 8}}, "memory_size"),
        ({"language": "python", "code": "", "limits": {"memory_size": 8192}}, "memory_size"),
        ({"language": "python", "code": "", "limits": {"fuel": 0}}, "fuel"),
        ({"language": "python", "code": "", "limits": {"output_bytes": -1}}, "output_bytes"),
        ({"language": "python", "code": "", "surprise": 1}, "surprise: Extra inputs"),
    ],
)
def test_invalid_script_requests_are_refused(sb: Sandbox, fields: dict, fragment: str) -> None:
    with pytest.raises(RequestValidationError) as info:
        sb.run_script(**fields)
    assert fragment in str(info.value)
    assert info.value.errors


def test_duplicate_and_nested_file_paths_are_refused(sb: Sandbox) -> None:
    with pytest.raises(RequestValidationError, match="given twice"):
        sb.run_script(
            language="python",
            code="",
            files=[{"path": "a.txt", "contents": ""}, {"path": "./a.txt", "contents": ""}],
        )
    with pytest.raises(RequestValidationError, match="lies under 'a'"):
        sb.run_script(
            language="python",
            code="",
            files=[{"path": "a", "contents": ""}, {"path": "a/b", "contents": ""}],
        )


def test_session_language_excludes_php(sb: Sandbox) -> None:
    with pytest.raises(RequestValidationError, match="language"):
        sb.session(language="php")  # type: ignore[arg-type]  # what an untyped caller sends


def test_function_input_must_be_json(sb: Sandbox) -> None:
    with pytest.raises(RequestValidationError, match="input must be a JSON value"):
        sb.run_function(language="python", code="", input={"x": object()})


def test_validation_error_never_echoes_the_value(sb: Sandbox) -> None:
    secret = "sk-live-do-not-print"
    with pytest.raises(RequestValidationError) as info:
        sb.run_script(language="python", code="", env={"A": secret + "\x00"})
    assert secret not in str(info.value)
    assert secret not in repr(info.value.errors)


def test_unknown_runtime_revision_is_not_found(sb: Sandbox) -> None:
    with pytest.raises(NotFoundError, match="rev_x"):
        sb.run_script(language="python", code="", runtime_revision_id="rev_x")


def test_model_and_keywords_are_exclusive(sb: Sandbox) -> None:
    req = ExecuteRequest(language="python", code="")
    with pytest.raises(RequestValidationError, match="not both"):
        sb.run_script(req, code="x")
    with pytest.raises(RequestValidationError, match="expected a ExecuteRequest"):
        sb.run_script(ExecuteFunctionRequest(language="python", code=""))  # type: ignore[arg-type]


def test_closed_sandbox_refuses_to_run() -> None:
    sb = Sandbox()
    sb.close()
    sb.close()  # idempotent
    with pytest.raises(SandboxClosedError, match="closed"):
        sb.run_script(language="python", code="")


def test_sandbox_limits_merge_with_defaults() -> None:
    sb = Sandbox(limits=Limits(execution_timeout=5))
    assert (
        Limits(
            execution_timeout=5,
            memory_size=128,
            fuel=None,
            output_bytes=1 << 20,
            disk_bytes=64 << 20,
            disk_files=10_000,
            output_files_bytes=10 << 20,
            output_file_bytes=10 << 20,
            output_files_count=100,
        )
        == sb.limits
    )


def test_auth_repr_hides_credentials() -> None:
    req = ExecuteRequest.model_validate(
        {
            "language": "python",
            "code": "",
            "http": {"allow": [{"host": "x.test", "auth": {"bearer": {"token": "tok-123"}}}]},
        }
    )
    assert "tok-123" not in repr(req)
    assert "tok-123" not in str(req)


@given(
    st.lists(
        # Control characters and lone surrogates are refused in paths (tests/security).
        st.text(
            alphabet=st.characters(
                blacklist_characters="/\\.\x7f", blacklist_categories=("Cc", "Cs")
            ),
            min_size=1,
            max_size=8,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_relative_paths_normalise_and_stay_inside(parts: list[str]) -> None:
    path = "./" + "//".join(parts)
    assert "/".join(parts) == File(path=path, contents="").path


def test_wire_shape_of_requests_round_trips() -> None:
    wire = {
        "language": "python",
        "code": "print(1)",
        "args": ["a"],
        "env": {"A": "1"},
        "files": [{"path": "a.txt", "contents": "x"}],
        "stdin": "in",
        "http": {"allow": [{"host": "api.example.com", "auth": None}]},
        "limits": {
            "execution_timeout": 5,
            "memory_size": 256,
            "fuel": None,
            "output_bytes": None,
            "disk_bytes": None,
            "disk_files": None,
            "output_files_bytes": None,
            "output_file_bytes": None,
            "output_files_count": None,
        },
        "runtime_revision_id": None,
        "output_files": ["*.png", "out/**"],
    }
    req = ExecuteRequest.model_validate(wire)
    assert wire == req.model_dump(mode="json")


def test_python_files_cannot_hide_under_the_stdlib_mount(sb: Sandbox) -> None:
    with pytest.raises(RequestValidationError, match="interpreter's library"):
        sb.run_script(
            language="python", code="", files=[{"path": "usr/local/lib/x.py", "contents": ""}]
        )


def test_raise_for_status_raises_only_for_a_failed_run() -> None:
    import pickle

    from embedsandbox import ExecutionFailed
    from embedsandbox.models import (
        ExecuteFunctionResponse,
        ExecuteResponse,
        ExecuteToolResponse,
        LimitHit,
        OutputStatus,
    )

    def run(**fields: Any) -> ExecuteResponse:
        values: dict[str, Any] = {"id": "exec_1", "exit_code": 0, "stdout": "", "stderr": ""}
        return ExecuteResponse.model_validate({"duration": 1, **values, **fields})

    ok = run(stdout="42\n")
    assert ok.raise_for_status() is ok
    with pytest.raises(ExecutionFailed, match="exited with code 3: ValueError: bad") as caught:
        run(exit_code=3, stderr="Traceback\nValueError: bad\n").raise_for_status()
    assert 3 == caught.value.response.exit_code
    copied = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own object
    assert (str(caught.value), 3) == (str(copied), copied.response.exit_code)
    with pytest.raises(ExecutionFailed, match="hit its execution_timeout limit"):
        run(exit_code=1, limit_hit=LimitHit.EXECUTION_TIMEOUT).raise_for_status()
    for model in (ExecuteFunctionResponse, ExecuteToolResponse):
        good = model(output=1, output_status=OutputStatus.VALID, execution=ok)
        assert good.raise_for_status() is good
        with pytest.raises(ExecutionFailed, match="output status is json_serialization_error"):
            model(
                output_status=OutputStatus.JSON_SERIALIZATION_ERROR, execution=ok
            ).raise_for_status()
        with pytest.raises(ExecutionFailed, match="exited with code 1"):
            model(output_status=OutputStatus.ERROR, execution=run(exit_code=1)).raise_for_status()
