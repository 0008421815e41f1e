"""The actor class of `SandboxPool`: one `Sandbox` per Ray actor, its engines and warm pools.

A plain class (Ray wraps it with `ray.remote` in the driver), importable by module path so
that Ray pickles it by reference: a worker imports `embedsandbox` instead of unpickling code.
Requests arrive as model dumps (JSON-mode dicts, a secret only as its `secret_id`) and
results leave the same way; an `EmbedSandboxError` comes back as a value, not raised, so
the driver re-raises it as the same class with the same message (no Ray traceback around
it). Any other exception is raised and becomes Ray's `RayTaskError` on the driver.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, TypeVar

import pydantic

from .._sandbox import Sandbox
from .._validation import validation_error
from ..errors import EmbedSandboxError
from ..models import ExecuteFunctionRequest, ExecuteRequest, ExecuteToolRequest

__all__ = ["KINDS", "Kind", "Reply", "SandboxActor"]

_M = TypeVar("_M", bound=pydantic.BaseModel)

Kind = Literal["script", "function", "tool"]
KINDS: Final = ("script", "function", "tool")

Reply = tuple[bool, Any]
"""`(True, the response's JSON-mode dump)` or `(False, the EmbedSandboxError)`."""


class SandboxActor:
    """Holds one Sandbox; each method call is one run (Ray runs them one at a time)."""

    def __init__(self, sandbox_options: Mapping[str, Any], warmup: Sequence[str]) -> None:
        # An error here (a store that cannot be opened, say) is kept and handed to the pool
        # by `ready`, so it is raised on the driver as itself, not as an actor death.
        self._error: EmbedSandboxError | None = None
        self._sandbox: Sandbox | None = None
        try:
            self._sandbox = Sandbox(**sandbox_options)
            if warmup:
                self._sandbox.warmup(list(warmup))
        except EmbedSandboxError as exc:
            self._error = exc

    def ready(self) -> tuple[bool, Any]:
        """`(True, {"node_id", "pid"})` once the Sandbox is open, else `(False, its error)`."""
        if self._error is not None:
            return False, self._error
        import ray

        return True, {"node_id": ray.get_runtime_context().get_node_id(), "pid": os.getpid()}

    def run(self, kind: Kind, request: dict[str, Any], tool_id: str | None) -> Reply:
        """One run: `kind` picks `run_script`, `run_function` or `run_tool` (with `tool_id`)."""
        sandbox = self._sandbox
        if sandbox is None:  # `ready` reported the error already; never reached by the pool
            return False, self._error
        try:
            response: pydantic.BaseModel
            if kind == "script":
                response = sandbox.run_script(_model(ExecuteRequest, request))
            elif kind == "function":
                response = sandbox.run_function(_model(ExecuteFunctionRequest, request))
            else:
                response = sandbox.run_tool(str(tool_id), _model(ExecuteToolRequest, request))
        except EmbedSandboxError as exc:
            return False, exc
        return True, response.model_dump(mode="json")

    def run_many(
        self, jobs: list[tuple[Kind, dict[str, Any], str | None]]
    ) -> tuple[list[Reply], float]:
        """Several runs one after another (a chunk of `SandboxPool.map`): replies, seconds.

        One Ray call for several runs: Ray's own cost per call is paid once per chunk instead
        of once per run. The seconds the runs took here let the pool size its next chunks.
        """
        start = time.perf_counter()
        replies = [self.run(kind, request, tool_id) for kind, request, tool_id in jobs]
        return replies, time.perf_counter() - start

    def close(self) -> None:
        """Close the Sandbox (its engines' threads and guests); the pool then kills the actor."""
        if self._sandbox is not None:
            self._sandbox.close()


def _model(model: type[_M], dump: dict[str, Any]) -> _M:
    # The pool validated the request already; a dump that does not validate again means
    # the two sides run different embedsandbox versions.
    try:
        return model.model_validate(dump)
    except pydantic.ValidationError as exc:
        raise validation_error(model.__name__, exc) from None
