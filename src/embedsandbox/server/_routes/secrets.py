"""`/v1/secrets`: store a secret, list them, delete one; a secret's value is never returned.

`DELETE /v1/secrets/{id}` is our extension (Riza has only POST and GET): it answers the
deleted `Secret` (`{id, name}`), or 404 (code 5) for an id this project has no secret by.
"""

from __future__ import annotations

from fastapi import APIRouter

from ..._secrets import Secret, SecretList
from ...models import MAX_PAGE_SIZE
from .._context import PathId, Project, bounded
from .._guard import StrictJSONRoute
from .._requests import CreateSecretRequest

__all__ = ["router"]

router = APIRouter(tags=["secrets"], route_class=StrictJSONRoute)


@router.post("/v1/secrets")
def create_secret(request: CreateSecretRequest, sb: Project) -> Secret:
    """Store a secret; its value is never returned."""
    return sb.secrets.create(name=request.name, value=request.value)


@router.get("/v1/secrets")
def list_secrets(
    sb: Project, limit: int = MAX_PAGE_SIZE, starting_after: str | None = None
) -> SecretList:
    """A page of secrets (ids and names), oldest first."""
    page = sb.secrets.list(limit, starting_after)
    return SecretList(secrets=bounded(page.secrets))


@router.delete("/v1/secrets/{secret_id}")
def delete_secret(secret_id: PathId, sb: Project) -> Secret:
    """Delete a secret (our extension of the Riza API); answers it as it was: `{id, name}`."""
    return sb.secrets.delete(secret_id)
