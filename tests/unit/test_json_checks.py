"""The request-side walks over a JSON input: `_check_json_value` and `check_input_size`.

Both walk containers only and measure scalars in place (for speed); these properties pin
what they accept to a plain recursive definition.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedsandbox import _schema
from embedsandbox.errors import RequestValidationError
from embedsandbox.models import _check_json_value

_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**5), max_value=10**5),
    st.sampled_from([10**999, -(10**999), 10**1000, 2**3304, 2**3305]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),  # lone surrogates included
)
_JSON = st.recursive(
    _SCALAR,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=25,
)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _ok(value: Any) -> bool:
    """The definition: finite numbers, ints of at most 1,000 digits (estimated), valid text."""
    if isinstance(value, dict):
        return all(_utf8(k) and _ok(v) for k, v in value.items())
    if isinstance(value, list):
        return all(map(_ok, value))
    if isinstance(value, str):
        return _utf8(value)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() * 0.302 + 2 <= 1000
    return True


def _depth(value: Any, scalar: int = 0) -> int:
    """Levels on the longest path from the root, a scalar counting `scalar`.

    `scalar=0` counts containers (`1` is 0 deep, `[]` and `[1]` 1); `scalar=1` counts values
    (`1` and `[]` are 1 deep, `[1]` 2).
    """
    if isinstance(value, dict | list):
        children = value.values() if isinstance(value, dict) else value
        return 1 + max((_depth(child, scalar) for child in children), default=0)
    return scalar


def _nodes(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(map(_nodes, value.values()))
    if isinstance(value, list):
        return 1 + sum(map(_nodes, value))
    return 1


@settings(max_examples=400)
@given(_JSON, st.integers(min_value=0, max_value=5))
def test_check_json_value_accepts_exactly_the_valid(value: Any, max_depth: int) -> None:
    expected = _ok(value) and _depth(value) <= max_depth
    try:
        assert _check_json_value(value, "input", 1 << 30, max_depth) is value
    except ValueError as exc:
        assert not expected, exc
        assert str(exc).startswith(("input", "a key in input")), exc
    else:
        assert expected


def test_check_json_value_names_the_place() -> None:
    value = {"a": [1, {"b": [0.5, float("nan")]}]}
    with pytest.raises(ValueError, match=r"^input\.a\[1\]\.b\[1\]: nan is not a JSON number$"):
        _check_json_value(value, "input", 1 << 20)
    with pytest.raises(ValueError, match=r"^input\[2\]: an integer may have at most 1000 digits"):
        _check_json_value([1, 2, 10**1000], "input", 1 << 20)
    with pytest.raises(ValueError, match=r"^a key in input\[0\] is not valid Unicode"):
        _check_json_value([{"\ud800": 1}], "input", 1 << 20)
    with pytest.raises(ValueError, match=r"^input\[0\]\[0\] is nested more than 2 levels deep"):
        _check_json_value([[[1]]], "input", 1 << 20, 2)


def test_check_json_value_counts_bytes() -> None:
    assert _check_json_value(["x" * 10] * 10, "input", 200)
    with pytest.raises(ValueError, match="must be at most 100 bytes as JSON"):
        _check_json_value(["x" * 10] * 10, "input", 100)
    with pytest.raises(ValueError, match="must be at most 3 bytes as JSON"):
        _check_json_value("long", "input", 3)


@settings(max_examples=300)
@given(_JSON, st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=5))
def test_check_input_size_limits_nodes_and_depth(
    value: Any, max_nodes: int, max_depth: int
) -> None:
    expected = _nodes(value) <= max_nodes and _depth(value, scalar=1) <= max_depth
    saved = (_schema.MAX_INPUT_NODES, _schema.MAX_INPUT_DEPTH)
    _schema.MAX_INPUT_NODES, _schema.MAX_INPUT_DEPTH = max_nodes, max_depth  # type: ignore[misc]
    try:
        _schema.check_input_size(value)
    except RequestValidationError as exc:
        assert not expected, exc
        assert exc.errors[0]["type"] == "json_schema.limit"
    else:
        assert expected
    finally:
        _schema.MAX_INPUT_NODES, _schema.MAX_INPUT_DEPTH = saved  # type: ignore[misc]
