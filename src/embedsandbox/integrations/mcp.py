"""An MCP server on a `Sandbox`, on the official `mcp` SDK (the `mcp` extra).

    from embedsandbox import Sandbox
    from embedsandbox.integrations.mcp import create_server

    server = create_server(Sandbox())
    server.run()                       # stdio; or `embedsandbox mcp` on the command line

Tools: `run_code`, `run_function`, `session_start`, `session_run`, `session_close`, and every
saved tool of the Sandbox (`sb.tools`) under its own name with its `input_schema` (listed
afresh on each tools/list). A result is text content plus structured content (the Riza-shaped
response); image files among `output_files` come back as image content too. A call the
Sandbox refuses (an unknown language, a wrong type, code over 1 MiB) is a tool error carrying
the Sandbox's message, never a protocol error. Credentials for hosts come only from the
server's own `http` policy (by `secret_id`); the gateway adds them to the guest's requests and
redacts their values from what the guest prints, so the client never sees them.
`http_app` serves it over streamable HTTP behind `embedsandbox serve`'s API keys.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, NoReturn

import anyio.to_thread
import pydantic
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.types import CallToolResult, ImageContent, InputRequiredResult, TextContent
from mcp.types import Tool as MCPTool
from starlette.types import ASGIApp, Receive, Scope, Send

from .._keys import KeyStore
from .._sandbox import Sandbox
from .._validation import validation_error
from ..errors import EmbedSandboxError, NotFoundError, RequestValidationError
from ..models import HTTP, ExecuteFunctionResponse, HTTPAllow, SessionCallRequest
from ..models import Tool as SavedTool
from ._mcp_tools import BUILTIN, Shown, builtin_tools, function_shown, script_shown

__all__ = ["SandboxMCPServer", "create_server", "http_app"]

logger = logging.getLogger("embedsandbox.mcp")

MAX_BODY_BYTES: Final = 16 << 20
"""The largest streamable HTTP request body (a call with 1 MiB of code and files fits)."""

_INSTRUCTIONS = (
    "Runs untrusted code in WebAssembly sandboxes. `run_code` for a program, `run_function` "
    "for code defining execute(input), `session_*` to keep state across calls; saved tools "
    "are listed by name. No network unless `http` allows hosts."
)

_PAGE: Final = 100
_UNAUTHENTICATED: Final = -32001  # JSON-RPC's implementation-defined server error range
_Handler = Callable[[dict[str, Any]], Awaitable[Shown]]


class SandboxMCPServer(MCPServer[Any]):
    """An `MCPServer` whose tools run in `sandbox`; made by `create_server`.

    `list_tools` and `call_tool` add the sandbox's tools to any registered with
    `@server.tool()` (which keep working). The server does not close the Sandbox.
    """

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        name: str = "embedsandbox",
        http: HTTP | Mapping[str, Any] | None = None,
        model_http: bool = True,
    ) -> None:
        from .. import __version__

        super().__init__(name, instructions=_INSTRUCTIONS, version=__version__, log_level="WARNING")
        self.sandbox = sandbox
        try:
            self._http = http if isinstance(http, HTTP) else HTTP.model_validate(http or {})
        except pydantic.ValidationError as exc:
            what = "http policy"
            raise validation_error(what, exc) from None
        self._model_http = model_http
        self._builtin = {name: (text, schema) for name, text, schema in builtin_tools()}
        self._handlers: dict[str, _Handler] = {
            "run_code": self._run_code,
            "run_function": self._run_function,
            "session_start": self._session_start,
            "session_run": self._session_run,
            "session_close": self._session_close,
        }
        self._saved: dict[str, tuple[str, bool]] = {}  # MCP name -> (tool id, input wrapped)
        self._sessions: set[str] = set()  # the sessions this server started: only these it runs

    # -- the MCP surface ---------------------------------------------------------------------

    async def list_tools(self) -> list[MCPTool]:
        """The registered tools, the built-in ones, and the Sandbox's saved tools (read now)."""
        tools = await super().list_tools()
        for name, (text, schema) in self._builtin.items():
            tools.append(MCPTool(name=name, description=text, input_schema=schema))
        tools += await self._saved_tools()
        return tools

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        """Run a built-in or saved tool; any other name goes to `MCPServer.call_tool`."""
        handler = self._handlers.get(name)
        if handler is None and name not in self._saved:
            await self._saved_tools()  # a tool saved since the last tools/list
        if handler is None and name in self._saved:
            tool_id, wrapped = self._saved[name]
            handler = self._saved_handler(tool_id, wrapped)
        if handler is None:
            return await super().call_tool(name, arguments, context)
        try:
            shown = await handler(dict(arguments))
        except EmbedSandboxError as exc:
            return _error(exc)
        except Exception:  # a bug of ours: the client gets no internals
            logger.exception("tool %r failed", name)
            return _error(None)
        content: list[TextContent | ImageContent] = [TextContent(type="text", text=shown.text)]
        for mime, data in shown.images:
            content.append(ImageContent(type="image", data=data, mime_type=mime))
        return CallToolResult(content=list(content), structured_content=shown.structured)

    # -- built-in tools ----------------------------------------------------------------------

    async def _run_code(self, args: dict[str, Any]) -> Shown:
        args["http"] = self._merged_http(args.get("http"))
        response = await self.sandbox.run_script_async(**args)
        return script_shown(response)

    async def _run_function(self, args: dict[str, Any]) -> Shown:
        args["http"] = self._merged_http(args.get("http"))
        return function_shown(await self.sandbox.run_function_async(**args))

    async def _session_start(self, args: dict[str, Any]) -> Shown:
        args["http"] = self._merged_http(args.get("http"))
        session = await anyio.to_thread.run_sync(lambda: self.sandbox.session(**args))
        self._sessions.add(session.id)
        info = session.info().model_dump(mode="json")
        text = (
            f"session {session.id} started ({session.language.value}); pass this session_id "
            "to session_run, and to session_close when done"
        )
        return Shown(text, {"session_id": session.id, **info})

    async def _session_run(self, args: dict[str, Any]) -> Shown:
        session_id = self._session_id(args.pop("session_id", None))
        session = self.sandbox.get_session(session_id)
        try:
            request = SessionCallRequest.model_validate(args)
        except pydantic.ValidationError as exc:
            what = "session_run call"
            raise validation_error(what, exc) from None
        result = await anyio.to_thread.run_sync(lambda: session.execute(request))
        if isinstance(result, ExecuteFunctionResponse):
            shown = function_shown(result)
        else:
            shown = script_shown(result)
        shown.structured = {"session_id": session_id, **shown.structured}
        return shown

    async def _session_close(self, args: dict[str, Any]) -> Shown:
        session_id = self._session_id(args.pop("session_id", None))
        if args:
            _refuse(f"session_close takes only session_id, not {', '.join(sorted(args))}")
        session = self.sandbox.get_session(session_id)
        await anyio.to_thread.run_sync(session.close)  # kept in _sessions: later calls say so
        info = session.info()
        text = f"session {session_id} closed after {info.calls} calls"
        return Shown(text, {"session_id": session_id, **info.model_dump(mode="json")})

    def _session_id(self, value: Any) -> str:
        if not isinstance(value, str):
            _refuse("session_id must be the string session_start returned")
        if value not in self._sessions:
            msg = f"session {value!r} does not exist; start one with session_start"
            raise NotFoundError(msg)
        return value

    # -- saved tools -------------------------------------------------------------------------

    async def _saved_tools(self) -> list[MCPTool]:
        saved = await anyio.to_thread.run_sync(self._all_saved)
        shown: list[MCPTool] = []
        names: dict[str, tuple[str, bool]] = {}
        for tool in saved:
            name = tool.name if tool.name not in BUILTIN else f"tool_{tool.name}"
            if name in names:
                continue
            schema, wrapped = _saved_schema(tool.input_schema)
            names[name] = (tool.id, wrapped)
            about = tool.description or f"The saved {tool.language.value} tool {tool.name}."
            text = f"{about} (Runs in a fresh sandbox; its result is `output`.)"
            shown.append(MCPTool(name=name, description=text, input_schema=schema))
        self._saved = names
        return shown

    def _all_saved(self) -> list[SavedTool]:
        tools: list[SavedTool] = []
        after: str | None = None
        while True:
            page = self.sandbox.tools.list(limit=_PAGE, starting_after=after)
            tools += page.tools
            if len(page.tools) < _PAGE:
                return tools
            after = page.next_starting_after

    def _saved_handler(self, tool_id: str, wrapped: bool) -> _Handler:
        async def run(args: dict[str, Any]) -> Shown:
            if wrapped and set(args) != {"input"}:
                _refuse("this tool takes one argument, `input`")
            value = args["input"] if wrapped else args
            http = self._merged_http(None)
            result = await self.sandbox.run_tool_async(tool_id, input=value, http=http)
            return function_shown(result)

        return run

    # -- egress ------------------------------------------------------------------------------

    def _merged_http(self, given: Any) -> HTTP | None:
        """The call's hosts (no credentials allowed) with the server's own entries."""
        allow: list[HTTPAllow] = []
        if given is not None:
            if not self._model_http:
                _refuse("http: this server does not let calls choose hosts; leave `http` out")
            try:
                policy = HTTP.model_validate(given)
            except pydantic.ValidationError as exc:
                what = "http"
                raise validation_error(what, exc) from None
            for index, entry in enumerate(policy.allow):
                if entry.auth is not None:
                    _refuse(
                        f"http.allow.{index}.auth: credentials cannot be given in a call; the "
                        "server adds them for the hosts it is configured with"
                    )
            allow = policy.allow
        own = {entry.host.lower() for entry in self._http.allow}
        allow = [entry for entry in allow if entry.host.lower() not in own] + self._http.allow
        return HTTP(allow=allow) if allow else None


def create_server(
    sandbox: Sandbox,
    *,
    name: str = "embedsandbox",
    http: HTTP | Mapping[str, Any] | None = None,
    model_http: bool = True,
) -> SandboxMCPServer:
    """An MCP server whose tools run in `sandbox` (which the caller keeps and closes).

    Args:
        sandbox: Runs the code; its saved tools are the server's too.
        name: The server's name in the MCP handshake.
        http: Hosts every run may reach, with credentials by `secret_id` (the Riza `http`
            shape: `{"allow": [{"host": ..., "auth": {"bearer": {"secret_id": ...}}}]}`).
        model_http: Whether a call may add hosts of its own (never credentials).

    Raises:
        RequestValidationError: `http` is not a valid policy.

    """
    return SandboxMCPServer(sandbox, name=name, http=http, model_http=model_http)


def http_app(server: SandboxMCPServer, keys: KeyStore, project: str, host: str) -> ASGIApp:
    """`server` over streamable HTTP at `/mcp`, for requests with an API key of `project`."""
    app = server.streamable_http_app(host=host, max_request_body_size=MAX_BODY_BYTES)
    return _ApiKeys(app, keys, project)


class _ApiKeys:
    """ASGI: refuses HTTP requests without a valid bearer key of the project (401), as serve.

    The body is a JSON-RPC error (`id` null) carrying the same message as serve's 401.
    """

    def __init__(self, app: ASGIApp, keys: KeyStore, project: str) -> None:
        self._app, self._keys, self._project = app, keys, project

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            scheme, _, key = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
            problem = None
            if scheme.lower() != "bearer" or not key.strip():
                problem = (
                    "missing API key: send 'Authorization: Bearer <key>' "
                    "(create a key with `embedsandbox keys create`)"
                )
            else:
                found = await anyio.to_thread.run_sync(self._keys.authenticate, key.strip())
                if found != self._project:
                    problem = "the API key is not valid or was revoked"
            if problem is not None:
                await _unauthorized(send, problem)
                return
        await self._app(scope, receive, send)


async def _unauthorized(send: Send, message: str) -> None:
    # A JSON-RPC error body: the SDK's client surfaces its message (not just "error response").
    error = {"code": _UNAUTHENTICATED, "message": message}
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": error}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", b'Bearer realm="embedsandbox"'),
    ]
    await send({"type": "http.response.start", "status": 401, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _saved_schema(schema: Any) -> tuple[dict[str, Any], bool]:
    """The MCP input schema of a saved tool's `input_schema`, and whether input is wrapped.

    An object schema is the tool's arguments as they are; any other (MCP arguments are an
    object) becomes `{"input": schema}`; none accepts any object.
    """
    if schema is None or schema is True:
        return {"type": "object"}, False
    if isinstance(schema, dict) and schema.get("type") == "object":
        return dict(schema), False
    inner = dict(schema) if isinstance(schema, dict) else {"not": {}}
    wrapped: dict[str, Any] = {"type": "object", "properties": {"input": inner}}
    if "$defs" in inner:  # its "#/$defs/..." refs then still resolve, from the root
        wrapped["$defs"] = inner.pop("$defs")
    return {**wrapped, "required": ["input"]}, True


def _refuse(message: str) -> NoReturn:
    raise RequestValidationError(message)


def _error(exc: EmbedSandboxError | None) -> CallToolResult:
    if exc is None:
        code, message = "internal_error", "the tool failed inside the server (see its log)"
    else:
        code, message = exc.code, str(exc)
    return CallToolResult(
        content=[TextContent(type="text", text=f"error ({code}): {message}")],
        structured_content={"error": {"code": code, "message": message}},
        is_error=True,
    )
