"""Function semantics: execute(input) -> JSON output, output_status, prints kept apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedsandbox import ExecuteFunctionRequest, Sandbox

from ..conftest import LANGUAGES
from . import snippets

pytestmark = pytest.mark.guest

# JSON values every language represents exactly: JS numbers are doubles, so ints stay within
# 2**53 and floats are finite.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=["Cs"])),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=6),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def _numbers_as_floats(value: object) -> object:
    # JSON has one number type; JS prints 6.6e16 as 66140793606075950, the same double.
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list):
        return [_numbers_as_floats(item) for item in value]
    assert isinstance(value, dict)
    return {key: _numbers_as_floats(item) for key, item in value.items()}


def _same_json(a: object, b: object) -> bool:
    return _numbers_as_floats(a) == _numbers_as_floats(b)


def _as_php_array(value: object) -> object:
    # PHP has one array type: `input` arrives as json_decode(..., true) gives it, and
    # json_encode writes an array whose keys are 0..n-1 in order as a list; so {} comes back
    # as [] and {"0": x} as [x] (docs/languages.md, PHP).
    if isinstance(value, list):
        return [_as_php_array(item) for item in value]
    if isinstance(value, dict):
        items = {key: _as_php_array(item) for key, item in value.items()}
        if list(items) == [str(i) for i in range(len(items))]:
            return list(items.values())
        return items
    return value


@pytest.mark.parametrize("language", LANGUAGES)
@given(value=JSON_VALUES)
def test_identity_returns_any_json_value_equal(
    sandbox: Sandbox, language: str, value: object
) -> None:
    result = sandbox.run_function(language=language, code=snippets.IDENTITY[language], input=value)
    assert "valid" == result.output_status, result.execution.stderr
    expected = _as_php_array(value) if language == "php" else value
    assert _same_json(expected, result.output)


@pytest.mark.parametrize("language", LANGUAGES)
def test_absent_input_is_null(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_function(language=language, code=snippets.IDENTITY[language])
    assert ("valid", None, 0) == (result.output_status, result.output, result.execution.exit_code)


@pytest.mark.parametrize("language", LANGUAGES)
def test_takes_the_request_model(sandbox: Sandbox, language: str) -> None:
    request = ExecuteFunctionRequest(language=language, code=snippets.IDENTITY[language], input=[1])
    assert [1] == sandbox.run_function(request).output


@pytest.mark.parametrize("language", LANGUAGES)
def test_async_execute_is_awaited(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_function(
        language=language, code=snippets.ASYNC_FN[language], input={"n": 21}
    )
    assert ("valid", {"doubled": 42}) == (result.output_status, result.output), (
        result.execution.stderr
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_prints_stay_out_of_the_output(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_function(language=language, code=snippets.PRINTING_FN[language])
    assert ("valid", "value", "to stdout\n") == (
        result.output_status,
        result.output,
        result.execution.stdout,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_returning_nothing_is_valid_null(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_function(language=language, code=snippets.RETURNS_NOTHING[language])
    assert ("valid", None) == (result.output_status, result.output)


@pytest.mark.parametrize("language", LANGUAGES)
def test_unserializable_value_says_which_type(sandbox: Sandbox, language: str) -> None:
    code, type_name = snippets.NOT_SERIALIZABLE[language]
    result = sandbox.run_function(language=language, code=code)
    assert ("json_serialization_error", None) == (result.output_status, result.output)
    assert type_name in result.execution.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_raising_is_an_error_with_the_error_on_stderr(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_function(language=language, code=snippets.RAISES[language])
    assert ("error", None) == (result.output_status, result.output)
    assert 0 != result.execution.exit_code
    assert "missing" in result.execution.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_execute_is_an_error(sandbox: Sandbox, language: str) -> None:
    result = sandbox.run_function(language=language, code=snippets.NO_EXECUTE[language])
    assert "error" == result.output_status
    assert 0 != result.execution.exit_code
    assert "execute" in result.execution.stderr


def test_typescript_function_with_types(sandbox: Sandbox) -> None:
    code = "export function execute(input: {x: number}) { return input.x + 1 }"
    result = sandbox.run_function(language="typescript", code=code, input={"x": 1})
    assert ("valid", 2, 0) == (result.output_status, result.output, result.execution.exit_code)


def test_python_nan_is_not_json(sandbox: Sandbox) -> None:
    result = sandbox.run_function(
        language="python", code="def execute(input):\n    return float('nan')"
    )
    assert "json_serialization_error" == result.output_status
