"""The smolagents executor (`embedsandbox.integrations.smolagents`) under a real `CodeAgent`,
driven by a scripted model that returns fixed code steps: variables persist between steps in
one Python session, tools run in the guest, `final_answer` ends the run, and an error or a
limit in a step is shown to the model for its next step instead of ending the agent."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("smolagents")

from smolagents import CodeAgent, tool
from smolagents.memory import ActionStep
from smolagents.models import ChatMessage, MessageRole, Model
from smolagents.monitoring import AgentLogger, LogLevel
from smolagents.utils import AgentError

from embedsandbox import EgressOptions, Sandbox
from embedsandbox.integrations.smolagents import SandboxExecutor
from embedsandbox.testing import MockUpstream, UpstreamRequest, UpstreamResponse

TOKEN = "tok-smol-5c1f0e9d8b7a6f4e3d2c"
QUIET = AgentLogger(level=LogLevel.OFF)


class ScriptedModel(Model):
    """A model that answers each step with the next fixed piece of code (no network)."""

    def __init__(self, steps: list[str]) -> None:
        super().__init__(model_id="scripted")
        self.steps = iter(steps)
        self.seen: list[str] = []

    def generate(
        self, messages: list[Any], stop_sequences: Any = None, **kwargs: Any
    ) -> ChatMessage:
        last = messages[-1]
        content = last.content if hasattr(last, "content") else last["content"]
        self.seen.append(content if isinstance(content, str) else str(content))
        code = next(self.steps)
        return ChatMessage(
            role=MessageRole.ASSISTANT, content=f"Thought: next.\n<code>\n{code}\n</code>"
        )


@tool
def multiply(a: int, b: int) -> int:
    """Multiply two integers.

    Args:
        a: The first factor.
        b: The second factor.
    """
    return a * b


def observations(agent: CodeAgent) -> list[str]:
    return [
        str(step.observations if step.error is None else step.error)
        for step in agent.memory.steps
        if isinstance(step, ActionStep)
    ]


@pytest.fixture
def executor(sandbox: Sandbox) -> Iterator[SandboxExecutor]:
    made = SandboxExecutor(sandbox, logger=QUIET, limits={"execution_timeout": 5})
    yield made
    made.cleanup()


def test_smolagents_is_not_imported_by_embedsandbox() -> None:
    probe = "import sys, embedsandbox; print('smolagents' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.guest
def test_a_code_agent_runs_its_steps_in_one_session(executor: SandboxExecutor) -> None:
    model = ScriptedModel(
        [
            "import numpy as np\nx = int(np.arange(7).sum())\nprint('x is', x)",
            "y = multiply(x, 2)\ny",
            "final_answer({'answer': y, 'squares': [i * i for i in range(3)]})",
        ]
    )
    agent = CodeAgent(tools=[multiply], model=model, executor=executor, logger=QUIET, max_steps=5)
    result = agent.run("What is twice the sum of 0..6?")
    assert result == {"answer": 42, "squares": [0, 1, 4]}
    first, second, _ = observations(agent)
    assert "x is 21" in first
    assert "Last output from code snippet:\n42" in second
    assert executor.session.info().calls >= 3


@pytest.mark.guest
def test_an_error_goes_back_to_the_model_and_the_run_goes_on(executor: SandboxExecutor) -> None:
    model = ScriptedModel(
        [
            "z = 5\nprint('before')\n1 / 0",
            "def broken(:\n    pass",
            "final_answer(z + 1)",
        ]
    )
    agent = CodeAgent(tools=[], model=model, executor=executor, logger=QUIET, max_steps=5)
    assert agent.run("go") == 6
    error, syntax, _ = observations(agent)
    assert "before" in error and "ZeroDivisionError: division by zero" in error
    assert "__embedsandbox_step__" not in error  # our helper's frame is not shown
    assert "SyntaxError" in syntax
    assert "ZeroDivisionError" in model.seen[1]  # the model saw the error


@pytest.mark.guest
def test_a_limit_ends_the_guest_and_the_next_step_gets_a_new_one(executor: SandboxExecutor) -> None:
    model = ScriptedModel(
        [
            "w = 1\nwhile True:\n    pass",
            "final_answer(multiply(6, 7) if 'w' not in globals() else -1)",
        ]
    )
    agent = CodeAgent(tools=[multiply], model=model, executor=executor, logger=QUIET, max_steps=4)
    assert agent.run("go") == 42  # the tools were sent again; w is gone
    assert "execution_timeout limit" in observations(agent)[0]
    assert "variables of earlier steps are gone" in observations(agent)[0]


@pytest.mark.guest
def test_state_is_sent_as_variables(executor: SandboxExecutor) -> None:
    model = ScriptedModel(["final_answer(numbers[-1] * factor)"])
    agent = CodeAgent(tools=[], model=model, executor=executor, logger=QUIET, max_steps=2)
    assert agent.run("go", additional_args={"numbers": [1, 2, 21], "factor": 2}) == 42


@pytest.mark.guest
def test_bad_code_from_a_model_is_an_agent_error(executor: SandboxExecutor) -> None:
    with pytest.raises(AgentError, match="at most 262144 bytes"):
        executor("x = 1\n" * 100_000)
    with pytest.raises(AgentError, match="must be a string"):
        executor(42)  # type: ignore[arg-type]
    assert executor("1 + 1").output == 2


@pytest.mark.guest
def test_the_guest_has_no_pip_and_says_which_packages_it_lacks(executor: SandboxExecutor) -> None:
    assert executor.install_packages(["numpy", "surely_not_a_module"]) == [
        "numpy",
        "surely_not_a_module",
    ]


@pytest.mark.guest
def test_an_injected_credential_never_reaches_the_model(tmp_path: Any) -> None:
    def echo(request: UpstreamRequest) -> UpstreamResponse:
        return UpstreamResponse.with_json({"auth": request.header("Authorization")})

    upstream = MockUpstream(handler=echo)
    allow = {"allow": [{"host": "api.example.com", "auth": {"bearer": {"token": TOKEN}}}]}
    model = ScriptedModel(
        [
            "import urllib.request, os\n"
            "body = urllib.request.urlopen('https://api.example.com/').read().decode()\n"
            "print(body, dict(os.environ))",
            "final_answer(body)",
        ]
    )
    with Sandbox(store=None, egress=EgressOptions(upstream=upstream)) as sb:
        executor = SandboxExecutor(sb, logger=QUIET, http=allow)
        agent = CodeAgent(tools=[], model=model, executor=executor, logger=QUIET, max_steps=3)
        answer = agent.run("go")
        executor.cleanup()
    assert upstream.requests[0].header("Authorization") == f"Bearer {TOKEN}"
    assert "Bearer ***" in answer
    assert TOKEN not in answer + "".join(observations(agent)) + "".join(model.seen)
