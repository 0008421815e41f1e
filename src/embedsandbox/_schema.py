"""Bounded JSON Schema checking for tool inputs: RE2 patterns, a linear uniqueItems, a deadline.

`_tools` checks schemas and inputs with validator classes built here from jsonschema's drafts
(4, 6, 7, 2019-09, 2020-12). They differ from jsonschema's own in three ways:

- Every pattern of a schema (`pattern`, `patternProperties`, and so `propertyNames` and
  `additionalProperties`/`unevaluatedProperties` next to `patternProperties`) runs on RE2, a
  linear-time engine; Python's `re` never runs a schema's pattern. `format` is an annotation
  (no format checker), so `format: regex` compiles nothing. Patterns are ECMA-262 as JSON
  Schema says, unanchored; `translate()` maps ECMA syntax RE2 spells differently, and a
  pattern RE2 cannot run (backreferences, lookaround) is refused.
- `uniqueItems` is O(n): each item's canonical form goes in a set.
- Every keyword, and every descent into a subschema, checks a per-call deadline
  (`deadline()`), so no schema can make one validation run longer than the limit.
"""

from __future__ import annotations

import contextvars
import functools
import json
import math
import time
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

from .errors import RequestValidationError

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

__all__ = [
    "MAX_INPUT_DEPTH",
    "MAX_INPUT_JSON_BYTES",
    "MAX_INPUT_NODES",
    "MAX_PATTERN_MEMORY_BYTES",
    "MAX_SCHEMA_DEPTH",
    "MAX_SCHEMA_PATTERNS",
    "MAX_SCHEMA_SUBSCHEMAS",
    "VALIDATION_DEADLINE_S",
    "PatternError",
    "TooSlow",
    "bounded",
    "check_input_size",
    "check_pattern",
    "deadline",
    "schema_limits",
    "search",
    "tick",
    "too_slow",
    "translate",
]

MAX_SCHEMA_DEPTH: Final = 64
"""An `input_schema` may nest JSON objects and arrays at most this deep."""
MAX_SCHEMA_SUBSCHEMAS: Final = 10_000
"""An `input_schema` may hold at most this many subschemas (the root included)."""
MAX_SCHEMA_PATTERNS: Final = 1_000
"""An `input_schema` may hold at most this many distinct regular expressions."""
MAX_PATTERN_MEMORY_BYTES: Final = 1 << 20
"""RE2's memory budget for one compiled pattern; a larger one is refused ("too large")."""
MAX_INPUT_JSON_BYTES: Final = 16 << 20
"""A tool's `input` is checked against a schema only up to this size as JSON (the server's
default body limit)."""
MAX_INPUT_DEPTH: Final = 100
"""A tool's `input` may nest arrays and objects at most this deep when it has a schema."""
MAX_INPUT_NODES: Final = 1_000_000
"""A tool's `input` may hold at most this many values (items, property values, scalars)
when it has a schema."""
VALIDATION_DEADLINE_S: Final = 2.0
"""One check of an input against a schema (or of a schema against its draft) ends by then."""


class TooSlow(Exception):
    """The validation ran past its deadline."""


class PatternError(Exception):
    """A schema's pattern cannot be run by RE2; `str()` says why."""


_deadline: contextvars.ContextVar[float] = contextvars.ContextVar(
    "embedsandbox_schema_deadline", default=math.inf
)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Make `tick()` raise `TooSlow` once `seconds` have passed, in this context."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def tick() -> None:
    if time.monotonic() > _deadline.get():
        raise TooSlow


# -- patterns --------------------------------------------------------------------------------

# ECMA-262 `\s` and line terminators (RE2's `\s` is only [\t\n\f\r ], its `.` excludes only \n).
_ECMA_SPACE: Final = (
    r"\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}"
)
_ECMA_DOT: Final = r"[^\n\r\x{2028}\x{2029}]"
_HEX: Final = frozenset("0123456789abcdefABCDEF")


def translate(pattern: str) -> str:
    r"""An ECMA-262 pattern in RE2's syntax, with ECMA's meaning.

    Rewritten: `\uXXXX` (surrogate pairs joined) and `\u{...}` to `\x{...}`; `\cX`; `[\b]`
    (backspace); `.` (not a line terminator: \n, \r, U+2028, U+2029); `\s` and `\S`
    outside a class (ECMA's Unicode white space); `[]` and `[^]`. Everything else is given to
    RE2 as written, so RE2's extensions (`(?i)`, `\A`, `\z`, `\pL`) work too.

    Raises:
        PatternError: a lone surrogate, which RE2 cannot match.

    """
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e == "u" and pattern[i + 2 : i + 3] == "{":
                end = pattern.find("}", i + 3)
                if end > i + 3 and set(pattern[i + 3 : end]) <= _HEX:
                    out.append(r"\x{" + pattern[i + 3 : end] + "}")
                    i = end + 1
                    continue
            if e == "u" and len(pattern) >= i + 6 and set(pattern[i + 2 : i + 6]) <= _HEX:
                code, i = int(pattern[i + 2 : i + 6], 16), i + 6
                if 0xD800 <= code < 0xDC00 and pattern[i : i + 2] == "\\u":
                    low = pattern[i + 2 : i + 6]
                    if len(low) == 4 and set(low) <= _HEX and 0xDC00 <= int(low, 16) < 0xE000:
                        code = 0x10000 + ((code - 0xD800) << 10) + (int(low, 16) - 0xDC00)
                        i += 6
                if 0xD800 <= code < 0xE000:
                    msg = f"\\u{code:04x} is a lone surrogate, which RE2 cannot match"
                    raise PatternError(msg)
                out.append(f"\\x{{{code:x}}}")
                continue
            if e == "c" and i + 2 < n and pattern[i + 2].isascii() and pattern[i + 2].isalpha():
                out.append(f"\\x{{{ord(pattern[i + 2]) % 32:x}}}")
                i += 3
                continue
            if e == "b" and in_class:
                out.append(r"\x08")
            elif e == "s":
                out.append(_ECMA_SPACE if in_class else f"[{_ECMA_SPACE}]")
            elif e == "S" and not in_class:
                out.append(f"[^{_ECMA_SPACE}]")
            else:
                out.append(c + e)
            i += 2
            continue
        if in_class:
            in_class = c != "]"
            out.append(c)
        elif c == "[" and pattern.startswith("[]", i):
            out.append(r"[^\x00-\x{10ffff}]")
            i += 2
            continue
        elif c == "[" and pattern.startswith("[^]", i):
            out.append(r"(?s:.)")
            i += 3
            continue
        elif c == "[":
            in_class = True
            out.append(c)
            if pattern.startswith("[^", i):
                out.append("^")
                i += 1
        elif c == ".":
            out.append(_ECMA_DOT)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _why(error: str) -> str:
    if "invalid escape sequence: \\" in error and error[-1:].isdigit():
        return "backreferences are not supported"
    if "(?=" in error or "(?!" in error or "(?<=" in error or "(?<!" in error:
        return "lookahead and lookbehind assertions are not supported"
    if "invalid escape sequence: \\k" in error:
        return "named backreferences are not supported"
    if "pattern too large" in error:
        return f"it needs more than RE2's {MAX_PATTERN_MEMORY_BYTES >> 20} MiB budget"
    return error


@functools.lru_cache(maxsize=2048)
def _compiled(pattern: str) -> Any:
    """The RE2 program for an ECMA pattern, or the reason (a str) it cannot be run."""
    import re2  # type: ignore[import-untyped]

    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    options.max_mem = MAX_PATTERN_MEMORY_BYTES
    try:
        return re2.compile(translate(pattern).encode("utf-8", "surrogatepass"), options)
    except PatternError as exc:
        return str(exc)
    except re2.error as exc:
        text = exc.args[0] if exc.args else "invalid"
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return (
            f"pattern {pattern!r} cannot be run by RE2, the linear-time engine embedsandbox "
            f"uses for schema patterns: {_why(text)} ({text})"
        )


def check_pattern(pattern: str) -> str | None:
    """Why RE2 cannot run `pattern`, or None."""
    found = _compiled(pattern)
    return found if isinstance(found, str) else None


def search(pattern: str, text: str) -> bool:
    """Whether the ECMA-262 `pattern` matches somewhere in `text` (RE2; linear time).

    Raises:
        PatternError: RE2 cannot run the pattern.

    """
    tick()
    found = _compiled(pattern)
    if isinstance(found, str):
        raise PatternError(found)
    return found.search(text.encode("utf-8", "surrogatepass")) is not None


# -- limits ------------------------------------------------------------------------------------

# Keywords whose value is a schema, a list of schemas, or a map of names to schemas.
_ONE: Final = (
    "additionalItems",
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_LISTS: Final = ("allOf", "anyOf", "items", "oneOf", "prefixItems")
_MAPS: Final = ("$defs", "definitions", "dependentSchemas", "dependencies", "patternProperties")


def schema_limits(schema: Any) -> list[tuple[str, tuple[str | int, ...]]]:
    """Depth, subschema and pattern limits, and every pattern RE2 cannot run, with pointers."""
    stack: list[tuple[Any, int]] = [(schema, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_SCHEMA_DEPTH:
            return [(f"nests objects and arrays deeper than {MAX_SCHEMA_DEPTH} levels", ())]
        if isinstance(node, dict):
            stack += [(item, depth + 1) for item in node.values()]
        elif isinstance(node, list):
            stack += [(item, depth + 1) for item in node]
    problems: list[tuple[str, tuple[str | int, ...]]] = []
    patterns: dict[str, tuple[str | int, ...]] = {}
    schemas: list[tuple[Any, tuple[str | int, ...]]] = [(schema, ())]
    count = 0
    while schemas:
        node, path = schemas.pop()
        count += 1
        if count > MAX_SCHEMA_SUBSCHEMAS:
            return [(f"has more than {MAX_SCHEMA_SUBSCHEMAS} subschemas", ())]
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("pattern"), str):
            patterns.setdefault(node["pattern"], (*path, "pattern"))
        if isinstance(node.get("patternProperties"), dict):
            for key in node["patternProperties"]:
                patterns.setdefault(key, (*path, "patternProperties", key))
        for key in _ONE:
            if isinstance(node.get(key), dict | bool):
                schemas.append((node[key], (*path, key)))
        for key in _LISTS:
            if isinstance(node.get(key), list):
                schemas += [(item, (*path, key, i)) for i, item in enumerate(node[key])]
        for key in (*_MAPS, "properties"):
            if isinstance(node.get(key), dict):
                schemas += [(item, (*path, key, name)) for name, item in node[key].items()]
    if len(patterns) > MAX_SCHEMA_PATTERNS:
        return [(f"has more than {MAX_SCHEMA_PATTERNS} distinct patterns", ())]
    for text, path in patterns.items():
        why = check_pattern(text)
        if why is not None:
            problems.append((why, path))
    return problems


def _limit(msg: str, loc: tuple[str, ...] = ("input",)) -> RequestValidationError:
    return RequestValidationError(msg, [{"loc": loc, "msg": msg, "type": "json_schema.limit"}])


_SCALARS: Final = frozenset({int, float, bool, type(None)})


def check_input_size(value: Any) -> None:
    """Refuse an input too deep, with too many values, or too large, before validating it."""
    # Level by level, containers only: a scalar is counted where it is found, so a
    # million-value input takes about 0.1 s.
    nodes, chars, depth = 1, 0, 1
    level: list[Any] = [value]
    while level:
        deeper: list[Any] = []
        for node in level:
            if isinstance(node, dict):
                chars += sum(map(len, node))
                children: Iterable[Any] = node.values()
            elif isinstance(node, list):
                children = node
            else:
                if isinstance(node, str):
                    chars += len(node)
                continue
            if not node:
                continue
            nodes += len(node)
            if nodes > MAX_INPUT_NODES:
                msg = f"input has more than {MAX_INPUT_NODES} values; at most that many are checked"
                raise _limit(msg + " against an input_schema")
            if depth >= MAX_INPUT_DEPTH:
                msg = f"input nests arrays and objects deeper than {MAX_INPUT_DEPTH} levels"
                raise _limit(msg + ", the most checked against an input_schema")
            for child in children:
                kind = type(child)
                if kind in _SCALARS:
                    continue
                if kind is str:
                    chars += len(child)
                else:
                    deeper.append(child)
        level, depth = deeper, depth + 1
    size = chars if chars > MAX_INPUT_JSON_BYTES else len(json.dumps(value, default=str))
    if size > MAX_INPUT_JSON_BYTES:
        msg = (
            f"input is larger than {MAX_INPUT_JSON_BYTES} bytes as JSON, the most checked "
            "against an input_schema"
        )
        raise _limit(msg)


def too_slow(deadline_s: float) -> RequestValidationError:
    msg = (
        f"checking input against the tool's input_schema took longer than {deadline_s:g} s, "
        "the limit for one validation; simplify the schema (fewer or smaller anyOf/oneOf "
        "branches, patterns or references) or send a smaller input"
    )
    return _limit(msg)


# -- keywords --------------------------------------------------------------------------------


def _error(message: str) -> Any:
    from jsonschema.exceptions import ValidationError

    return ValidationError(message)


def _pattern(validator: Any, patrn: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and isinstance(patrn, str):
        if not search(patrn, instance):
            yield _error(f"does not match {patrn!r}")


def _pattern_properties(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for patrn, subschema in value.items():
        for key, item in instance.items():
            if search(patrn, key):
                yield from validator.descend(item, subschema, path=key, schema_path=patrn)


def _additional(instance: Any, schema: Any) -> Iterator[Any]:
    """Jsonschema's find_additional_properties, with each pattern on RE2."""
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    for key in instance:
        if key not in properties and not any(search(p, key) for p in patterns):
            yield key


def _canonical(value: Any) -> Any:
    """A hashable form equal for JSON-Schema-equal values (1 == 1.0, true != 1, keys unordered).

    Numbers become hex text, whose hashes (unlike an int's) an input cannot make collide.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, float):
        return hex(int(value)) if value.is_integer() else value.hex()
    if isinstance(value, str):
        return ("s", value)
    tick()
    if isinstance(value, dict):
        return frozenset((key, _canonical(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return ("a", *map(_canonical, value))
    return ("?", repr(value))


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[Any] = set()
    for index, item in enumerate(instance):
        if not index & 1023:
            tick()
        key = _canonical(item)
        if key in seen:
            yield _error("has non-unique elements")
            return
        seen.add(key)


def _any_of(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
    # jsonschema's keeps every branch's errors as context; only whether a branch holds matters.
    for index, subschema in enumerate(value):
        if next(validator.descend(instance, subschema, schema_path=index), None) is None:
            return
    yield _error("is not valid under any of the given schemas")


def _one_of(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
    valid = 0
    for index, subschema in enumerate(value):
        if next(validator.descend(instance, subschema, schema_path=index), None) is None:
            valid += 1
            if valid > 1:
                yield _error("is valid under more than one of the given schemas")
                return
    if not valid:
        yield _error("is not valid under any of the given schemas")


class _ReOnRe2:
    """Stands in for `re` in copies of jsonschema functions that call `re.search`."""

    @staticmethod
    def search(pattern: str, text: str) -> bool:
        return search(pattern, text)


def _rebound(functions: dict[str, Callable[..., Any]], *modules: types.ModuleType) -> None:
    """Copy the functions of `modules` named in `functions` in place, `re` meaning RE2.

    The copies see each other (and `find_additional_properties` our version) by name, so a
    recursive helper stays on RE2 all the way down.
    """
    namespace: dict[str, Any] = {}
    for module in modules:
        namespace.update(vars(module))
    namespace["re"] = _ReOnRe2
    namespace["find_additional_properties"] = _additional
    for name, function in functions.items():
        if not isinstance(function, types.FunctionType):  # pragma: no cover
            msg = f"jsonschema's {name} is not a plain function"
            raise TypeError(msg)
        copy: Callable[..., Any] = types.FunctionType(
            function.__code__, namespace, name, function.__defaults__, function.__closure__
        )
        namespace[name] = copy
        functions[name] = copy


def _ticking(function: Callable[..., Any]) -> Callable[..., Iterator[Any]]:
    def keyword(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
        tick()
        for error in function(validator, value, instance, schema) or ():
            tick()
            yield error

    return keyword


@functools.cache
def bounded(base: type[Validator]) -> type[Validator]:
    """`base` (a jsonschema draft) with RE2 patterns, our uniqueItems, and the deadline."""
    from jsonschema import _keywords, _legacy_keywords, _utils
    from jsonschema.validators import create

    keywords: dict[str, Callable[..., Any]] = dict(base.VALIDATORS)
    legacy_fns: dict[str, Callable[..., Any]] = {
        "find_evaluated_property_keys_by_schema": (
            _legacy_keywords.find_evaluated_property_keys_by_schema
        ),
        "unevaluatedProperties_draft2019": _legacy_keywords.unevaluatedProperties_draft2019,
    }
    modern_fns: dict[str, Callable[..., Any]] = {
        "find_evaluated_property_keys_by_schema": _utils.find_evaluated_property_keys_by_schema,
        "unevaluatedProperties": _keywords.unevaluatedProperties,
        "additionalProperties": _keywords.additionalProperties,
    }
    _rebound(legacy_fns, _legacy_keywords)
    _rebound(modern_fns, _utils, _keywords)
    ours: dict[str, Callable[..., Any]] = {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": modern_fns["additionalProperties"],
        "uniqueItems": _unique_items,
        "anyOf": _any_of,
        "oneOf": _one_of,
    }
    current = keywords.get("unevaluatedProperties")
    if current is _keywords.unevaluatedProperties:
        ours["unevaluatedProperties"] = modern_fns["unevaluatedProperties"]
    elif current is _legacy_keywords.unevaluatedProperties_draft2019:
        ours["unevaluatedProperties"] = legacy_fns["unevaluatedProperties_draft2019"]
    elif current is not None:  # pragma: no cover - a jsonschema we do not know
        msg = f"unknown unevaluatedProperties in {base.__name__}"
        raise RuntimeError(msg)
    keywords.update({name: fn for name, fn in ours.items() if name in keywords})
    applicable = base._APPLICABLE_VALIDATORS  # type: ignore[attr-defined]  # as extend() does

    def applicable_ticking(schema: Any) -> Any:
        tick()
        return applicable(schema)

    return create(
        meta_schema=base.META_SCHEMA,
        validators={name: _ticking(fn) for name, fn in keywords.items()},
        type_checker=base.TYPE_CHECKER,
        format_checker=base.FORMAT_CHECKER,
        id_of=base.ID_OF,  # type: ignore[attr-defined]
        applicable_validators=applicable_ticking,
    )
