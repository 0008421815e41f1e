"""The README's Python examples run as written (each ```python block is executed; ```py
blocks need the network or a real credential and are only shown)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_has_examples() -> None:
    assert BLOCKS


@pytest.mark.guest
@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(block: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(block, str(README), "exec"), {})  # noqa: S102 - our own documentation
    out = capsys.readouterr().out
    # Every "# -> text" comment in a block is a line the block prints.
    for expected in re.findall(r"# -> (.*)", block):
        assert expected in out
