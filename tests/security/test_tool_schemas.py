"""Threat: a tool's input_schema built to make validation slow or unbounded.

Catastrophic regular expressions run on RE2 (linear time) and never on Python's `re`;
patterns RE2 cannot run are refused at save; uniqueItems is linear; inputs are size-checked;
and a schema that is slow by construction ends with a RequestValidationError at the deadline
instead of holding a worker (or, through the GIL, the whole server).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedsandbox import Sandbox
from embedsandbox._schema import (
    MAX_INPUT_DEPTH,
    MAX_INPUT_NODES,
    MAX_SCHEMA_DEPTH,
    MAX_SCHEMA_SUBSCHEMAS,
    VALIDATION_DEADLINE_S,
    search,
)
from embedsandbox._tools import check_schema, validate_input
from embedsandbox.errors import RequestValidationError

from .conftest import Server

CODE = "function execute(input) { return 1 }"
EVIL = "a" * 40 + "!"


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(store=":memory:") as sandbox:
        yield sandbox


def _slow_oneof() -> dict[str, Any]:
    """oneOf of 1,000 subschemas over every item: ~10^8 keyword checks for 100,000 items."""
    branches = [{"type": "object", "required": [f"k{i}"]} for i in range(1000)]
    return {"type": "array", "items": {"oneOf": branches}}


def _exponential_refs(levels: int = 40) -> dict[str, Any]:
    """Each level tries the one below twice: 2^levels checks from a schema of a few KiB."""
    defs: dict[str, Any] = {"l0": {"type": "string"}}
    for i in range(1, levels + 1):
        below = {"$ref": f"#/$defs/l{i - 1}"}
        defs[f"l{i}"] = {"anyOf": [below, {"allOf": [below]}]}
    return {"$defs": defs, "$ref": f"#/$defs/l{levels}"}


def _timed(call: Any) -> tuple[float, BaseException | None]:
    start = time.monotonic()
    try:
        call()
    except RequestValidationError as exc:
        return time.monotonic() - start, exc
    return time.monotonic() - start, None


# -- catastrophic patterns run in linear time ------------------------------------------------

CATASTROPHIC = [
    {"type": "string", "pattern": "^(a+)+$"},
    {"type": "string", "pattern": "^(a|aa)+$"},
    {"type": "string", "pattern": "(.*a){20}$"},
    {"type": "string", "pattern": "^(a|a?)+$"},
    {"type": "string", "pattern": "^([a-z]+)*[0-9]$"},
]


@pytest.mark.parametrize("schema", CATASTROPHIC, ids=lambda s: s["pattern"])
def test_catastrophic_pattern_is_linear(sb: Sandbox, schema: dict[str, Any]) -> None:
    tool = sb.tools.create(name="t", code=CODE, language="javascript", input_schema=schema)
    for value in (EVIL, "a" * 100_000 + "!"):
        elapsed, exc = _timed(lambda v=value: sb.run_tool(tool.id, input=v))
        assert isinstance(exc, RequestValidationError), exc
        assert "must match the pattern" in str(exc)
        assert elapsed < 1.0


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "patternProperties": {"^(a+)+$": {"type": "integer"}}},
        {"type": "object", "propertyNames": {"pattern": "^(a|aa)+$"}},
        {
            "type": "object",
            "patternProperties": {"^(a+)+$": {}},
            "additionalProperties": False,
        },
        {"type": "object", "patternProperties": {"(.*a){20}$": {}}, "unevaluatedProperties": False},
        {
            "$schema": "https://json-schema.org/draft/2019-09/schema",
            "type": "object",
            "patternProperties": {"^(a+)+$": {}},
            "unevaluatedProperties": False,
        },
        {
            "$schema": "http://json-schema.org/draft-04/schema#",
            "type": "object",
            "patternProperties": {"^(a+)+$": {}},
            "additionalProperties": False,
        },
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "propertyNames": {"pattern": "^(a+)+$"},
        },
    ],
)
def test_catastrophic_property_patterns_are_linear(sb: Sandbox, schema: dict[str, Any]) -> None:
    tool = sb.tools.create(name="t", code=CODE, language="javascript", input_schema=schema)
    elapsed, exc = _timed(lambda: sb.run_tool(tool.id, input={EVIL: 1, "a" * 50_000: "x"}))
    assert isinstance(exc, RequestValidationError), exc
    assert elapsed < 1.0


@pytest.mark.parametrize(
    "draft",
    [
        None,
        "https://json-schema.org/draft/2019-09/schema",
        "http://json-schema.org/draft-07/schema#",
    ],
)
def test_python_re_never_runs_a_schema_pattern(
    monkeypatch: pytest.MonkeyPatch, draft: str | None
) -> None:
    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("Python's re ran a schema pattern")

    schema = {
        "type": "object",
        "properties": {"s": {"pattern": "^x+$"}},
        "patternProperties": {"^p": {"type": "integer"}},
        "propertyNames": {"pattern": "^[a-z]+$"},
        "additionalProperties": False,
        "unevaluatedProperties": False,
        **({"$schema": draft} if draft else {}),
    }
    check_schema(schema)
    for name in ("search", "match", "compile", "fullmatch"):
        monkeypatch.setattr(re, name, refuse)
    validate_input({"s": "xx", "p": 1}, schema)
    with pytest.raises(RequestValidationError):
        validate_input({"s": "y", "p": "no", "zz": 1}, schema)


# -- patterns RE2 cannot run are refused at save ---------------------------------------------


@pytest.mark.parametrize(
    ("schema", "pointer", "why"),
    [
        ({"pattern": "^(a)\\1$"}, "/pattern", "backreference"),
        ({"pattern": "^(?=a)"}, "/pattern", "lookahead"),
        ({"pattern": "(?<!a)b"}, "/pattern", "lookbehind"),
        ({"properties": {"x": {"pattern": "(?!a)"}}}, "/properties/x/pattern", "lookahead"),
        ({"patternProperties": {"(a)\\1": {}}}, "/patternProperties/(a)\\1", "backreference"),
        ({"propertyNames": {"pattern": "(?<n>a)\\k<n>"}}, "/propertyNames/pattern", "backref"),
        ({"items": {"anyOf": [{"pattern": "\\p{L}{1,100}"}]}}, "/items/anyOf/0/pattern", "MiB"),
    ],
)
def test_unrunnable_pattern_refused_at_save(
    sb: Sandbox, schema: dict[str, Any], pointer: str, why: str
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        sb.tools.create(name="t", code=CODE, language="javascript", input_schema=schema)
    assert caught.value.errors[0]["schema_pointer"] == pointer
    assert why in str(caught.value) and "RE2" in str(caught.value)
    tool = sb.tools.create(name="t", code=CODE, language="javascript")
    with pytest.raises(RequestValidationError, match="RE2"):
        sb.tools.update(tool.id, input_schema=schema)


def test_ecma_syntax_is_translated(sb: Sandbox) -> None:
    schema = {
        "type": "array",
        "items": [
            {"pattern": "^\\u0041\\u{1F600}$"},
            {"pattern": "^\\uD83D\\uDE00$"},
            {"pattern": "^a.b$"},
            {"pattern": "^\\s$"},
            {"pattern": "^[\\b]$"},
        ],
        "$schema": "http://json-schema.org/draft-07/schema#",
    }
    tool = sb.tools.create(name="t", code=CODE, language="javascript", input_schema=schema)
    validate_input(["A\U0001f600", "\U0001f600", "a-b", "\u00a0", "\b"], tool.input_schema)
    for bad in (["B\U0001f600"], ["", "x"], ["", "", "a\rb"], ["", "", "", "x"]):
        with pytest.raises(RequestValidationError):
            validate_input(bad, tool.input_schema)


_ATOM = st.sampled_from(["a", "b", "c", ".", "[ab]", "[^a]", "\\w", "\\d"])


def _pattern() -> st.SearchStrategy[str]:
    return st.recursive(
        _ATOM,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["*", "+", "?", "{2}", "{1,3}"])).map(
                lambda p: f"(?:{p[0]}){p[1]}"
            ),
            st.tuples(inner, inner).map("".join),
            st.tuples(inner, inner).map(lambda p: f"({p[0]}|{p[1]})"),
            inner.map(lambda p: f"(?:{p})"),
        ),
        max_leaves=6,
    ).flatmap(lambda body: st.sampled_from([body, "^" + body, body + "$", f"^{body}$"]))


@settings(max_examples=300, deadline=None)
@given(_pattern(), st.text(alphabet="abc1_-", max_size=12))
def test_pattern_agrees_with_python_re(pattern: str, text: str) -> None:
    assert search(pattern, text) == (re.search(pattern, text) is not None)


# -- uniqueItems ------------------------------------------------------------------------------


def test_unique_items_is_linear_and_correct(sb: Sandbox) -> None:
    # Linear is what is checked: 100,000 items take 0.1-1.3 s on a 2-core Xeon VM, a
    # quadratic check (or one whose keys an input can make collide) hours. The generous
    # deadline keeps a slow or shared machine from turning a linear check into TooSlow.
    schema = {"type": "array", "uniqueItems": True}
    tool = sb.tools.create(name="t", code=CODE, language="javascript", input_schema=schema)
    cases: list[tuple[list[Any], bool]] = [
        (list(range(100_000)), True),
        ([[i, {"k": str(i)}] for i in range(100_000)], True),
        ([{"a": i} for i in range(100_000)], True),
        ([*range(100_000), 99_999], False),
        ([{"a": i, "b": [i]} for i in range(100_000)] + [{"b": [7], "a": 7}], False),
        ([*range(50_000), 1.0], False),
        ([1, True], True),
        ([0, False, None, "", [], {}], True),
        ([[1, 2], [2, 1]], True),
        ([[1.0, {"x": 2}], [1, {"x": 2.0}]], False),
        ([k * (2**61 - 1) for k in range(100_000)], True),  # equal int hashes
    ]
    for items, unique in cases:
        elapsed, exc = _timed(
            lambda items=items: validate_input(items, tool.input_schema, deadline_s=60.0)
        )
        assert (exc is None) == unique, (items[:3], exc)
        assert elapsed < 10.0
        if exc is not None:
            assert "must not contain duplicate items" in str(exc)


# -- limits and the deadline -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        (_slow_oneof(), list(range(100_000))),
        (_exponential_refs(), 1),
        ({"type": "array", "contains": _slow_oneof()["items"], "minContains": 2}, [1] * 100_000),
        (
            {
                "$defs": {"slow": _slow_oneof()},
                "type": "object",
                "dependentSchemas": {
                    f"k{i}": {"properties": {"v": {"$ref": "#/$defs/slow"}}} for i in range(20)
                },
            },
            {**{f"k{i}": 1 for i in range(20)}, "v": list(range(20_000))},
        ),
        (
            {"type": "array", "items": {"anyOf": [{"uniqueItems": True}] * 50}},
            [[*range(10_000), 0]] * 90,
        ),
    ],
    ids=["oneOf", "exponential-refs", "minContains", "dependentSchemas", "anyOf-uniqueItems"],
)
def test_slow_schema_ends_at_the_deadline(sb: Sandbox, schema: dict[str, Any], value: Any) -> None:
    tool = sb.tools.create(name="t", code=CODE, language="javascript", input_schema=schema)
    elapsed, exc = _timed(lambda: sb.run_tool(tool.id, input=value))
    assert isinstance(exc, RequestValidationError), exc
    assert f"took longer than {VALIDATION_DEADLINE_S:g} s" in str(exc)
    assert exc.errors[0]["type"] == "json_schema.limit"
    assert elapsed < VALIDATION_DEADLINE_S + 2.0


def test_deadline_is_per_call() -> None:
    elapsed, exc = _timed(lambda: validate_input(1, _exponential_refs(), deadline_s=0.2))
    assert exc is not None and "took longer than 0.2 s" in str(exc)
    assert elapsed < 1.5
    validate_input("x", _exponential_refs())  # the first branch holds: fast


def test_input_limits_are_checked_first(sb: Sandbox) -> None:
    tool = sb.tools.create(
        name="t", code=CODE, language="javascript", input_schema={"type": "array"}
    )
    deep: Any = 1
    for _ in range(MAX_INPUT_DEPTH + 1):
        deep = [deep]
    # The request model refuses it before the tool is loaded; the schema check would too.
    with pytest.raises(RequestValidationError, match=f"nested more than {MAX_INPUT_DEPTH} levels"):
        sb.run_tool(tool.id, input=deep)
    with pytest.raises(RequestValidationError, match=f"deeper than {MAX_INPUT_DEPTH}"):
        validate_input(deep, {"type": "array"})
    with pytest.raises(RequestValidationError, match=f"more than {MAX_INPUT_NODES} values"):
        validate_input([0] * MAX_INPUT_NODES, {"type": "array"})
    with pytest.raises(RequestValidationError, match="bytes as JSON"):
        validate_input(["x" * (17 << 20)], {"type": "array"})


def test_schema_limits_are_checked_at_save(sb: Sandbox) -> None:
    deep: Any = {"type": "integer"}
    for _ in range(MAX_SCHEMA_DEPTH):
        deep = {"items": deep}
    wide = {"anyOf": [True] * (MAX_SCHEMA_SUBSCHEMAS + 1)}
    for schema, text in ((deep, "deeper than"), (wide, "subschemas")):
        with pytest.raises(RequestValidationError, match=text):
            sb.tools.create(name="t", code=CODE, language="javascript", input_schema=schema)


# -- through the server ----------------------------------------------------------------------


def _healthz_while(server: Server, call: Any) -> tuple[list[float], Any]:
    """Run `call` in a thread and time /healthz requests until it returns."""
    box: dict[str, Any] = {}

    def run() -> None:
        box["result"] = call()

    thread = threading.Thread(target=run)
    thread.start()
    times: list[float] = []
    time.sleep(0.2)
    while thread.is_alive() or not times:
        start = time.monotonic()
        assert httpx.get(server.url + "/healthz", timeout=10).status_code == 200
        times.append(time.monotonic() - start)
        time.sleep(0.05)
    thread.join()
    return times, box["result"]


def _create(server: Server, key: str, schema: Any) -> httpx.Response:
    body = {"name": "t", "code": CODE, "language": "javascript", "input_schema": schema}
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.post(server.url + "/v1/tools", json=body, headers=headers, timeout=30)


def test_server_slow_schema_ends_at_deadline_and_health_answers(server: Server) -> None:
    key = server.key()
    created = _create(server, key, _slow_oneof())
    assert created.status_code == 200, created.text
    tool_id = created.json()["id"]

    def execute() -> tuple[httpx.Response, float]:
        start = time.monotonic()
        response = httpx.post(
            f"{server.url}/v1/tools/{tool_id}/execute",
            json={"input": list(range(100_000))},
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        )
        return response, time.monotonic() - start

    times, (response, elapsed) = _healthz_while(server, execute)
    assert response.status_code == 400, response.text
    assert "took longer than" in response.json()["message"]
    assert elapsed < VALIDATION_DEADLINE_S + 5.0
    assert max(times) < 2.0, times


def test_server_catastrophic_pattern_and_refused_pattern(server: Server) -> None:
    key = server.key()
    refused = _create(server, key, {"type": "string", "pattern": "^(a)\\1$"})
    assert refused.status_code == 400, refused.text
    assert "backreferences are not supported" in refused.json()["message"]
    created = _create(
        server, key, {"type": "object", "patternProperties": {"^(a+)+$": {"type": "integer"}}}
    )
    assert created.status_code == 200, created.text
    tool_id = created.json()["id"]

    def execute() -> httpx.Response:
        return httpx.post(
            f"{server.url}/v1/tools/{tool_id}/execute",
            json={"input": {"a" * 40_000: "x", EVIL: "y"}},
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        )

    times, response = _healthz_while(server, execute)
    assert response.status_code == 400, response.text
    assert "must be of type" in response.json()["message"]
    assert max(times) < 2.0, times
