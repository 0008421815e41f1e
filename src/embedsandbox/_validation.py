"""Shared request checks: pydantic errors as `RequestValidationError`, and list arguments.

Used by `Sandbox`, `Tools`, `SecretStore`, `Runtimes` and the execution history. Messages
never include the rejected value (it may be a secret).
"""

from __future__ import annotations

from typing import Any

import pydantic

from .errors import RequestValidationError
from .models import MAX_CACHED_INSTANCES, MAX_PAGE_SIZE

__all__ = ["check_cached_instances", "check_page", "validation_error"]


def validation_error(name: str, exc: pydantic.ValidationError) -> RequestValidationError:
    """A `RequestValidationError` listing each problem of `exc` by its field, without values."""
    # include_input=False: a rejected value may be a secret; never echo it.
    details = exc.errors(include_url=False, include_input=False, include_context=False)
    problems = []
    for detail in details:
        loc = ".".join(str(part) for part in detail["loc"]) or "(request)"
        problems.append(f"{loc}: {detail['msg']}")
    msg = f"invalid {name}: " + "; ".join(problems)
    return RequestValidationError(msg, [dict(d) for d in details])


def check_page(limit: Any, starting_after: Any) -> tuple[int, str | None]:
    """`limit` (1 to 100) and `starting_after` (an id or None) of a list call, checked.

    Raises:
        RequestValidationError: either is out of range or of the wrong type.

    """
    errors: list[dict[str, Any]] = []
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        errors.append(
            {
                "loc": ("limit",),
                "msg": f"limit must be an integer from 1 to {MAX_PAGE_SIZE}",
                "type": "value_error",
            }
        )
    if starting_after is not None and (not isinstance(starting_after, str) or not starting_after):
        errors.append(
            {
                "loc": ("starting_after",),
                "msg": "starting_after must be the id of an item of the previous page",
                "type": "value_error",
            }
        )
    if errors:
        msg = "invalid list arguments: " + "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in errors)
        raise RequestValidationError(msg, errors)
    return limit, starting_after


def check_cached_instances(minimum: Any, maximum: Any) -> tuple[int | None, int | None]:
    """A runtime's `min_cached_instances` and `max_cached_instances`, checked.

    Each is None (the Sandbox's default) or an integer from 0 to 64; when both are given,
    the minimum may not exceed the maximum.

    Raises:
        RequestValidationError: either is out of range or not an integer, or min > max.

    """
    errors: list[dict[str, Any]] = []
    for name, value in (("min_cached_instances", minimum), ("max_cached_instances", maximum)):
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_CACHED_INSTANCES
        ):
            errors.append(
                {
                    "loc": (name,),
                    "msg": f"{name} must be null or an integer from 0 to {MAX_CACHED_INSTANCES}",
                    "type": "value_error",
                }
            )
    if not errors and minimum is not None and maximum is not None and minimum > maximum:
        errors.append(
            {
                "loc": ("min_cached_instances",),
                "msg": (
                    f"min_cached_instances ({minimum}) must not exceed max_cached_instances "
                    f"({maximum})"
                ),
                "type": "value_error",
            }
        )
    if errors:
        msg = "invalid runtime: " + "; ".join(e["msg"] for e in errors)
        raise RequestValidationError(msg, errors)
    return minimum, maximum
