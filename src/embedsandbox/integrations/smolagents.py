"""A smolagents executor: a `CodeAgent`'s code runs in a Python session of this process's Sandbox.

    from smolagents import CodeAgent
    from embedsandbox import Sandbox
    from embedsandbox.integrations.smolagents import SandboxExecutor

    with Sandbox() as sb:
        agent = CodeAgent(tools=[], model=model, executor=SandboxExecutor(sb))
        agent.run("What is the 20th Fibonacci number?")
        agent.cleanup()   # closes the session

`SandboxExecutor` implements smolagents' remote-executor interface (`RemotePythonExecutor`):
`send_tools` sends the agent's tools as source code, `send_variables` its state (JSON-safe
values only, never pickle), and each step's code runs in one kept guest, so variables,
imports and functions persist between steps as in smolagents' own executors. The value of a
step's last expression is its output; `final_answer(...)` ends the run through smolagents'
`FinalAnswerException` protocol. An error in the code (or a limit it hits) is an `AgentError`
whose message holds the step's printed output and the traceback, which the agent shows the
model for its next step. A step that hits a limit ends the guest: the next step gets a new
one with the tools sent again (variables of earlier steps are gone, and the error says so).

The guest is the Sandbox's Python (CPython compiled to WebAssembly with numpy, pandas, ...):
no pip (tools' `requirements` must be among its packages), no network unless `http` allows
hosts, whose credentials the gateway injects and redacts.

Install with `pip install 'embedsandbox[smolagents]'`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smolagents.local_python_executor import CodeOutput
from smolagents.monitoring import AgentLogger, LogLevel
from smolagents.remote_executors import RemotePythonExecutor
from smolagents.serialization import SafeSerializer
from smolagents.tools import Tool
from smolagents.utils import AgentError

from .._sandbox import Sandbox
from .._sessions import Session
from ..errors import EmbedSandboxError, SessionClosedError
from ..models import HTTP, Limits, SessionLimits
from ._common import DEFAULT_MAX_CODE_BYTES

__all__ = ["SandboxExecutor"]

_STEP = "__embedsandbox_step__"

# Defined in the guest before each step (cheap): runs the step in the session's globals, the
# last expression's value as the output, `FinalAnswerException` as the final answer.
_HELPER = f"""
def {_STEP}(input):
    import ast, json, traceback
    namespace = globals()

    def report(exc):
        frames = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
        return "".join(traceback.format_exception(type(exc), exc, frames))

    try:
        tree = ast.parse(input["code"], "<step>")
    except SyntaxError as exc:
        return {{"error": "".join(traceback.format_exception_only(type(exc), exc))}}
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    try:
        exec(compile(tree, "<step>", "exec"), namespace)
        value = None if last is None else eval(compile(last, "<step>", "eval"), namespace)
    except BaseException as exc:
        if type(exc).__name__ == "FinalAnswerException":
            return {{"final": exc.value}}
        return {{"error": report(exc)}}
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        value = repr(value)
    return {{"output": value}}
"""


class SandboxExecutor(RemotePythonExecutor):
    """Runs a `CodeAgent`'s code in a Python session of `sandbox` (`CodeAgent(executor=...)`).

    Args:
        sandbox: The `Sandbox` whose Python guest runs the code.
        logger: smolagents' `AgentLogger`; default one at INFO level.
        http: The guest's network policy (`{"allow": [{"host": ..., "auth": ...}]}`); None:
            no network.
        limits: Each step's limits (`execution_timeout`, default 60 s; `fuel`; output).
        session_limits: The whole session's (memory, calls, idle time, lifetime).
        env: The guest's environment variables.
        max_code_bytes: The most code one step may send (default 256 KiB).

    The session starts with the first call and ends with `cleanup()` (which `CodeAgent.cleanup`
    calls). Thread-safe as sessions are: one step at a time.

    """

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        logger: AgentLogger | None = None,
        http: HTTP | Mapping[str, Any] | None = None,
        limits: Limits | Mapping[str, Any] | None = None,
        session_limits: SessionLimits | Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        max_code_bytes: int = DEFAULT_MAX_CODE_BYTES,
    ) -> None:
        # Never pickle: what the guest sends back is untrusted.
        super().__init__([], logger or AgentLogger(level=LogLevel.INFO), allow_pickle=False)
        self.sandbox = sandbox
        self._http = HTTP.model_validate(http) if isinstance(http, Mapping) else http
        self._limits = Limits.model_validate(limits) if isinstance(limits, Mapping) else limits
        self._session_limits = (
            SessionLimits.model_validate(session_limits)
            if isinstance(session_limits, Mapping)
            else session_limits
        )
        self._env = dict(env or {})
        self._max_code_bytes = max_code_bytes
        self._session: Session | None = None
        self._tools_code: str | None = None

    # -- the session ---------------------------------------------------------------------

    @property
    def session(self) -> Session:
        """The guest's session, started when first needed (again after one ended)."""
        if self._session is None or self._session.closed:
            self._session = self.sandbox.session(
                language="python",
                http=self._http,
                limits=self._limits,
                session_limits=self._session_limits,
                env=self._env,
            )
            if self._tools_code is not None:
                self._step(self._tools_code)
        return self._session

    def cleanup(self) -> None:
        """Close the session (a later step starts a new one)."""
        if self._session is not None:
            self._session.close()
            self._session = None

    # -- RemotePythonExecutor ------------------------------------------------------------

    def send_tools(self, tools: dict[str, Tool]) -> None:
        """Define the agent's tools in the guest (their source), `final_answer` patched."""
        from smolagents.tools import get_tools_definition_code

        # As RemotePythonExecutor.send_tools does, keeping the code to send again to a new
        # guest after a step that ended one.
        if "final_answer" in tools:
            self._patch_final_answer_with_exception(tools["final_answer"])
        wanted = {
            package
            for tool in tools.values()
            for package in tool.to_dict()["requirements"]
            if package not in [*self.installed_packages, "smolagents"]
        }
        if wanted:
            self.installed_packages += self.install_packages(sorted(wanted))
        code = get_tools_definition_code(tools)
        self._tools_code = code or None
        if code:
            self.logger.log(self.run_code_raise_errors(code).logs)

    def send_variables(self, variables: dict[str, Any]) -> None:
        """Set the agent's state as globals in the guest (JSON-safe values only)."""
        if not variables:
            return
        serialized = SafeSerializer.dumps(variables, allow_pickle=False)
        code = (
            f"{SafeSerializer.get_deserializer_code(False)}\n"
            f"globals().update(_deserialize({serialized!r}))\n"
        )
        self.run_code_raise_errors(code)

    def install_packages(self, additional_imports: list[str]) -> list[str]:
        """The guest has no pip: log which of these it lacks; return them all (asked once)."""
        probe = (
            "import importlib.util\n"
            f"[name for name in {additional_imports!r} "
            "if importlib.util.find_spec(name.replace('-', '_')) is None]"
        )
        missing = self.run_code_raise_errors(probe).output
        if missing:
            self.logger.log(
                f"embedsandbox: the sandbox has no pip; these are not in its Python: {missing}",
                level=LogLevel.INFO,
            )
        return additional_imports

    def run_code_raise_errors(self, code: str) -> CodeOutput:
        """Run one step in the session: its output, printed logs, and whether it is final."""
        if not isinstance(code, str):
            msg = f"the code must be a string, got {type(code).__name__}"
            raise AgentError(msg, self.logger)
        size = len(code.encode("utf-8", "surrogatepass"))
        if size > self._max_code_bytes:
            msg = (
                f"the code is {size} bytes; this executor takes at most "
                f"{self._max_code_bytes} bytes a step. Write a shorter program."
            )
            raise AgentError(msg, self.logger)
        return self._step(code)

    def _step(self, code: str) -> CodeOutput:
        session = self.session
        try:
            response = session.call(_STEP, {"code": code}, code=_HELPER)
        except SessionClosedError as exc:
            self._session = None
            msg = f"the sandbox session ended ({exc.reason}); run the step again in a new one"
            raise AgentError(msg, self.logger) from None
        except EmbedSandboxError as exc:
            raise AgentError(str(exc), self.logger) from None
        execution = response.execution
        logs = execution.stdout + execution.stderr
        if execution.limit_hit is not None or session.closed:
            what = (
                f"the code hit its {execution.limit_hit.value} limit"
                if execution.limit_hit is not None
                else "the code ended the sandbox"
            )
            self._session = None
            msg = (
                f"{logs}\n{what}; the next step runs in a new sandbox, where the tools are "
                "defined again but the variables of earlier steps are gone"
            )
            raise AgentError(msg.lstrip("\n"), self.logger)
        result = response.output if isinstance(response.output, dict) else {}
        if not result:
            msg = f"{logs}\nthe step did not finish ({response.output_status.value})"
            raise AgentError(msg.lstrip("\n"), self.logger)
        if "final" in result:
            value = self._deserialize_final_answer(str(result["final"]), allow_pickle=False)
            return CodeOutput(output=value, logs=logs, is_final_answer=True)
        if "error" in result:
            msg = f"{logs}\nExecuting code yielded an error:\n{result['error']}".lstrip("\n")
            raise AgentError(msg, self.logger)
        return CodeOutput(output=result.get("output"), logs=logs, is_final_answer=False)
