"""Checks on a run's outcome shared by the resource threat tests of every language."""

from __future__ import annotations

from typing import Any

KIB, MIB = 1 << 10, 1 << 20
DISK_LINE = (
    "embedsandbox: the run was ended by its limit: disk_bytes of {} bytes / disk_files of {} files"
)


def ended_by_disk(result: Any, disk_bytes: int = 64 * MIB, disk_files: int = 10_000) -> None:
    """The run was ended by the disk quota, said so on stderr, and exited 1."""
    assert "disk_size" == result.limit_hit, (result.stdout, result.stderr)
    assert 1 == result.exit_code
    assert DISK_LINE.format(disk_bytes, disk_files) in result.stderr


def fine(result: Any) -> None:
    """The run finished by itself: exit 0, no limit."""
    assert result.limit_hit is None, result.stderr
    assert 0 == result.exit_code, result.stderr
