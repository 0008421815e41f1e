"""The user's cache and data folders for embedsandbox, as platformdirs names them.

On Linux the rule is two environment variables, so it is applied here without importing
platformdirs (about 2 ms of a process's first run); elsewhere platformdirs decides.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["user_cache_dir", "user_data_dir"]

_APP = "embedsandbox"


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
