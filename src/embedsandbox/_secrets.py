"""Secrets: values stored by id on the host side, and `redact()` for text that may hold one.

The Sandbox owns one `SecretStore` (create, list, get, delete). A request names a secret by
id (`secret_id` in `http.allow[].auth`); the egress gateway calls `SecretStore.reveal()` to
inject the value into an outbound request, and nothing else should. A `Secret` carries no
value at all, so printing, logging or returning one cannot leak it. `redact()` is the last
line of defence for text that leaves the host side (stored records, replies to the guest).

Storage sits behind the small `SecretBackend` protocol. `MemorySecretBackend` is the default
of a bare `SecretStore`; a `Sandbox` uses `_store.SqliteSecretBackend`, which keeps the values
in its store (the SQLite file, or memory with `store=None`). Lists are pages (`SecretList`).
"""

from __future__ import annotations

import builtins
import secrets as _random
import threading
from collections.abc import Iterable, Iterator
from typing import AnyStr, Protocol

from pydantic import BaseModel, ConfigDict

from ._validation import check_page
from .errors import NotFoundError, RequestValidationError
from .models import MAX_PAGE_SIZE, _Page

__all__ = [
    "MemorySecretBackend",
    "Secret",
    "SecretBackend",
    "SecretList",
    "SecretStore",
    "redact",
]

MAX_SECRET_NAME_CHARS = 256
"""The longest secret name accepted."""
MAX_SECRET_VALUE_BYTES = 64 << 10
"""The largest secret value accepted, in bytes of UTF-8 (64 KiB)."""


class Secret(BaseModel):
    """A stored secret as the API shows it (Riza's `{id, name}`): the value is never part of it."""

    model_config = ConfigDict(frozen=True)

    id: str
    """The secret's id, `sec_` and 24 hex digits."""
    name: str
    """The name given at creation; not unique."""


class SecretList(_Page):
    """A page of secrets, oldest first (Riza `GET /v1/secrets`: `{"secrets": [...]}`)."""

    secrets: builtins.list[Secret]

    def _items(self) -> builtins.list[Secret]:
        return self.secrets

    def __iter__(self) -> Iterator[Secret]:  # type: ignore[override]
        return iter(self.secrets)

    def __getitem__(self, index: int) -> Secret:
        return self.secrets[index]


class SecretBackend(Protocol):
    """Where a `SecretStore` keeps its secrets. Calls are serialized by the store's lock."""

    def add(self, secret: Secret, value: str, /) -> None:
        """Keep `secret` and its value; the id is new."""

    def get(self, secret_id: str, /) -> tuple[Secret, str] | None:
        """The secret with this id and its value, or None."""

    def delete(self, secret_id: str, /) -> Secret | None:
        """Remove the secret with this id; the removed `Secret`, or None if there was none."""

    def all(self) -> builtins.list[Secret]:
        """Every secret, oldest first."""


class MemorySecretBackend:
    """The default backend: a dict in memory, gone when the process ends."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[Secret, str]] = {}

    def add(self, secret: Secret, value: str, /) -> None:
        """Keep `secret` and its value."""
        self._items[secret.id] = (secret, value)

    def get(self, secret_id: str, /) -> tuple[Secret, str] | None:
        """The secret with this id and its value, or None."""
        return self._items.get(secret_id)

    def delete(self, secret_id: str, /) -> Secret | None:
        """Remove the secret with this id; the removed `Secret`, or None."""
        found = self._items.pop(secret_id, None)
        return None if found is None else found[0]

    def all(self) -> builtins.list[Secret]:
        """Every secret, in creation order."""
        return [secret for secret, _ in self._items.values()]

    def __repr__(self) -> str:
        return f"MemorySecretBackend({len(self._items)} secrets)"


class SecretStore:
    """Secret values by id, thread-safe. Only `reveal()` gives a value, for the egress gateway.

    Args:
        backend: Where the secrets live; default a new `MemorySecretBackend`.

    """

    def __init__(self, backend: SecretBackend | None = None) -> None:
        self._backend: SecretBackend = backend if backend is not None else MemorySecretBackend()
        self._lock = threading.Lock()

    def create(self, name: str, value: str) -> Secret:
        """Store `value` under a new id and return the `Secret` (id and name only).

        Raises:
            RequestValidationError: the name is empty or too long, or the value is empty, too
                large or not a string. The message never contains the value.

        """
        errors = []
        if (
            not isinstance(name, str)
            or not name
            or len(name) > MAX_SECRET_NAME_CHARS
            or not _is_unicode(name)
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name)
        ):
            errors.append(
                {
                    "loc": ("name",),
                    "msg": f"a secret name must be a string of 1 to {MAX_SECRET_NAME_CHARS} "
                    "characters of valid Unicode, without control characters",
                    "type": "value_error",
                }
            )
        if not isinstance(value, str) or not value:
            errors.append(
                {
                    "loc": ("value",),
                    "msg": "a secret value must be a non-empty string",
                    "type": "value_error",
                }
            )
        elif not _is_unicode(value):
            errors.append(
                {
                    "loc": ("value",),
                    "msg": "a secret value must be valid Unicode (no lone surrogates)",
                    "type": "value_error",
                }
            )
        elif len(value.encode("utf-8", "surrogatepass")) > MAX_SECRET_VALUE_BYTES:
            errors.append(
                {
                    "loc": ("value",),
                    "msg": f"a secret value may be at most {MAX_SECRET_VALUE_BYTES} bytes",
                    "type": "value_error",
                }
            )
        if errors:
            msg = "invalid secret: " + "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in errors)
            raise RequestValidationError(msg, errors)
        secret = Secret(id=f"sec_{_random.token_hex(12)}", name=name)
        with self._lock:
            self._backend.add(secret, value)
        return secret

    def list(self, limit: int = MAX_PAGE_SIZE, starting_after: str | None = None) -> SecretList:
        """A page of secrets (ids and names only), oldest first; it iterates like a list.

        Args:
            limit: How many at most, 1 to 100 (default 100).
            starting_after: The last id of the previous page (`page.next_starting_after`).

        Raises:
            RequestValidationError: `limit` is out of range.
            NotFoundError: `starting_after` names no secret.

        """
        limit, starting_after = check_page(limit, starting_after)
        with self._lock:
            every = self._backend.all()
        start = 0
        if starting_after is not None:
            ids = [secret.id for secret in every]
            if starting_after not in ids:
                msg = f"starting_after {starting_after!r} names no secret"
                raise NotFoundError(msg)
            start = ids.index(starting_after) + 1
        return SecretList(secrets=every[start : start + limit])

    def get(self, secret_id: str) -> Secret:
        """The secret with this id (no value).

        Raises:
            NotFoundError: no secret has this id.

        """
        return self._lookup(secret_id)[0]

    def delete(self, secret_id: str) -> Secret:
        """Delete the secret with this id, value and all; return it (id and name).

        Our extension: Riza's API has no delete for secrets. A run, tool call or session call
        that names the id afterwards is refused as for an id that never existed
        (`NotFoundError`, "secret ... does not exist"). Stored executions keep the id they
        named, never a value, so there is nothing else to remove.

        Raises:
            NotFoundError: no secret has this id.

        """
        with self._lock:
            found = self._backend.delete(secret_id) if isinstance(secret_id, str) else None
        if found is None:
            msg = f"secret {secret_id!r} does not exist; list them with secrets.list()"
            raise NotFoundError(msg)
        return found

    def reveal(self, secret_id: str) -> str:
        """The secret's value. For the egress gateway only: never print, log or return it.

        Raises:
            NotFoundError: no secret has this id.

        """
        return self._lookup(secret_id)[1]

    def _lookup(self, secret_id: str) -> tuple[Secret, str]:
        with self._lock:
            found = self._backend.get(secret_id) if isinstance(secret_id, str) else None
        if found is None:
            msg = f"secret {secret_id!r} does not exist; create it first (secrets.create)"
            raise NotFoundError(msg)
        return found

    def __repr__(self) -> str:
        return f"SecretStore({self._backend!r})"


REDACTED = "***"
"""What `redact()` puts where a secret was, unless a secret contains '*' (see `redact`)."""

_STR_MARKERS = ("***", "###", "~~~", "\u2022\u2022\u2022")
_BYTES_MARKERS = (b"***", b"###", b"~~~", b"???")


def redact(text: str, values: Iterable[str]) -> str:
    """`text` with every occurrence of each non-empty value in `values` replaced by `***`.

    Overlapping and adjacent occurrences become one marker. The marker is made of a character
    that no value contains (`*` unless a value has one; then `#`, `~`, ... ), so a marker and
    its neighbours can never spell a secret again: no value occurs in the result, and
    `redact(redact(t, v), v) == redact(t, v)`. Empty values are ignored.
    """
    needles = sorted({value for value in values if value}, key=len, reverse=True)
    if not needles or not text:
        return text
    return _redact(text, needles, _str_marker(needles))


def redact_bytes(data: bytes, values: Iterable[bytes]) -> bytes:
    """The bytes twin of `redact()`, for bodies of HTTP responses."""
    needles = sorted({value for value in values if value}, key=len, reverse=True)
    if not needles or not data:
        return data
    marker = _bytes_marker(needles)
    if marker is None:
        # Every byte value occurs in some secret: delete occurrences until none is left.
        # Each pass shortens the data, so this ends.
        while True:
            out = _redact(data, needles, b"")
            if out == data:
                return out
            data = out
    return _redact(data, needles, marker)


def _str_marker(needles: builtins.list[str]) -> str:
    used = set().union(*needles)
    for marker in _STR_MARKERS:
        if marker[0] not in used:
            return marker
    code = 0x2580  # block elements and on: some code point is always free, values are finite
    while chr(code) in used:
        code += 1
    return chr(code) * 3


def _bytes_marker(needles: builtins.list[bytes]) -> bytes | None:
    used: set[int] = set().union(*needles)
    for marker in _BYTES_MARKERS:
        if marker[0] not in used:
            return marker
    for byte in range(256):
        if byte not in used:
            return bytes([byte]) * 3
    return None


def _redact(text: AnyStr, needles: builtins.list[AnyStr], marker: AnyStr) -> AnyStr:
    spans: builtins.list[tuple[int, int]] = []
    for needle in needles:
        start = text.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
    if not spans:
        return text
    spans.sort()
    parts: builtins.list[AnyStr] = []
    kept = 0  # text[kept:] is not yet copied
    cur_start, cur_end = spans[0]
    for start, end in spans[1:]:
        if start <= cur_end:  # overlapping or adjacent: one marker
            cur_end = max(cur_end, end)
            continue
        parts += [text[kept:cur_start], marker]
        kept, (cur_start, cur_end) = cur_end, (start, end)
    parts += [text[kept:cur_start], marker, text[cur_end:]]
    return text[:0].join(parts)


def _is_unicode(text: str) -> bool:
    # A lone surrogate (from a JSON "\ud800" escape) is a str but not storable UTF-8.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
