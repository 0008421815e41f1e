"""A process forked after it ran guests: refused with a clear error, never a hang."""

from __future__ import annotations

import os

import pytest

from embedsandbox import Sandbox
from embedsandbox.errors import RuntimeUnavailableError


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize(("language", "name"), [("python", "Python"), ("javascript", "JavaScript")])
def test_a_forked_child_is_refused_not_hung(sandbox: Sandbox, language: str, name: str) -> None:
    code = "print(1)" if language == "python" else "console.log(1)"
    sandbox.run_script(language=language, code=code)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what a run does, then leave without cleanup
        try:
            sandbox.run_script(language=language, code=code)
            os.write(write, b"ran")
        except RuntimeUnavailableError as exc:
            os.write(write, b"refused: " + str(exc).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as reader:
        said = reader.read().decode()
    assert said.startswith(f"refused: the {name} engine was ")
    assert "before this process was forked" in said
