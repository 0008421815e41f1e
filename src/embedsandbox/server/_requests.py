"""Request bodies only the server defines: the library takes these as keyword arguments.

The bodies of the runs and tools routes are the library's own request models (`models`);
secrets and runtimes are created through keyword calls (`sb.secrets.create(name=, value=)`),
so their bodies are declared here, strictly: unknown fields, wrong JSON types and text that
is not valid Unicode are refused with a 400 before the library is called.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Strict, StrictInt

from .._secrets import MAX_SECRET_NAME_CHARS, MAX_SECRET_VALUE_BYTES
from ..models import ManifestFile
from ..models import _text as text_check

__all__ = ["CreateRevisionRequest", "CreateRuntimeRequest", "CreateSecretRequest"]

# Generous byte caps against abuse; the library checks the finer rules (a secret name's
# characters, a runtime name's 255 characters) and says so in its own words.
_SecretName = Annotated[
    str, Strict(), AfterValidator(text_check(4 * MAX_SECRET_NAME_CHARS, "the secret name"))
]
_SecretValue = Annotated[
    str, Strict(), AfterValidator(text_check(MAX_SECRET_VALUE_BYTES, "the secret value"))
]
_RuntimeName = Annotated[str, Strict(), AfterValidator(text_check(1 << 10, "the runtime name"))]
_Imports = Annotated[str, Strict(), AfterValidator(text_check(64 << 10, "the imports"))]


class CreateSecretRequest(BaseModel):
    """Create a secret (`POST /v1/secrets`); the value is never returned."""

    model_config = ConfigDict(extra="forbid")
    name: _SecretName
    value: _SecretValue


class CreateRuntimeRequest(BaseModel):
    """Create a runtime (`POST /v1/runtimes`)."""

    model_config = ConfigDict(extra="forbid")
    name: _RuntimeName
    language: Literal["python", "javascript"]
    manifest_file: ManifestFile
    additional_python_imports: _Imports | None = None
    engine: Literal["wasi", "microvm", "v8"] | None = None
    """Riza's engines; only `wasi` is served (another is a 400)."""
    # Strict: `true` or `"2"` is not a count. The range is checked by `Runtimes.create`.
    min_cached_instances: StrictInt | None = None
    max_cached_instances: StrictInt | None = None


class CreateRevisionRequest(BaseModel):
    """Make a runtime revision (`POST /v1/runtimes/{id}/revisions`)."""

    model_config = ConfigDict(extra="forbid")
    manifest_file: ManifestFile
    additional_python_imports: _Imports | None = None
