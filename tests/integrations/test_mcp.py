"""`embedsandbox mcp` driven by the MCP SDK's own client: `ClientSession` over stdio (the venv's
`embedsandbox mcp` as a child process) and over streamable HTTP on 127.0.0.1, with real guests.

Each test's server has its own EMBEDSANDBOX_HOME (store, keys, secrets) whose `cache` links to
the suite's compiled interpreters. All traffic stays on loopback.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio
import httpx
import httpx2
import pytest
from click.testing import CliRunner
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, ImageContent, TextContent

from embedsandbox._cli import app
from embedsandbox._sandbox import default_cache_dir
from tests.egress.conftest import Server as Loopback
from tests.egress.conftest import _start as start_loopback

pytestmark = [pytest.mark.guest, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
COMMAND = str(Path(sys.executable).with_name("embedsandbox"))
ADD_SCHEMA = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    "required": ["a", "b"],
}
BUILTIN = {"run_code", "run_function", "session_start", "session_run", "session_close"}
# A 1x1 PNG made with the stdlib only (zlib, struct), so no test waits for matplotlib.
PNG_CODE = """\
import struct, zlib
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0))
png += chunk(b'IDAT', zlib.compress(b'\\x00\\xff\\x00\\x00')) + chunk(b'IEND', b'')
open('dot.png', 'wb').write(png)
open('note.txt', 'w').write('a red dot')
print(len(png))
"""

T = TypeVar("T")
Body = Callable[[ClientSession], Awaitable[T]]


class Home:
    """An EMBEDSANDBOX_HOME for servers, and the CLI on it."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        cache = default_cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
        (path / "cache").symlink_to(cache, target_is_directory=True)
        self.path = path
        self.env = {**os.environ, "EMBEDSANDBOX_HOME": str(path)}

    def cli(self, *args: str, stdin: str | None = None) -> Any:
        done = subprocess.run(
            [COMMAND, *args, "--json"],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    made = Home(tmp_path_factory.mktemp("mcp-home"))
    code = "def execute(input):\n    return input['a'] + input['b']\n"
    made.cli(
        "tools", "create", "--name", "add", "-l", "python", "-c", code,
        "--description", "Adds a and b.", "--input-schema", json.dumps(ADD_SCHEMA),
    )  # fmt: skip
    return made


@asynccontextmanager
async def stdio_session(home: Home, *options: str) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(command=COMMAND, args=["mcp", *options], env=home.env)
    with (home.path / "stdio-server.log").open("a") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                yield session


def over_stdio(home: Home, body: Body[T], *options: str) -> T:
    async def main() -> T:
        async with stdio_session(home, *options) as session:
            return await body(session)

    return anyio.run(main)


def text(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def structured(result: CallToolResult) -> dict[str, Any]:
    assert isinstance(result.structured_content, dict), result
    return result.structured_content


# -- stdio -----------------------------------------------------------------------------------


def test_tools_list_has_the_builtin_tools_and_each_saved_tool_with_its_schema(home: Home) -> None:
    async def body(session: ClientSession) -> tuple[dict[str, Any], set[str]]:
        first = {tool.name: tool for tool in (await session.list_tools()).tools}
        # A tool saved while the server runs is there on the next tools/list.
        home.cli("tools", "create", "--name", "later", "-l", "javascript", "-c",
                 "function execute(input) { return input.n * 2 }")  # fmt: skip
        again = {tool.name for tool in (await session.list_tools()).tools}
        result = await session.call_tool("later", {"n": 21})
        assert (result.is_error, structured(result)["output"]) == (False, 42), text(result)
        return first, again

    first, again = over_stdio(home, body)
    assert BUILTIN | {"add"} <= set(first) and "later" not in first
    assert first["add"].input_schema == ADD_SCHEMA
    assert "Adds a and b." in (first["add"].description or "")
    run_code = first["run_code"].input_schema
    assert {"language", "code", "stdin", "files", "output_files", "limits", "http"} <= set(
        run_code["properties"]
    )
    assert run_code["required"] == ["language", "code"]
    assert first["session_run"].input_schema["required"] == ["session_id"]
    assert BUILTIN | {"add", "later"} <= again


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "import sys\nprint(sum(range(7)) * 2, sys.stdin.read())"),
        ("javascript", "const s = require('fs').readFileSync(0, 'utf8'); console.log(6 * 7, s)"),
        ("ruby", "puts [6 * 7, STDIN.read].join(' ')"),
    ],
    ids=["python", "javascript", "ruby"],
)
def test_run_code_in_each_language(home: Home, language: str, code: str) -> None:
    async def body(session: ClientSession) -> CallToolResult:
        return await session.call_tool(
            "run_code", {"language": language, "code": code, "stdin": "in"}
        )

    result = over_stdio(home, body)
    assert not result.is_error, text(result)
    assert structured(result)["exit_code"] == 0
    assert structured(result)["stdout"].split() == ["42", "in"]
    assert text(result).startswith("exit code: 0\nstdout:\n42 in")


def test_run_function_and_a_saved_tool_return_their_output(home: Home) -> None:
    async def body(session: ClientSession) -> list[CallToolResult]:
        code = "def execute(input):\n    print('side')\n    return {'twice': input * 2}\n"
        function = await session.call_tool(
            "run_function", {"language": "python", "code": code, "input": 21}
        )
        tool = await session.call_tool("add", {"a": 2, "b": 40})
        wrong = await session.call_tool("add", {"a": "two", "b": 40})
        return [function, tool, wrong]

    function, tool, wrong = over_stdio(home, body)
    assert structured(function)["output"] == {"twice": 42}
    assert structured(function)["execution"]["stdout"] == "side\n"
    assert text(function).startswith('output (valid): {"twice": 42}')
    assert (tool.is_error, structured(tool)["output"]) == (False, 42)
    assert wrong.is_error and "$.a" in text(wrong), text(wrong)


def test_a_session_keeps_its_variables_across_calls(home: Home) -> None:
    async def body(session: ClientSession) -> list[CallToolResult]:
        started = await session.call_tool("session_start", {"language": "python"})
        session_id = structured(started)["session_id"]
        calls = [
            started,
            await session.call_tool("session_run", {"session_id": session_id, "code": "x = 41"}),
            await session.call_tool(
                "session_run", {"session_id": session_id, "code": "x += 1\nprint(x)"}
            ),
            await session.call_tool(
                "session_run",
                {"session_id": session_id, "code": "def f(n):\n    return n + x"},
            ),
            await session.call_tool(
                "session_run", {"session_id": session_id, "function": "f", "input": 100}
            ),
            await session.call_tool("session_close", {"session_id": session_id}),
            await session.call_tool("session_run", {"session_id": session_id, "code": "x"}),
        ]
        return calls

    started, assign, printed, define, called, closed, after = over_stdio(home, body)
    assert started.structured_content is not None
    assert started.structured_content["session_id"].startswith("ses_")
    assert not any(r.is_error for r in (assign, printed, define, called, closed))
    assert structured(printed)["stdout"] == "42\n"
    assert structured(called)["output"] == 142
    assert structured(closed)["closed"] is True and structured(closed)["calls"] == 4
    assert after.is_error and "error (session_closed)" in text(after), text(after)
    assert "start a new session" in text(after)


def test_an_output_png_comes_back_as_image_content(home: Home) -> None:
    async def body(session: ClientSession) -> CallToolResult:
        return await session.call_tool(
            "run_code",
            {"language": "python", "code": PNG_CODE, "output_files": ["*.png", "*.txt"]},
        )

    result = over_stdio(home, body)
    assert not result.is_error, text(result)
    images = [block for block in result.content if isinstance(block, ImageContent)]
    assert [image.mime_type for image in images] == ["image/png"]
    data = base64.b64decode(images[0].data)
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and str(len(data)) in structured(result)["stdout"]
    files = {file["path"]: file for file in structured(result)["files"]}
    assert files["note.txt"] == {"path": "note.txt", "contents": "a red dot", "encoding": "utf-8"}
    assert "dot.png (image/png" in text(result) and "a red dot" in text(result)


def test_mistakes_of_a_model_are_tool_errors_with_our_message(home: Home) -> None:
    mistakes: list[tuple[str, dict[str, Any], str]] = [
        ("run_code", {"language": "cobol", "code": "x"}, "language: Input should be 'python'"),
        ("run_code", {"language": "python", "code": 42}, "code: Input should be a valid string"),
        ("run_code", {"language": "python", "code": "#" * (2 << 20)}, "at most 1048576 bytes"),
        ("run_code", {"language": "python"}, "code: Field required"),
        ("run_code", {"language": "python", "code": "1", "limit": {}}, "limit: Extra inputs"),
        (
            "run_code",
            {"language": "python", "code": "1", "limits": {"memory_size": "big"}},
            "limits.memory_size: Input should be a valid integer",
        ),
        (
            "run_code",
            {
                "language": "python",
                "code": "1",
                "http": {"allow": [{"host": "x.test", "auth": {"bearer": {"token": "mine"}}}]},
            },
            "credentials cannot be given in a call",
        ),  # fmt: skip
        ("run_function", {"language": "cobol", "code": "1"}, "language: Input should be"),
        ("session_run", {"session_id": "ses_nope", "code": "1"}, "does not exist"),
        ("session_run", {"code": "1"}, "session_id must be the string"),
        ("session_start", {"language": "php"}, "language: Input should be"),
        ("add", {"a": 1}, "is missing required property 'b'"),
        ("no_such_tool", {}, "Unknown tool: no_such_tool"),
    ]

    async def body(session: ClientSession) -> tuple[list[CallToolResult], CallToolResult]:
        results = [await session.call_tool(name, args) for name, args, _ in mistakes]
        # The server is still there and well after all of them.
        after = await session.call_tool("run_code", {"language": "python", "code": "print(1)"})
        return results, after

    results, after = over_stdio(home, body)
    for (name, _, message), result in zip(mistakes, results, strict=True):
        assert result.is_error, (name, result)
        assert message in text(result), (name, text(result))
    assert "error (invalid_request): invalid ExecuteRequest: " in text(results[0])
    assert structured(results[0])["error"]["code"] == "invalid_request"
    assert (after.is_error, structured(after)["stdout"]) == (False, "1\n")


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    server, record = start_loopback("http", None)
    yield record
    server.shutdown()
    server.server_close()


def test_a_credential_from_the_server_policy_never_reaches_the_client(
    home: Home, loopback: Loopback
) -> None:
    token = "tok-" + secrets.token_hex(16)
    secret = home.cli("secrets", "create", "--name", "upstream", stdin=token)
    host = f"127.0.0.1:{loopback.port}"
    policy = {"allow": [{"host": host, "auth": {"bearer": {"secret_id": secret["id"]}}}]}
    fetch = (
        "import urllib.request\n"
        f"print(urllib.request.urlopen('{loopback.url('/echo')}').read().decode())\n"
    )
    home.cli("tools", "create", "--name", "fetch", "-l", "python", "-c",
             "import urllib.request\ndef execute(input):\n"
             "    return urllib.request.urlopen(input['url']).read().decode()\n")  # fmt: skip

    async def body(session: ClientSession) -> list[Any]:
        listed = await session.list_tools()
        script = await session.call_tool("run_code", {"language": "python", "code": fetch})
        js = await session.call_tool(
            "run_code",
            {"language": "javascript",
             "code": f"fetch('{loopback.url('/echo')}').then(r => r.text()).then(console.log)",
             # a host the model names too is the server's entry, credential and all
             "http": {"allow": [{"host": host}]}},
        )  # fmt: skip
        tool = await session.call_tool("fetch", {"url": loopback.url("/echo")})
        started = await session.call_tool("session_start", {"language": "python"})
        session_id = structured(started)["session_id"]
        ran = await session.call_tool("session_run", {"session_id": session_id, "code": fetch})
        return [listed, script, js, tool, ran]

    allow = ["--allow-http", json.dumps(policy), "--allow-private-network", "127.0.0.1/32"]
    results = over_stdio(home, body, *allow)
    seen = [call.header("Authorization") for call in loopback.requests]
    assert seen == [[f"Bearer {token}"]] * 4, seen  # every run's request carried it
    for result in results[1:]:
        assert not result.is_error, text(result)
        assert "Authorization" in json.dumps(result.structured_content)  # the echo came back
    everything = "".join(result.model_dump_json() for result in results)
    assert token not in everything and token[4:] not in everything


# -- streamable HTTP -------------------------------------------------------------------------


def leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from leaves(inner)
    else:
        yield exc


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def http_server(home: Home) -> Iterator[str]:
    port = _free_port()
    with (home.path / "http-server.log").open("wb") as log:
        process = subprocess.Popen(
            [COMMAND, "mcp", "--http", "--host", "127.0.0.1", "--port", str(port)],
            env=home.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log_text = (home.path / "http-server.log").read_text(errors="replace")
                raise AssertionError("the MCP server did not start:\n" + log_text) from None
            time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def over_http(url: str, key: str | None, body: Body[T]) -> T:
    async def main() -> T:
        headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
        timeout = httpx2.Timeout(30, read=300)
        async with httpx2.AsyncClient(headers=headers, timeout=timeout) as client:
            async with streamable_http_client(url, http_client=client) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    return await body(session)

    return anyio.run(main)


def test_http_with_a_valid_key_lists_tools_and_runs_code(home: Home, http_server: str) -> None:
    key = home.cli("keys", "create", "--name", "mcp-test")["key"]

    async def body(session: ClientSession) -> tuple[set[str], CallToolResult]:
        names = {tool.name for tool in (await session.list_tools()).tools}
        result = await session.call_tool(
            "run_code", {"language": "javascript", "code": "console.log([6 * 7].join())"}
        )
        return names, result

    async def huge(session: ClientSession) -> CallToolResult:
        code = "#" * (3 << 20)  # over the 1 MiB code limit, within the 16 MiB request body
        return await session.call_tool("run_code", {"language": "python", "code": code})

    names, result = over_http(http_server, key, body)
    assert BUILTIN | {"add"} <= names
    assert (result.is_error, structured(result)["stdout"]) == (False, "42\n")
    refused = over_http(http_server, key, huge)
    assert refused.is_error and "at most 1048576 bytes" in text(refused), text(refused)


@pytest.mark.parametrize("key", [None, "esk_" + "x" * 43, "not-a-key"])
def test_http_without_a_valid_key_is_refused(home: Home, http_server: str, key: str | None) -> None:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    hello = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    response = httpx.post(http_server, json=hello, headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    expected = "missing API key" if key is None else "not valid or was revoked"
    assert expected in response.json()["error"]["message"]

    async def body(session: ClientSession) -> None:
        await session.list_tools()

    with pytest.raises(BaseException) as raised:  # the SDK's task group raises a group
        over_http(http_server, key, body)
    # The SDK's client reads the JSON-RPC error in the 401's body: our message, not a status.
    assert expected in " ".join(str(leaf) for leaf in leaves(raised.value)), raised.value


def test_a_key_of_another_project_is_refused(home: Home, http_server: str) -> None:
    key = home.cli("keys", "create", "--project", "other")["key"]
    response = httpx.post(http_server, json={}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


# -- without the extra ------------------------------------------------------------------------


def test_without_the_mcp_extra_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in list(sys.modules):
        if name == "mcp" or name.startswith(("mcp.", "embedsandbox.integrations.mcp")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "mcp", None)  # `import mcp` now raises ImportError
    done = CliRunner().invoke(app, ["mcp", "--store", str(tmp_path / "s.sqlite3")])
    assert done.exit_code == 2
    assert "pip install 'embedsandbox[mcp]'" in done.stderr


# -- the documentation -----------------------------------------------------------------------


def test_the_docs_example_runs_and_prints_what_it_says(
    home: Home, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (ROOT / "docs" / "integrations" / "mcp.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", page, re.S)
    assert blocks
    monkeypatch.setenv("EMBEDSANDBOX_HOME", str(home.path))
    for block in blocks:
        exec(compile(block, "docs/integrations/mcp.md", "exec"), {})  # noqa: S102 - our docs
    printed = [line.rstrip() for line in capsys.readouterr().out.splitlines() if line.strip()]
    expected = [t.rstrip() for block in blocks for t in re.findall(r"# -> (.*)", block)]
    assert printed == expected
