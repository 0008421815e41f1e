"""Tools: named functions with immutable revisions and a JSON Schema for their input.

`Sandbox.tools` is a `Tools` (create, update, get, list, revisions); `Sandbox.run_tool` calls
`validate_input()` before any guest starts. Schemas are checked with the `jsonschema` library
(draft 2020-12 unless `$schema` names another draft it knows) through a `referencing` registry
whose retrieve function refuses every URI: a `$ref` to a remote URL is never fetched by the
host (jsonschema's default would fetch it: an SSRF and a way to make a tool's behaviour change
under it). Such a `$ref` is refused when the tool is saved; one that slips past (a
`$dynamicRef`) fails the run's validation instead.

The validator classes are jsonschema's drafts made bounded by `_schema.bounded`: patterns run
on RE2 (a pattern RE2 cannot run is refused at save), `uniqueItems` is linear, and one
validation ends by `VALIDATION_DEADLINE_S`. Schemas and inputs are size-checked first
(`MAX_SCHEMA_*`, `MAX_INPUT_*`); every limit hit is a `RequestValidationError`.
"""

from __future__ import annotations

import builtins
import functools
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import pydantic

from . import _schema
from ._schema import _LISTS, _MAPS, _ONE, VALIDATION_DEADLINE_S
from ._store import ToolRepository, ToolRevisionRow
from ._validation import check_page, validation_error
from .errors import NotFoundError, RequestValidationError
from .models import (
    MAX_INPUT_SCHEMA_BYTES,
    MAX_PAGE_SIZE,
    CreateToolRequest,
    Tool,
    ToolList,
    UpdateToolRequest,
)

if TYPE_CHECKING:
    import referencing
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator
    from referencing._core import Resolver

__all__ = ["MAX_LISTED_ERRORS", "Tools", "check_schema", "validate_input"]

MAX_LISTED_ERRORS: Final = 20
"""At most this many schema problems or input violations are listed in one error."""


def _refuse(uri: str) -> referencing.Resource[Any]:
    # Never fetch: a remote $ref would make the host an HTTP client of whoever wrote a schema.
    import referencing.exceptions

    raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]


@dataclass(frozen=True)
class _Library:
    drafts: dict[str, type[Validator]]
    """The drafts jsonschema knows, by the `$id` of their meta-schemas (no trailing `#`)."""
    default: type[Validator]
    """Draft 2020-12: what a schema without `$schema` is checked with."""
    no_fetch: referencing.Registry[Any]
    """An empty registry whose retrieve function refuses every URI."""
    local: referencing.Registry[Any]
    """The drafts' meta-schemas (bundled) and nothing else; any other URI fails to resolve."""


@functools.cache
def _library() -> _Library:
    """Import jsonschema and referencing on first use: ~30 ms that most runs never need."""
    import referencing
    from jsonschema import (
        Draft4Validator,
        Draft6Validator,
        Draft7Validator,
        Draft201909Validator,
        Draft202012Validator,
    )
    from jsonschema_specifications import REGISTRY as SPECIFICATIONS

    drafts: dict[str, type[Validator]] = {
        str(cls.META_SCHEMA.get("$id", cls.META_SCHEMA.get("id"))).rstrip("#"): _schema.bounded(cls)
        for cls in (
            Draft4Validator,
            Draft6Validator,
            Draft7Validator,
            Draft201909Validator,
            Draft202012Validator,
        )
    }
    no_fetch: referencing.Registry[Any] = referencing.Registry(retrieve=_refuse)  # type: ignore[call-arg]
    default = drafts[str(Draft202012Validator.META_SCHEMA["$id"]).rstrip("#")]
    return _Library(drafts, default, no_fetch, SPECIFICATIONS.combine(no_fetch))


def _draft(schema: Any) -> type[Validator]:
    library = _library()
    if isinstance(schema, dict) and "$schema" in schema:
        uri = schema["$schema"]
        found = library.drafts.get(uri.rstrip("#")) if isinstance(uri, str) else None
        if found is None:
            msg = (
                f"$schema {uri!r} is not a JSON Schema draft embedsandbox knows; leave it out "
                f"for draft 2020-12 or use one of {sorted(library.drafts)}"
            )
            raise _SchemaProblem(msg, ("$schema",))
        return found
    return library.default


class _SchemaProblem(Exception):
    def __init__(self, msg: str, path: tuple[str | int, ...]) -> None:
        super().__init__(msg)
        self.msg = msg
        self.path = path


def _pointer(path: Iterable[str | int]) -> str:
    parts = [str(part).replace("~", "~0").replace("/", "~1") for part in path]
    return "/" + "/".join(parts) if parts else ""


def check_schema(schema: Any) -> None:
    """Check that `schema` is a JSON Schema whose every `$ref` resolves locally.

    Raises:
        RequestValidationError: it is not JSON, too large, not valid against its draft's
            meta-schema, names an unknown `$schema`, or has a `$ref` that does not resolve
            inside the schema (remote URLs are never fetched). Each problem is listed with
            its location as a JSON pointer into `input_schema`.

    """
    if schema is None:
        return
    problems: list[tuple[str, tuple[str | int, ...]]] = []
    try:
        text = json.dumps(schema, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        problems.append((f"is not JSON: {exc}", ()))
    else:
        if len(text.encode("utf-8", "surrogatepass")) > MAX_INPUT_SCHEMA_BYTES:
            problems.append((f"is larger than {MAX_INPUT_SCHEMA_BYTES} bytes as JSON", ()))
    if not problems:
        problems += _schema.schema_limits(schema)
    if not problems:
        try:
            draft = _draft(schema)
            meta = draft(draft.META_SCHEMA, registry=_library().local)
            with _schema.deadline(VALIDATION_DEADLINE_S):
                errors = sorted(meta.iter_errors(schema), key=lambda e: list(map(str, e.path)))
            problems += [(error.message, tuple(error.absolute_path)) for error in errors]
            if not problems:
                problems += _unresolved_refs(schema, draft)
        except _SchemaProblem as exc:
            problems.append((exc.msg, exc.path))
        except RecursionError:
            problems.append(("is nested too deeply to check", ()))
        except _schema.TooSlow:
            problems.append((f"took longer than {VALIDATION_DEADLINE_S:g} s to check", ()))
    if problems:
        errors_out = [
            {
                "loc": ("input_schema", *path),
                "msg": f"{_pointer(path) or '(root)'}: {text}",
                "type": "json_schema",
                "schema_pointer": _pointer(path),
            }
            for text, path in problems[:MAX_LISTED_ERRORS]
        ]
        more = len(problems) - MAX_LISTED_ERRORS
        msg = "input_schema is not a valid JSON Schema: " + "; ".join(
            str(error["msg"]) for error in errors_out
        )
        if more > 0:
            msg += f"; and {more} more"
        raise RequestValidationError(msg, errors_out)


def _unresolved_refs(
    schema: Any, draft: type[Validator]
) -> builtins.list[tuple[str, tuple[str | int, ...]]]:
    if not isinstance(schema, dict):
        return []
    import referencing.exceptions
    import referencing.jsonschema

    specification = referencing.jsonschema.specification_with(
        str(draft.META_SCHEMA.get("$id", draft.META_SCHEMA.get("id"))),
        default=referencing.jsonschema.DRAFT202012,
    )
    root = specification.create_resource(schema)
    problems: list[tuple[str, tuple[str | int, ...]]] = []

    def walk(node: Any, resolver: Resolver[Any], path: tuple[str | int, ...]) -> None:
        if not isinstance(node, dict):
            return
        resolver = resolver.in_subresource(specification.create_resource(node))
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                resolver.lookup(ref)
            except referencing.exceptions.Unresolvable:
                problems.append(
                    (
                        f"$ref {ref!r} does not resolve inside the schema; embedsandbox never "
                        "fetches remote schemas: copy it under $defs and refer to "
                        "'#/$defs/...'",
                        (*path, "$ref"),
                    )
                )
        for key in _ONE:
            if isinstance(node.get(key), dict):
                walk(node[key], resolver, (*path, key))
        for key in _LISTS:
            if isinstance(node.get(key), list):
                for index, item in enumerate(node[key]):
                    walk(item, resolver, (*path, key, index))
        for key in (*_MAPS, "properties"):
            if isinstance(node.get(key), dict):
                for name, item in node[key].items():
                    walk(item, resolver, (*path, key, name))

    walk(schema, _library().local.resolver_with_root(root), ())
    return problems


# -- input -----------------------------------------------------------------------------------

_validators: OrderedDict[str, Validator] = OrderedDict()
_validators_lock = threading.Lock()
_CACHED_VALIDATORS: Final = 256


def _validator(revision_id: str | None, schema: Any) -> Validator:
    if revision_id is not None:
        with _validators_lock:
            found = _validators.get(revision_id)
            if found is not None:
                _validators.move_to_end(revision_id)
                return found
    validator = _draft(schema)(schema, registry=_library().no_fetch)
    if revision_id is not None:  # revisions are immutable: safe to reuse by id
        with _validators_lock:
            _validators[revision_id] = validator
            while len(_validators) > _CACHED_VALIDATORS:
                _validators.popitem(last=False)
    return validator


_JSON_PATH_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _json_path(path: Iterable[str | int]) -> str:
    text = "$"
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _JSON_PATH_NAME.match(part):
            text += f".{part}"
        else:
            text += "['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return text


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _violations(error: ValidationError) -> builtins.list[tuple[tuple[str | int, ...], str]]:
    """(path, message) pairs for one jsonschema error.

    Messages name the rule from the schema and never the input's value (it may be secret).
    """
    path = tuple(error.absolute_path)
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword == "additionalProperties" and expected is False and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        declared = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        extras = [
            key
            for key in instance
            if key not in declared and not any(_schema.search(p, key) for p in patterns)
        ]
        if extras:
            return [((*path, key), "is not allowed by the schema") for key in extras]
    if keyword == "required" and isinstance(instance, dict) and isinstance(expected, list):
        missing = [name for name in expected if name not in instance]
        return [(path, f"is missing required property {name!r}") for name in missing]
    messages: dict[str, str] = {
        "type": f"must be of type {_short(expected)}",
        "enum": f"must be one of {_short(expected)}",
        "const": f"must be {_short(expected)}",
        "minimum": f"must be >= {expected}",
        "maximum": f"must be <= {expected}",
        "exclusiveMinimum": f"must be > {expected}",
        "exclusiveMaximum": f"must be < {expected}",
        "multipleOf": f"must be a multiple of {expected}",
        "minLength": f"must have at least {expected} characters",
        "maxLength": f"must have at most {expected} characters",
        "pattern": f"must match the pattern {_short(expected)}",
        "format": f"must be a valid {_short(expected)}",
        "minItems": f"must have at least {expected} items",
        "maxItems": f"must have at most {expected} items",
        "uniqueItems": "must not contain duplicate items",
        "minProperties": f"must have at least {expected} properties",
        "maxProperties": f"must have at most {expected} properties",
        "anyOf": "must match at least one schema of anyOf",
        "oneOf": "must match exactly one schema of oneOf",
        "not": "must not match the schema of not",
        "false": "is not allowed by the schema (false)",
    }
    message = messages.get(
        str(keyword),
        f"does not satisfy the schema's {keyword!r} keyword ({_pointer(error.schema_path)})",
    )
    return [(path, message)]


def validate_input(
    value: Any,
    schema: Any,
    *,
    revision_id: str | None = None,
    deadline_s: float = VALIDATION_DEADLINE_S,
) -> None:
    """Check a tool's `input` against its `input_schema` (None accepts anything).

    Bounded: the input is size-checked first (`MAX_INPUT_JSON_BYTES`, `MAX_INPUT_DEPTH`,
    `MAX_INPUT_NODES`), patterns run on RE2, and the check ends after `deadline_s`.

    Raises:
        RequestValidationError: `value` violates the schema; `errors` has one entry per
            violation with `loc` (`("input", ...)`), `json_path` (`$.a[0]`) and `msg`; no
            value of the input is echoed. Also raised when a reference cannot be resolved
            (remote references are never fetched), when a limit is hit (`type`
            `json_schema.limit`, the message names the limit), or when a pattern cannot be
            run by RE2.

    """
    if schema is None:
        return
    import referencing.exceptions

    started = time.monotonic()
    _schema.check_input_size(value)
    # Streamed: at most a few hundred violations are held at once, however many there are.
    violations: list[tuple[tuple[str | int, ...], str, str]] = []
    count = 0

    def key(v: tuple[tuple[str | int, ...], str, str]) -> tuple[int, list[str]]:
        return (len(v[0]), [str(p) for p in v[0]])

    try:
        with _schema.deadline(deadline_s - (time.monotonic() - started)):
            for error in _validator(revision_id, schema).iter_errors(value):
                _schema.tick()
                for path, message in _violations(error):
                    violations.append((path, message, str(error.validator)))
                    count += 1
                if len(violations) > 10 * MAX_LISTED_ERRORS:
                    violations = sorted(violations, key=key)[:MAX_LISTED_ERRORS]
    except referencing.exceptions.Unresolvable as exc:
        msg = (
            f"input_schema refers to {getattr(exc, 'ref', '?')!r}, which does not resolve "
            "inside the schema; remote schemas are never fetched"
        )
        raise RequestValidationError(
            msg, [{"loc": ("input_schema",), "msg": msg, "type": "json_schema"}]
        ) from None
    except RecursionError:
        msg = "input is nested too deeply to check against input_schema"
        raise RequestValidationError(
            msg, [{"loc": ("input",), "msg": msg, "type": "json_schema"}]
        ) from None
    except _schema.TooSlow:
        raise _schema.too_slow(deadline_s) from None
    except _schema.PatternError as exc:
        msg = f"input_schema has a pattern that cannot be checked: {exc}"
        raise RequestValidationError(
            msg, [{"loc": ("input_schema",), "msg": msg, "type": "json_schema"}]
        ) from None
    if not count:
        return
    violations.sort(key=key)
    errors = [
        {
            "loc": ("input", *path),
            "json_path": _json_path(path),
            "msg": message,
            "type": f"json_schema.{keyword}",
        }
        for path, message, keyword in violations[:MAX_LISTED_ERRORS]
    ]
    more = count - MAX_LISTED_ERRORS
    msg = "input does not match the tool's input_schema: " + "; ".join(
        f"{error['json_path']}: {error['msg']}" for error in errors
    )
    if more > 0:
        msg += f"; and {more} more"
    raise RequestValidationError(msg, errors)


# -- the resource ----------------------------------------------------------------------------


class Tools:
    """`Sandbox.tools`: create, update, get and list tools (Riza's `/v1/tools`).

    Every create and update makes a new immutable revision; `Sandbox.run_tool(id,
    revision_id=...)` runs any of them, and without `revision_id` the current one. Tools live
    in the Sandbox's store (`Sandbox(store=...)`); with `store=None`, in memory.
    """

    def __init__(self, repository: ToolRepository, check_runtime: Callable[[str], None]) -> None:
        self._repository = repository
        self._check_runtime = check_runtime

    def create(
        self,
        name: str,
        code: str,
        language: str,
        description: str = "",
        input_schema: dict[str, Any] | bool | None = None,
        runtime_revision_id: str | None = None,
    ) -> Tool:
        """Create a tool and its first revision; return it.

        Args:
            name: 1 to 64 letters, digits, `_` or `-` (what LLM function-calling accepts).
            code: Source defining `execute(input)`, as for `run_function` (at most 1 MiB).
            language: python, javascript or typescript.
            description: What the tool does (at most 8192 characters).
            input_schema: A JSON Schema for `input`; None accepts any input.
            runtime_revision_id: The runtime revision whose packages the code loads.

        Raises:
            RequestValidationError: a field is invalid, or `input_schema` is not a valid JSON
                Schema (each problem with its location).
            NotFoundError: `runtime_revision_id` names no runtime revision.

        """
        try:
            request = CreateToolRequest(
                name=name,
                code=code,
                language=language,
                description=description,
                input_schema=input_schema,
                runtime_revision_id=runtime_revision_id,
            )
        except pydantic.ValidationError as exc:
            name = "tool"
            raise validation_error(name, exc) from None
        check_schema(request.input_schema)
        if request.runtime_revision_id is not None:
            self._check_runtime(request.runtime_revision_id)
        return self._repository.create(
            ToolRevisionRow(
                name=request.name,
                code=request.code,
                language=request.language,
                description=request.description,
                input_schema=request.input_schema,
                runtime_revision_id=request.runtime_revision_id,
            )
        )

    def update(self, tool_id: str, /, **changes: Any) -> Tool:
        """Make a new revision from the current one with `changes`, and make it current.

        Takes any of `name`, `code`, `language`, `description`, `input_schema`,
        `runtime_revision_id`; a field left out keeps its value (`input_schema=None` removes
        the schema). Earlier revisions stay runnable by their `revision_id`.

        Raises:
            RequestValidationError: a field is unknown or invalid, or the schema is invalid.
            NotFoundError: no tool has this id, or `runtime_revision_id` names nothing.

        """
        try:
            request = UpdateToolRequest.model_validate(changes)
        except pydantic.ValidationError as exc:
            name = "tool update"
            raise validation_error(name, exc) from None
        given = {name: getattr(request, name) for name in request.model_fields_set}
        for required in ("name", "code", "language", "description"):
            if required in given and given[required] is None:
                msg = f"invalid tool update: {required} cannot be removed"
                loc = (required,)
                raise RequestValidationError(msg, [{"loc": loc, "msg": msg, "type": "value_error"}])
        if "input_schema" in given:
            check_schema(given["input_schema"])
        if given.get("runtime_revision_id") is not None:
            self._check_runtime(given["runtime_revision_id"])
        return self._repository.update(_str_id(tool_id, "tool"), given)

    def get(self, tool_id: str, revision_id: str | None = None) -> Tool:
        """The tool at its current revision, or at `revision_id` (one of its own).

        Raises:
            NotFoundError: no tool has this id, or it has no such revision.

        """
        revision = None if revision_id is None else _str_id(revision_id, "tool revision")
        return self._repository.get(_str_id(tool_id, "tool"), revision)

    def list(self, limit: int = MAX_PAGE_SIZE, starting_after: str | None = None) -> ToolList:
        """A page of tools at their current revisions, oldest first.

        Args:
            limit: How many at most, 1 to 100 (default 100).
            starting_after: The last id of the previous page (`page.next_starting_after`).

        Raises:
            RequestValidationError: `limit` is out of range.
            NotFoundError: `starting_after` names no tool.

        """
        limit, starting_after = check_page(limit, starting_after)
        return self._repository.page(limit, starting_after)

    def revisions(self, tool_id: str) -> builtins.list[Tool]:
        """Every revision of the tool as a `Tool` (its `revision_id` differs), oldest first.

        Raises:
            NotFoundError: no tool has this id.

        """
        return self._repository.revisions(_str_id(tool_id, "tool"))

    def __repr__(self) -> str:
        return "Tools()"


def _str_id(value: Any, what: str) -> str:
    if not isinstance(value, str):
        msg = f"{what} {value!r} does not exist"
        raise NotFoundError(msg)
    return value
