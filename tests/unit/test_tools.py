"""Tools without guests: lifecycle and revisions, JSON Schema checks at save, input checks
before any guest starts, remote `$ref`s never fetched, the function-calling shape."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from embedsandbox import Sandbox, Tool
from embedsandbox._tools import check_schema, validate_input
from embedsandbox.errors import NotFoundError, RequestValidationError

CODE = "function execute(input) { return input }"


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(store=":memory:") as sandbox:
        yield sandbox


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b'{"type": "integer"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/schema+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def schema_server() -> Iterator[tuple[str, list[str]]]:
    """A real loopback HTTP server that serves a schema and records every request."""
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


# -- lifecycle -------------------------------------------------------------------------------


def test_create_get_update_list_and_revisions(sb: Sandbox) -> None:
    tool = sb.tools.create(name="echo", code=CODE, language="javascript", description="Echo.")
    assert tool.id.startswith("tool_") and tool.revision_id.startswith("toolrev_")
    assert tool == sb.tools.get(tool.id)
    assert "Echo." == tool.description and tool.input_schema is None

    updated = sb.tools.update(tool.id, description="Echoes its input.")
    assert tool.id == updated.id and tool.revision_id != updated.revision_id
    assert CODE == updated.code and "Echoes its input." == updated.description
    assert updated == sb.tools.get(tool.id)
    assert tool == sb.tools.get(tool.id, revision_id=tool.revision_id)  # old revision kept
    assert [tool.revision_id, updated.revision_id] == [
        t.revision_id for t in sb.tools.revisions(tool.id)
    ]

    other = sb.tools.create(name="other", code="def execute(i): pass", language="python")
    page = sb.tools.list()
    assert [tool.id, other.id] == [t.id for t in page]
    assert [updated, other] == page.tools
    assert 2 == len(page)
    assert {"tools"} == set(page.model_dump())


def test_update_can_remove_the_schema_but_not_the_code(sb: Sandbox) -> None:
    tool = sb.tools.create(
        name="t", code=CODE, language="javascript", input_schema={"type": "object"}
    )
    assert sb.tools.update(tool.id, input_schema=None).input_schema is None
    with pytest.raises(RequestValidationError, match="code cannot be removed"):
        sb.tools.update(tool.id, code=None)
    with pytest.raises(RequestValidationError, match="bogus"):
        sb.tools.update(tool.id, bogus=1)


def test_list_pagination(sb: Sandbox) -> None:
    ids = [sb.tools.create(name=f"t{i}", code=CODE, language="javascript").id for i in range(5)]
    first = sb.tools.list(limit=2)
    second = sb.tools.list(limit=2, starting_after=first.next_starting_after)
    third = sb.tools.list(limit=2, starting_after=second.next_starting_after)
    assert ids == [t.id for t in [*first, *second, *third]]
    assert 1 == len(third)
    with pytest.raises(NotFoundError, match="starting_after"):
        sb.tools.list(starting_after="tool_nope")
    for bad in (0, 101, "5", True):
        with pytest.raises(RequestValidationError, match="limit"):
            sb.tools.list(limit=bad)  # type: ignore[arg-type]


def test_unknown_ids(sb: Sandbox) -> None:
    tool = sb.tools.create(name="t", code=CODE, language="javascript")
    with pytest.raises(NotFoundError, match="tool 'tool_missing' does not exist"):
        sb.tools.get("tool_missing")
    with pytest.raises(NotFoundError, match="has no revision"):
        sb.tools.get(tool.id, revision_id="toolrev_missing")
    with pytest.raises(NotFoundError):
        sb.tools.update("tool_missing", code="x")
    with pytest.raises(NotFoundError, match="does not exist"):
        sb.run_tool("tool_missing")
    with pytest.raises(NotFoundError, match="has no revision"):
        sb.run_tool(tool.id, revision_id="toolrev_missing")
    other = sb.tools.create(name="o", code=CODE, language="javascript")
    with pytest.raises(NotFoundError, match="has no revision"):  # another tool's revision
        sb.run_tool(tool.id, revision_id=other.revision_id)


def test_runtime_revision_is_checked(sb: Sandbox) -> None:
    with pytest.raises(NotFoundError, match="runtime revision 'rtrev_x' does not exist"):
        sb.tools.create(name="t", code=CODE, language="python", runtime_revision_id="rtrev_x")
    tool = sb.tools.create(name="t", code=CODE, language="python")
    with pytest.raises(NotFoundError, match="runtime revision"):
        sb.tools.update(tool.id, runtime_revision_id="rtrev_x")


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"name": "has space"}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"name": ""}, "name"),
        ({"language": "perl"}, "language"),
        ({"description": "d" * 8193}, "description"),
        ({"code": 3}, "code"),
    ],
)
def test_invalid_fields(sb: Sandbox, fields: dict[str, Any], fragment: str) -> None:
    base = {"name": "ok", "code": CODE, "language": "javascript"}
    with pytest.raises(RequestValidationError, match=fragment):
        sb.tools.create(**{**base, **fields})


def test_as_json_schema() -> None:
    schema = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    tool = Tool(
        id="tool_1",
        name="search",
        description="Search.",
        code=CODE,
        language="javascript",
        input_schema=schema,
        revision_id="toolrev_1",
    )
    assert {"name": "search", "description": "Search.", "parameters": schema} == (
        tool.as_json_schema()
    )
    bare = tool.model_copy(update={"input_schema": None})
    assert {"type": "object", "properties": {}} == bare.as_json_schema()["parameters"]


# -- schema checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "pointer"),
    [
        ({"type": "strng"}, "/type"),
        ({"properties": {"a": {"minimum": "zero"}}}, "/properties/a/minimum"),
        ({"required": "a"}, "/required"),
        ({"$schema": "https://example.com/my-draft"}, "/$schema"),
        ({"properties": {"a": {"$ref": "#/$defs/missing"}}}, "/properties/a/$ref"),
        ({"items": {"$ref": "other.json"}}, "/items/$ref"),
        ([1, 2], ""),
    ],
)
def test_invalid_schema_is_rejected_with_its_location(
    sb: Sandbox, schema: Any, pointer: str
) -> None:
    with pytest.raises(RequestValidationError) as info:
        sb.tools.create(name="t", code=CODE, language="javascript", input_schema=schema)
    assert "input_schema" in str(info.value)
    assert any(error.get("schema_pointer") == pointer for error in info.value.errors) or (
        pointer == "" and info.value.errors
    ), info.value.errors
    assert [] == sb.tools.list().tools  # nothing saved


@pytest.mark.parametrize(
    "schema",
    [
        True,
        {},
        {"type": "object", "properties": {"a": {"$ref": "#/$defs/a"}}, "$defs": {"a": {}}},
        {"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {}},
        {
            "$id": "https://example.com/root.json",
            "$defs": {"x": {"$id": "x.json"}},
            "$ref": "x.json",
        },
        {"$ref": "https://json-schema.org/draft/2020-12/schema"},  # bundled, not fetched
    ],
)
def test_valid_schemas_are_accepted(schema: Any) -> None:
    check_schema(schema)


def test_remote_ref_is_never_fetched(sb: Sandbox, schema_server: tuple[str, list[str]]) -> None:
    """Threat: a schema's `$ref` makes the host fetch a URL (SSRF, a schema that changes
    under the tool). Contained: refs resolve only inside the schema; a real loopback server
    sees no request, at save time or at run time."""
    base, hits = schema_server
    remote = {"type": "object", "properties": {"n": {"$ref": f"{base}/schema.json"}}}
    with pytest.raises(RequestValidationError, match="never fetches"):
        sb.tools.create(name="t", code=CODE, language="javascript", input_schema=remote)
    with pytest.raises(RequestValidationError, match="never fetched"):
        validate_input({"n": 1}, remote)  # even if a schema skipped the check at save
    dynamic = {"$dynamicRef": f"{base}/dyn.json"}
    with pytest.raises(RequestValidationError):
        validate_input(1, dynamic)
    relative = {"$id": f"{base}/root.json", "$ref": "sibling.json"}
    with pytest.raises(RequestValidationError):
        check_schema(relative)
    with pytest.raises(RequestValidationError):
        check_schema({"$schema": f"{base}/meta.json"})
    assert [] == hits


# -- input checks ----------------------------------------------------------------------------

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "age": {"type": "integer", "minimum": 0},
        "tags": {"type": "array", "items": {"type": "string"}},
        "odd key": {"type": "boolean"},
    },
    "required": ["name"],
    "additionalProperties": False,
}


def test_each_violation_is_listed_with_its_json_path() -> None:
    bad = {"age": -1, "tags": ["a", 2], "odd key": "no", "extra": "SECRET-ISH-VALUE"}
    with pytest.raises(RequestValidationError) as info:
        validate_input(bad, SCHEMA)
    paths = {(error["json_path"], error["type"]) for error in info.value.errors}
    assert {
        ("$", "json_schema.required"),
        ("$.age", "json_schema.minimum"),
        ("$.tags[1]", "json_schema.type"),
        ("$['odd key']", "json_schema.type"),
        ("$.extra", "json_schema.additionalProperties"),
    } == paths
    assert ("input", "tags", 1) in [error["loc"] for error in info.value.errors]
    assert "SECRET-ISH-VALUE" not in str(info.value) + repr(info.value.errors)
    validate_input({"name": "n", "tags": []}, SCHEMA)


def test_input_is_checked_before_any_guest(sb: Sandbox) -> None:
    tool = sb.tools.create(name="t", code=CODE, language="javascript", input_schema=SCHEMA)
    with pytest.raises(RequestValidationError, match=r"\$\.age: must be of type"):
        sb.run_tool(tool.id, input={"name": "x", "age": "old"})
    assert [] == sb.executions.list().data  # no guest ran, nothing recorded
    assert sb._engines == {}


def test_deep_input_is_an_error_not_a_crash() -> None:
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(RequestValidationError):
        validate_input(deep, {"items": {"$ref": "#"}})
