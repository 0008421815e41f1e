"""Every folder and file embedsandbox keeps, in one place: one reading of `$EMBEDSANDBOX_HOME`.

With `EMBEDSANDBOX_HOME` set (and not blank), everything lives under it:

    $EMBEDSANDBOX_HOME/cache/            compiled interpreters and guest states (`cache_dir`)
    $EMBEDSANDBOX_HOME/store.sqlite3     the default store (`store_path`)
    $EMBEDSANDBOX_HOME/keys.sqlite3      the server's API keys (`data_dir`)
    $EMBEDSANDBOX_HOME/projects/<p>/     other projects' stores
    $EMBEDSANDBOX_HOME/runtimes/         built runtime revisions (`runtimes_dir`)

Without it, the cache is the user's cache folder and the rest the user's data folder, as
platformdirs names them. On Linux that rule is two environment variables, so it is applied
here without importing platformdirs (about 2 ms of a process's first run); elsewhere
platformdirs decides. Each function reads the environment when called, so a process (or a
test) that sets the variable later is followed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = [
    "STORE_FILE_NAME",
    "cache_dir",
    "data_dir",
    "runtimes_dir",
    "store_path",
    "user_cache_dir",
    "user_data_dir",
]

_APP = "embedsandbox"
STORE_FILE_NAME = "store.sqlite3"


def _home() -> Path | None:
    home = os.environ.get("EMBEDSANDBOX_HOME", "")
    return Path(home) if home.strip() else None


def _xdg(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable, "")
    return Path(value if value.strip() else os.path.expanduser(fallback)) / _APP


def user_cache_dir() -> Path:
    """platformdirs.user_cache_dir("embedsandbox")."""
    if sys.platform == "linux":
        return _xdg("XDG_CACHE_HOME", "~/.cache")
    import platformdirs

    return Path(platformdirs.user_cache_dir(_APP))


def user_data_dir() -> Path:
    """platformdirs.user_data_dir("embedsandbox")."""
    if sys.platform == "linux":
        return _xdg("XDG_DATA_HOME", "~/.local/share")
    import platformdirs

    return Path(platformdirs.user_data_dir(_APP))


def cache_dir() -> Path:
    """Where compiled interpreters are cached: `$EMBEDSANDBOX_HOME/cache`, else the user cache."""
    home = _home()
    return home / "cache" if home is not None else user_cache_dir()


def data_dir() -> Path:
    """`$EMBEDSANDBOX_HOME`, else the user data folder: the default store and keys live here."""
    home = _home()
    return home if home is not None else user_data_dir()


def store_path() -> Path:
    """The default store: `store.sqlite3` in `data_dir()`."""
    return data_dir() / STORE_FILE_NAME


def runtimes_dir() -> Path:
    """Where built runtime revisions are kept: `runtimes` in `data_dir()`."""
    return data_dir() / "runtimes"
