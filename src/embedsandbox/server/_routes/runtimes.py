"""`/v1/runtimes`: custom runtimes (packages from a manifest) and their revisions.

A revision builds in the background: create answers at once with its status `pending`; get
the runtime or revision again to see it reach `succeeded` or `failed`.
"""

from __future__ import annotations

from fastapi import APIRouter

from ...errors import ConfigurationError
from ...models import (
    MAX_PAGE_SIZE,
    DeletedRuntime,
    Runtime,
    RuntimeList,
    RuntimeRevision,
    RuntimeRevisionList,
)
from .._context import PathId, Project, bounded
from .._errors import ErrorBody
from .._guard import StrictJSONRoute
from .._requests import CreateRevisionRequest, CreateRuntimeRequest

__all__ = ["router"]

router = APIRouter(
    tags=["runtimes"],
    route_class=StrictJSONRoute,
    responses={409: {"model": ErrorBody, "description": "The runtime's state forbids it"}},
)


@router.post("/v1/runtimes")
def create_runtime(request: CreateRuntimeRequest, sb: Project) -> Runtime:
    """Create a runtime; its first revision builds in the background."""
    if request.engine not in (None, "wasi"):
        msg = "engine: only 'wasi' is available"
        raise ConfigurationError(msg)
    return sb.runtimes.create(
        name=request.name,
        language=request.language,
        manifest_file=request.manifest_file,
        additional_python_imports=request.additional_python_imports,
        min_cached_instances=request.min_cached_instances,
        max_cached_instances=request.max_cached_instances,
    )


@router.get("/v1/runtimes")
def list_runtimes(
    sb: Project, limit: int = MAX_PAGE_SIZE, starting_after: str | None = None
) -> RuntimeList:
    """A page of runtimes, oldest first: `{"runtimes": [...]}`."""
    page = sb.runtimes.list(limit, starting_after)
    return RuntimeList(runtimes=bounded(page.runtimes))


@router.get("/v1/runtimes/{runtime_id}")
def get_runtime(runtime_id: PathId, sb: Project) -> Runtime:
    """A runtime with its newest revision's id and status."""
    return sb.runtimes.get(runtime_id)


@router.delete("/v1/runtimes/{runtime_id}")
def delete_runtime(runtime_id: PathId, sb: Project) -> DeletedRuntime:
    """Delete a runtime and its revisions: `{id, deleted}`."""
    return sb.runtimes.delete(runtime_id)


@router.post("/v1/runtimes/{runtime_id}/revisions")
def create_revision(
    runtime_id: PathId, request: CreateRevisionRequest, sb: Project
) -> RuntimeRevision:
    """Make a new revision of a runtime; it builds in the background."""
    return sb.runtimes.revisions.create(
        runtime_id,
        manifest_file=request.manifest_file,
        additional_python_imports=request.additional_python_imports,
    )


@router.get("/v1/runtimes/{runtime_id}/revisions")
def list_revisions(runtime_id: PathId, sb: Project) -> RuntimeRevisionList:
    """Every revision of a runtime, oldest first: `{"revisions": [...]}`."""
    return sb.runtimes.revisions.list(runtime_id)


@router.get("/v1/runtimes/{runtime_id}/revisions/{revision_id}")
def get_revision(runtime_id: PathId, revision_id: PathId, sb: Project) -> RuntimeRevision:
    """One revision with its status, packages and build log."""
    return sb.runtimes.revisions.get(runtime_id, revision_id)
