"""The README's and docs/' Python examples run as written, and print what they say.

Each ```python block is executed (```py blocks need the network or a real credential and are
only shown). A block's "# -> text" comments are, in order, the whole of what it prints: each
printed line (trailing spaces and blank lines aside) must be the next comment's text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    (page, i, block)
    for page in PAGES
    for i, block in enumerate(re.findall(r"```python\n(.*?)```", page.read_text(), re.S))
]


def test_readme_has_examples() -> None:
    assert any(page.name == "README.md" for page, _, _ in BLOCKS)


@pytest.mark.guest
@pytest.mark.parametrize(
    ("page", "index", "block"),
    BLOCKS,
    ids=[f"{page.stem}-block{i}" for page, i, _ in BLOCKS],
)
def test_example_prints_what_it_says(
    page: Path, index: int, block: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exec(compile(block, str(page), "exec"), {})  # noqa: S102 - our own documentation
    printed = [line.rstrip() for line in capsys.readouterr().out.splitlines() if line.strip()]
    expected = [text.rstrip() for text in re.findall(r"# -> (.*)", block)]
    assert printed == expected
