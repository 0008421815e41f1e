"""The host key that encrypts secret values at rest (AES-256-GCM), and where it comes from.

In order: the environment variable `EMBEDSANDBOX_SECRET_KEY` (32 bytes, base64); else the
file `secret.key` beside the store file (for a PostgreSQL store, in the data folder: every
server of one database needs the same key, so set the variable there), created mode 0600 on
first use (base64, one line);
for an in-memory store, a key made for that store and never written anywhere. Each value is
sealed with a fresh 96-bit nonce and its secret's id as associated data, so a value copied
into another row does not decrypt. Neither the key nor a value is ever logged or put in a
message.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import SecretKeyError

__all__ = ["KEY_ENV", "KEY_FILE_NAME", "HostKey"]

KEY_ENV: Final = "EMBEDSANDBOX_SECRET_KEY"
"""The environment variable that holds the host key (base64 of 32 bytes)."""
KEY_FILE_NAME: Final = "secret.key"
"""The key file's name, in the store file's folder."""

_NONCE_BYTES: Final = 12
_KEY_BYTES: Final = 32


def _decode_key(text: str, where: str) -> bytes:
    key = b""
    for alphabet in (None, b"-_"):  # standard or URL-safe base64
        try:
            key = base64.b64decode(text.strip(), altchars=alphabet, validate=True)
            break
        except (binascii.Error, ValueError):
            continue
    if len(key) != _KEY_BYTES:
        msg = f"the secret key in {where} is not 32 bytes in base64"
        raise SecretKeyError(msg)
    return key


class HostKey:
    """One store's key: `seal(secret_id, value)` and `open(secret_id, sealed)`."""

    def __init__(self, key: bytes, where: str) -> None:
        self._aead = AESGCM(key)
        self.where = where
        """Where the key came from (the variable's name or the file's path), for messages."""

    @classmethod
    def for_folder(cls, folder: Path | None, *, create: bool) -> HostKey:
        """The key of a store whose key file is in `folder` (None: an in-memory store).

        `create`: whether a missing key file may be made (not when the store already holds
        encrypted values: a new key could not read them).

        Raises:
            SecretKeyError: the variable or file does not hold a 32-byte base64 key, the key
                file is readable by others, or it is missing while values need it.

        """
        env = os.environ.get(KEY_ENV)
        if env:
            return cls(_decode_key(env, f"${KEY_ENV}"), f"${KEY_ENV}")
        if folder is None:
            return cls(AESGCM.generate_key(bit_length=256), "an in-memory key")
        path = folder / KEY_FILE_NAME
        return cls(_key_file(path, create=create), str(path))

    def seal(self, secret_id: str, value: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), secret_id.encode("utf-8"))
        return base64.b64encode(nonce + sealed).decode("ascii")

    def seal_bytes(self, data: bytes, purpose: bytes) -> bytes:
        """`data` encrypted and authenticated (nonce first); `purpose` is the associated data."""
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data, purpose)

    def open_bytes(self, sealed: bytes, purpose: bytes) -> bytes | None:
        """`seal_bytes`'s data again; None if they were changed or sealed otherwise."""
        try:
            return self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], purpose)
        except (InvalidTag, ValueError):
            return None

    def open(self, secret_id: str, sealed: str) -> str:
        """The value sealed for `secret_id`.

        Raises:
            SecretKeyError: this key (or this row) is not the one the value was sealed with.

        """
        try:
            raw = base64.b64decode(sealed, validate=True)
            plain = self._aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], secret_id.encode("utf-8")
            )
            return plain.decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError, UnicodeDecodeError):
            msg = (
                f"secret {secret_id!r} cannot be decrypted with the key from {self.where}: "
                f"the store's values were encrypted with another key; set ${KEY_ENV} or "
                f"restore the {KEY_FILE_NAME} file they were written with"
            )
            raise SecretKeyError(msg) from None


def _key_file(path: Path, *, create: bool) -> bytes:
    for _ in range(50):  # another process may be writing the file right now
        try:
            st = path.lstat()
        except FileNotFoundError:
            if not create:
                msg = (
                    f"the store holds encrypted secret values but its key file {path} is "
                    f"missing; restore it or set ${KEY_ENV} to the key they were written with"
                )
                raise SecretKeyError(msg) from None
            _make_key_file(path)  # then read back: ours, or another process's
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            msg = f"refusing the secret key file {path}: it must be this user's, mode 0600"
            raise SecretKeyError(msg)
        try:
            text = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"the secret key file {path} cannot be read: {type(exc).__name__}"
            raise SecretKeyError(msg) from None
        return _decode_key(text, str(path))
    msg = f"the secret key file {path} could not be created"
    raise SecretKeyError(msg)


def _make_key_file(path: Path) -> bool:
    """Write a new key to `path` unless one is there (made complete, then linked in place)."""
    key = base64.b64encode(AESGCM.generate_key(bit_length=256)) + b"\n"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"the secret key file {path} cannot be created: {exc.strerror}"
        raise SecretKeyError(msg) from None
    fd, temp = tempfile.mkstemp(prefix=".secret-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.link(temp, path)
            return True
        return False
    except OSError as exc:
        msg = f"the secret key file {path} cannot be created: {exc.strerror}"
        raise SecretKeyError(msg) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
