"""`_core/_outfiles.py`: glob matching, host folders with links and special files, the caps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedsandbox._engines._base import RawOutcome, RunLimits
from embedsandbox._engines._core._outfiles import (
    MAX_LEFT_OUT,
    Entry,
    collect,
    folder_entries,
    matches,
)

_PART = st.text(alphabet="abc.-_", min_size=1, max_size=5)


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("a.png", "*.png", True),
        ("d/a.png", "*.png", False),  # `*` stays within one part
        ("d/a.png", "**/*.png", True),
        ("a.png", "**/*.png", True),  # `**` may be no part at all
        ("out/x/y.txt", "out/**", True),
        ("outside.txt", "out/**", False),
        ("a1.txt", "a?.txt", True),
        ("ab.txt", "a[0-9].txt", False),
    ],
)
def test_globs_match_as_documented(path: str, pattern: str, expected: bool) -> None:
    assert expected == matches(path, pattern)


@given(st.lists(_PART, min_size=1, max_size=4))
def test_every_path_matches_itself_and_double_star(parts: list[str]) -> None:
    path = "/".join(parts)
    assert matches(path, path.replace("[", "[[]")) and matches(path, "**")


def test_a_folder_lists_links_and_fifos_as_not_regular(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.txt").write_text("x")
    secret = tmp_path.parent / "secret.txt"
    secret.write_text("host file")
    (tmp_path / "link.txt").symlink_to(secret)
    (tmp_path / "dirlink").symlink_to(tmp_path.parent)
    os.mkfifo(tmp_path / "pipe")
    raw = RawOutcome(0, "", "")
    collect(folder_entries(tmp_path), ("**",), RunLimits(1, 1, None, 1), raw)
    assert [("d/f.txt", b"x")] == raw.files
    assert {
        ("link.txt", "not a regular file"),
        ("dirlink", "not a regular file"),
        ("pipe", "not a regular file"),
    } == set(raw.files_left_out)


def test_files_past_a_cap_are_never_read_and_all_are_counted() -> None:
    def never() -> bytes:
        raise AssertionError("read a file that does not fit")

    entries = [Entry(f"f{i:04}", 10**9, never) for i in range(MAX_LEFT_OUT + 50)]
    raw = RawOutcome(0, "", "")
    collect(entries, ("*",), RunLimits(1, 1, None, 1), raw)
    assert [] == raw.files
    assert (MAX_LEFT_OUT, MAX_LEFT_OUT + 50) == (len(raw.files_left_out), raw.files_left_out_count)
