"""Threat: a guest that talks to the host door itself, with messages built to hurt the host.

The door (`_host.call` in Python, the prelude's host function in JavaScript) is guest input:
a message the host cannot read, one nested deeper than the host's JSON parser recurses, or one
far larger than any real request must give the guest an error or an `error` output status,
never an exception in the caller and never unbounded host memory.
"""

from __future__ import annotations

import pytest

from embedsandbox import Sandbox
from embedsandbox.models import LimitHit, OutputStatus

pytestmark = pytest.mark.guest

DEEP = 200_000


@pytest.mark.parametrize(
    "message",
    [
        # a result whose output is JSON nested deeper than the host's parser recurses
        '"result:valid:" + "[" * N + "]" * N',
        # the message itself nested that deep
        '"[" * N + "]" * N',
        # not JSON, not UTF-8
        'b"\\xff\\xfe{"',
        # an HTTP message nested that deep
        '\'host:{"op": "http", "url": "http://x.test/", "headers": \' + "[" * N + "]" * N + "}"',
    ],
)
def test_python_door_messages_never_raise_on_the_host(sandbox: Sandbox, message: str) -> None:
    code = (
        "import _host, json\n"
        f"N = {DEEP}\n"
        "def execute(input):\n"
        f"    m = {message}\n"
        "    reply = _host.call(m if isinstance(m, bytes) else m.encode())\n"
        "    return 'answered'\n"
    )
    result = sandbox.run_function(language="python", code=code)
    # Either the forged result was refused as unreadable, or the function's own return won.
    assert result.output_status in (OutputStatus.VALID, OutputStatus.JSON_SERIALIZATION_ERROR)
    if result.output_status is OutputStatus.VALID:
        assert result.output == "answered"


def test_python_door_refuses_a_huge_message_unread(sandbox: Sandbox) -> None:
    code = (
        "import _host, json\n"
        "reply = json.loads(_host.call(b'host:[' + b'[],' * (6 << 20) + b'[]]'))\n"
        "print(reply['error'])\n"
    )
    result = sandbox.run_script(language="python", code=code, limits={"memory_size": 256})
    assert 0 == result.exit_code, result.stderr
    assert "over its cap of 16777216" in result.stdout


@pytest.mark.parametrize("language", ["python", "javascript"])
def test_a_functions_output_is_capped_like_a_stream(sandbox: Sandbox, language: str) -> None:
    code = {
        "python": "def execute(input):\n    return 'x' * input",
        "javascript": "function execute(input) { return 'x'.repeat(input) }",
    }[language]
    small = sandbox.run_function(
        language=language, code=code, input=900, limits={"output_bytes": 1000}
    )
    assert small.output_status is OutputStatus.VALID and small.output == "x" * 900
    big = sandbox.run_function(
        language=language, code=code, input=5000, limits={"output_bytes": 1000}
    )
    assert big.output_status is OutputStatus.ERROR and big.output is None
    assert big.execution.limit_hit is LimitHit.OUTPUT_SIZE
    assert big.execution.exit_code == 1
    assert "output_bytes of 1000" in big.execution.stderr
