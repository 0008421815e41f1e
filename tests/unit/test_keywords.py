"""The run methods' keywords are visible to type checkers and match the request models."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import get_type_hints

import pytest
from mypy import api as mypy_api

from embedsandbox import ExecuteFunctionRequest, ExecuteRequest, ExecuteToolRequest
from embedsandbox._keywords import ExecuteFunctionKeywords, ExecuteKeywords, ExecuteToolKeywords

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("keywords", "model"),
    [
        (ExecuteKeywords, ExecuteRequest),
        (ExecuteFunctionKeywords, ExecuteFunctionRequest),
        (ExecuteToolKeywords, ExecuteToolRequest),
    ],
)
def test_each_keyword_set_is_its_models_fields(keywords: type, model: type) -> None:
    assert set(model.model_fields) == set(get_type_hints(keywords))
    assert not keywords.__required_keys__  # a request model may come instead


def test_a_wrong_keyword_or_value_is_a_type_error_and_the_right_ones_are_not(
    tmp_path: Path,
) -> None:
    good = tmp_path / "good.py"
    good.write_text(
        textwrap.dedent(
            """
            from embedsandbox import ExecuteRequest, Sandbox

            async def main(sb: Sandbox) -> None:
                sb.run_script(language="python", code="print(1)", args=["a"], limits={"fuel": 9})
                sb.run_script(ExecuteRequest(language="python", code="1"))
                sb.run_function(language="javascript", code="", input={"a": [1]})
                sb.run_tool("tool_1", input=1, revision_id=None)
                await sb.run_script_async(language="typescript", code="", stdin="x")
            """
        )
    )
    bad = tmp_path / "bad.py"
    bad.write_text(
        textwrap.dedent(
            """
            from embedsandbox import Sandbox

            def main(sb: Sandbox) -> None:
                sb.run_script(langauge="python", code="print(1)")
                sb.run_script(language="pyton", code="1")
                sb.run_function(language="ruby", code="", imput=1)
                sb.run_tool("tool_1", inputs=1)
                sb.run_script(language="python", code=1)
            """
        )
    )
    flags = ["--no-error-summary", "--hide-error-context", "--show-error-codes"]
    out, err, status = mypy_api.run([*flags, str(good)])
    assert 0 == status, out + err
    out, err, status = mypy_api.run([*flags, str(bad)])
    assert 1 == status, out + err
    lines = [line for line in out.splitlines() if "error:" in line]
    found = {int(line.split(":")[1]) for line in lines}
    assert {5, 6, 7, 8, 9} <= found, out  # every bad call, each on its own line
    assert 'Unexpected keyword argument "langauge"' in out
    assert 'Unexpected keyword argument "inputs"' in out
