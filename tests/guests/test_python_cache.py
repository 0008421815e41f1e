"""The Python engine's compiled files on disk (`_python/_files.py`): what is kept, what goes."""

from __future__ import annotations

import os
from pathlib import Path

from embedsandbox._engines._python import _files

DIGEST = "ab" * 32


def _file(folder: Path, name: str, size: int, age: int = 0) -> Path:
    path = folder / name
    path.write_bytes(b"\0" * size)
    when = 1_700_000_000 - age
    os.utime(path, (when, when))
    return path


def test_other_layouts_and_old_snapshots_go_and_the_current_code_stays(tmp_path: Path) -> None:
    code = _files.compiled_path(tmp_path, DIGEST)
    code.write_bytes(b"code")
    suffix = code.name.removeprefix(f"python-code-{_files._SPLIT_LAYOUT}")
    state = _file(tmp_path, f"python-state-{_files._SPLIT_LAYOUT}-{'1' * 24}{suffix}", 10)
    initial = _file(tmp_path, f"python-state-{_files._SPLIT_LAYOUT}-initial{suffix}", 10)
    stale = [
        _file(tmp_path, f"python-code-s0{suffix}", 10),
        _file(tmp_path, f"python-state-s0-{'2' * 24}{suffix}", 10),
        _file(tmp_path, f"python-state-{_files._SPLIT_LAYOUT}-{'3' * 24}-{'cd' * 16}-x.cwasm", 10),
        _file(tmp_path, f"python-snapshot-{'ab' * 16}-wasmtime49.0.0-fuel-v1.cwasm", 10),
        _file(tmp_path, f"{'ab' * 16}-wasmtime49.0.0-fuel.cwasm", 10),
    ]
    others = [
        _file(tmp_path, "bootstrap-0123.marshal", 10),
        _file(tmp_path, "quickjs-something.cwasm", 10),  # another engine's: not ours to judge
    ]
    assert len(stale) == _files.prune_cache(tmp_path, DIGEST)
    assert all(not path.exists() for path in stale)
    assert all(path.exists() for path in (code, state, initial, *others))


def test_the_least_recently_used_states_go_past_the_cap(tmp_path: Path) -> None:
    suffix = _files.compiled_path(tmp_path, DIGEST).name.removeprefix(
        f"python-code-{_files._SPLIT_LAYOUT}"
    )
    states = [
        _file(tmp_path, f"python-state-{_files._SPLIT_LAYOUT}-{i:024d}{suffix}", 100, age=i)
        for i in range(6)
    ]  # states[0] the most recently used
    _files.touch(states[5])  # used just now: kept
    assert 2 == _files.prune_cache(tmp_path, DIGEST, keep_bytes=450)
    assert [True, True, True, False, False, True] == [path.exists() for path in states]
    assert 0 == _files.prune_cache(tmp_path, DIGEST, keep_bytes=450)


def test_a_missing_cache_folder_is_nothing_to_prune(tmp_path: Path) -> None:
    assert 0 == _files.prune_cache(tmp_path / "nowhere", DIGEST)
