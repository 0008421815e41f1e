"""`Sandbox(engines=...)`: a supplied engine replaces the one the Sandbox would make, for every
language of its family; bad input is refused when the Sandbox is built; `close()` closes it."""

from __future__ import annotations

from typing import Any

import pytest

from embedsandbox.errors import ConfigurationError, SandboxClosedError
from embedsandbox.models import Language
from embedsandbox.testing import FakeEngine, Invocation, RawOutcome

from .conftest import MakeSandbox


class _RunOnly:
    def run(self, invocation: Invocation, /) -> RawOutcome:
        return RawOutcome(0, "", "")


def test_a_family_engine_runs_each_of_its_languages(make_sandbox: MakeSandbox) -> None:
    python, javascript = FakeEngine(), FakeEngine()
    sb = make_sandbox(engines={"python": python, "javascript": javascript})
    sb.run_script(language="python", code="p")
    sb.run_script(language="javascript", code="j")
    sb.run_function(language="typescript", code="t")
    assert [("python", "p", "script")] == [
        (i.language, i.code, i.entry) for i in python.invocations
    ]
    assert [("javascript", "j", "script"), ("typescript", "t", "function")] == [
        (i.language, i.code, i.entry) for i in javascript.invocations
    ]


def test_language_members_are_keys_too(make_sandbox: MakeSandbox) -> None:
    engine = FakeEngine()
    sb = make_sandbox(engines={Language.PYTHON: engine})
    assert 0 == sb.run_script(language="python", code="").exit_code
    assert 1 == len(engine.invocations)


def test_close_closes_supplied_engines_like_an_httpx_client_its_transport(
    make_sandbox: MakeSandbox,
) -> None:
    engine = FakeEngine()
    sb = make_sandbox(engines={"python": engine})
    sb.run_script(language="python", code="")
    sb.close()
    sb.close()  # idempotent
    assert engine.closed
    with pytest.raises(SandboxClosedError):
        sb.run_script(language="python", code="")
    assert 1 == len(engine.invocations)


def test_warmup_and_needs_compile_ask_the_supplied_engine(make_sandbox: MakeSandbox) -> None:
    engine = FakeEngine(compiled=False)
    sb = make_sandbox(engines={"python": engine})
    assert sb.needs_compile("python")
    sb.warmup(["python"])
    assert 1 == engine.warmups


@pytest.mark.parametrize(
    ("engines", "expected"),
    [
        (
            {"perl": FakeEngine()},
            "engines has an unknown language family 'perl'; "
            "expected one of ['javascript', 'php', 'python', 'ruby']",
        ),
        (
            {"typescript": FakeEngine()},
            "engines has an unknown language family 'typescript' (TypeScript runs on the "
            "'javascript' engine); expected one of ['javascript', 'php', 'python', 'ruby']",
        ),
        (
            {"python": object()},
            "engines['python'] is a object, which has no run, warmup, compiled_in_cache, close "
            "method; an engine implements the Engine protocol (run, warmup, compiled_in_cache, "
            "close), see embedsandbox.testing.FakeEngine",
        ),
        (
            {"javascript": _RunOnly()},
            "engines['javascript'] is a _RunOnly, which has no warmup, compiled_in_cache, close "
            "method; an engine implements the Engine protocol (run, warmup, compiled_in_cache, "
            "close), see embedsandbox.testing.FakeEngine",
        ),
        (
            [FakeEngine()],
            "engines must be a mapping from language family to engine, such as "
            "{'python': engine}, not list",
        ),
    ],
    ids=["unknown", "typescript", "no-methods", "run-only", "not-a-mapping"],
)
def test_bad_engines_are_refused(make_sandbox: MakeSandbox, engines: Any, expected: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        make_sandbox(engines=engines)
    assert expected == str(info.value)


def test_fake_engine_refuses_both_handler_and_outcome() -> None:
    with pytest.raises(ConfigurationError, match="a handler or an outcome, not both"):
        FakeEngine(lambda invocation: RawOutcome(0, "", ""), outcome=RawOutcome(0, "", ""))


def test_fake_engine_handler_must_return_an_outcome(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(engines={"python": FakeEngine(lambda invocation: None)})  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="must return a RawOutcome"):
        sb.run_script(language="python", code="")
