"""Sessions (`Sandbox.session`): state persists across calls, not across sessions; limits."""

from __future__ import annotations

import threading
import time

import pytest

from embedsandbox import Sandbox
from embedsandbox.errors import (
    ConfigurationError,
    ConflictError,
    LanguageUnavailableError,
    NotFoundError,
    RequestValidationError,
    SessionClosedError,
    SnapshotError,
)

pytestmark = pytest.mark.guest

SESSION_LANGUAGES = ["python", "ruby", "javascript", "typescript"]
_JS = {
    "define": "let x = 41\nfunction double(i) { return i.n * 2 + 41 }",
    "bump": "x += 1",
    "show": "console.log(x)",
    "stdin": "console.log(require('fs').readFileSync(0, 'utf8').toUpperCase())",
    "env": "console.log(process.env.MODE); console.log(JSON.stringify(process.argv.slice(2)))",
    "loop": "while (true) {}",
    "exit": "process.exitCode = 4",
    "raise": "throw new RangeError('boom')",
    "file": "require('fs').writeFileSync('kept.txt', 'from call 1')",
    "read": "console.log(require('fs').readFileSync('kept.txt', 'utf8'))",
}

# Per language: define x = 41 and a function, bump x, read it back, print stdin.
STEPS = {
    "python": {
        "define": "x = 41\ndef double(i):\n    return i['n'] * 2 + 41",
        "bump": "x += 1",
        "show": "print(x)",
        "stdin": "import sys\nprint(sys.stdin.read().upper())",
        "env": "import os, sys\nprint(os.environ['MODE'], sys.argv[1:])",
        "loop": "while True: pass",
        "exit": "import sys\nsys.exit(4)",
        "raise": "raise ValueError('boom')",
        "file": "open('kept.txt', 'w').write('from call 1')",
        "read": "print(open('kept.txt').read())",
    },
    "ruby": {
        "define": "x = 41\ndef double(i) = i['n'] * 2 + 41",
        "bump": "x += 1",
        "show": "puts x",
        "stdin": "puts $stdin.read.upcase",
        "env": "puts ENV['MODE'], ARGV.inspect",
        "loop": "loop {}",
        "exit": "exit 4",
        "raise": "raise ArgumentError, 'boom'",
        "file": "File.write('kept.txt', 'from call 1')",
        "read": "puts File.read('kept.txt')",
    },
    "javascript": _JS,
    "typescript": {
        **_JS,
        "define": "let x: number = 41\nfunction double(i: {n: number}) { return i.n * 2 + 41 }",
    },
}


@pytest.mark.parametrize("language", SESSION_LANGUAGES)
def test_state_persists_across_calls_and_not_across_sessions(
    sandbox: Sandbox, language: str
) -> None:
    steps = STEPS[language]
    with sandbox.session(language=language, env={"MODE": "t"}, args=["a"]) as one:
        assert 0 == one.run(steps["define"]).exit_code
        assert 0 == one.run(steps["bump"]).exit_code
        assert "42\n" == one.run(steps["show"]).stdout
        assert "IN\n" == one.run(steps["stdin"], stdin="in").stdout
        env = one.run(steps["env"]).stdout
        assert env in ("t ['a']\n", 't\n["a"]\n')  # Python, Ruby and JavaScript print so
        assert 0 == one.run(steps["file"]).exit_code
        assert "from call 1\n" == one.run(steps["read"]).stdout
        result = one.call("double", {"n": 5})
        assert ("valid", 51) == (result.output_status, result.output)
        # A non-zero exit or an uncaught error is the call's result; the session goes on.
        assert 4 == one.run(steps["exit"]).exit_code
        failed = one.run(steps["raise"])
        assert 1 == failed.exit_code and "boom" in failed.stderr
        assert "42\n" == one.run(steps["show"]).stdout
        assert 11 == one.info().calls
    with sandbox.session(language=language) as two:
        fresh = two.run(steps["show"])
        assert 1 == fresh.exit_code  # no x here
        assert 1 == two.run(steps["read"]).exit_code  # and no kept.txt


@pytest.mark.parametrize("language", SESSION_LANGUAGES)
def test_a_call_that_hits_a_limit_ends_the_session(sandbox: Sandbox, language: str) -> None:
    steps = STEPS[language]
    session = sandbox.session(language=language)
    assert 0 == session.run(steps["define"]).exit_code
    ended = session.run(steps["loop"], limits={"execution_timeout": 0.5})
    assert "execution_timeout" == ended.limit_hit
    assert "the session is closed (limit)" in ended.stderr
    assert session.closed and "limit" == session.info().closed_reason
    with pytest.raises(SessionClosedError, match="start a new session") as raised:
        session.run(steps["show"])
    assert "limit" == raised.value.reason


@pytest.mark.parametrize("language", SESSION_LANGUAGES)
def test_two_sessions_in_parallel_see_nothing_of_each_other(
    sandbox: Sandbox, language: str
) -> None:
    steps = STEPS[language]
    outputs: dict[int, list[str]] = {}

    def work(n: int) -> None:
        with sandbox.session(language=language) as session:
            session.run(steps["define"])
            for _ in range(n):
                session.run(steps["bump"])
            outputs[n] = [session.run(steps["show"]).stdout]

    threads = [threading.Thread(target=work, args=(n,)) for n in (1, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {1: ["42\n"], 3: ["44\n"]} == outputs


def test_session_limits_end_it_with_a_reason(sandbox: Sandbox) -> None:
    calls = sandbox.session(language="ruby", session_limits={"max_calls": 2})
    calls.run("1")
    calls.run("2")
    with pytest.raises(SessionClosedError) as raised:
        calls.run("3")
    assert "max_calls" == raised.value.reason
    idle = sandbox.session(language="ruby", session_limits={"idle_timeout": 0.2})
    idle.run("1")
    time.sleep(0.4)
    with pytest.raises(SessionClosedError) as raised:
        idle.run("2")
    assert "idle_timeout" == raised.value.reason
    output = sandbox.session(language="python", session_limits={"output_bytes": 100})
    first = output.run("print('x' * 60)")
    assert 0 == first.exit_code
    second = output.run("print('y' * 60)")
    assert "output_size" == second.limit_hit  # capped at the 39 bytes left
    assert (True, "output_bytes") == (output.closed, output.info().closed_reason)
    lifetime = sandbox.session(language="ruby", session_limits={"max_lifetime": 0.3})
    lifetime.run("1")
    time.sleep(0.5)
    with pytest.raises(SessionClosedError) as raised:
        lifetime.run("2")
    assert "max_lifetime" == raised.value.reason
    fuel = sandbox.session(language="ruby", session_limits={"fuel": 20_000_000})
    spent = [fuel.run("x = 0; 100_000.times { x += 1 }") for _ in range(20) if not fuel.closed]
    assert "fuel" == spent[-1].limit_hit and "fuel" == fuel.info().closed_reason
    assert 20_000_000 <= fuel.info().fuel_used < 21_000_000
    assert sum(r.fuel_used or 0 for r in spent) == fuel.info().fuel_used


def test_the_memory_cap_is_the_sessions(sandbox: Sandbox) -> None:
    with sandbox.session(language="python", session_limits={"memory_size": 256}) as session:
        session.run("blocks = []")
        for _ in range(3):  # 3 x 60 MB kept across calls: under 256 MiB
            assert 0 == session.run("blocks.append(bytearray(60 << 20))").exit_code
        over = session.run("blocks.append(bytearray(60 << 20))")
        assert "memory_size" == over.limit_hit
        assert session.closed


def test_bad_calls_are_refused_before_they_run(sandbox: Sandbox) -> None:
    with sandbox.session(language="python") as session:
        with pytest.raises(RequestValidationError, match="belong to the session"):
            session.run("1", limits={"memory_size": 512})
        with pytest.raises(RequestValidationError, match="identifier"):
            session.call("not a name")
        assert 0 == session.info().calls
    with pytest.raises(RequestValidationError, match="session_limits.memory_size"):
        sandbox.session(language="python", limits={"memory_size": 512})


def test_a_session_naming_a_deleted_secret_is_refused_at_its_next_call(sandbox: Sandbox) -> None:
    secret = sandbox.secrets.create("token", "tok-for-a-session")
    http = {"allow": [{"host": "api.example.com", "auth": {"bearer": {"secret_id": secret.id}}}]}
    with sandbox.session(language="javascript", http=http) as session:
        assert "1\n" == session.run("console.log(1)").stdout
        sandbox.secrets.delete(secret.id)
        # Each call reveals its secrets anew: the gateway no longer has the value to inject.
        with pytest.raises(NotFoundError, match=f"secret '{secret.id}' named by .* does not exist"):
            session.run("console.log(2)")
        assert 1 == session.info().calls


def test_open_sessions_are_capped(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Sandbox(store=None, max_sessions=1, cache_dir=tmp_path / "none") as sb:
        # No guest is made: the cap is checked first (the cache folder stays empty).
        sb._sessions.max_sessions = 0
        with pytest.raises(ConflictError, match="max_sessions"):
            sb.session(language="ruby")


def test_closing_the_sandbox_closes_its_sessions(tmp_path, sandbox: Sandbox) -> None:  # type: ignore[no-untyped-def]
    sb = Sandbox(store=None, cache_dir=sandbox._cache_dir)
    session = sb.session(language="ruby")
    sb.close()
    with pytest.raises(SessionClosedError) as raised:
        session.run("1")
    assert "sandbox_closed" == raised.value.reason


def test_calls_are_recorded_with_their_session_id(tmp_path, sandbox: Sandbox) -> None:  # type: ignore[no-untyped-def]
    with Sandbox(store=tmp_path / "s.sqlite3", cache_dir=sandbox._cache_dir) as sb:
        with sb.session(language="python") as session:
            run = session.run("x = 1")
            called = session.run("def f(i):\n    return i")
            function = session.call("f", 7)
        stored = sb.executions.get(function.execution.id)
        assert session.id == stored.session_id
        assert "session" == stored.details.type  # type: ignore[union-attr]
        assert [run.id, called.id] == [
            e.id for e in reversed(sb.executions.list().data) if e.session_id == session.id
        ][:2]


def test_async_calls(sandbox: Sandbox) -> None:
    import asyncio

    async def go() -> tuple[str, object]:
        with sandbox.session(language="ruby") as session:
            await session.run_async("x = 2")
            shown = await session.run_async("puts x * 21")
            called = await session.call_async("twice", 21, code="def twice(i) = i * 2")
            return shown.stdout, called.output

    assert ("42\n", 42) == asyncio.run(go())


@pytest.mark.parametrize("language", SESSION_LANGUAGES)
def test_a_saved_session_resumes_where_it_stopped(sandbox: Sandbox, language: str) -> None:
    steps = STEPS[language]
    session = sandbox.session(language=language, env={"MODE": "t"}, args=["a"])
    session.run(steps["define"])
    session.run(steps["bump"])
    session.run(steps["file"])
    saved = session.save()
    session.run(steps["bump"])  # after the save: not in it
    session.close()
    resumed = sandbox.resume(saved)
    assert (session.id, 3) == (resumed.id, resumed.info().calls)
    assert "42\n" == resumed.run(steps["show"]).stdout
    assert "from call 1\n" == resumed.run(steps["read"]).stdout
    assert ("valid", 51) == (lambda r: (r.output_status, r.output))(
        resumed.call("double", {"n": 5})
    )
    env = resumed.run(steps["env"]).stdout
    assert env in ("t ['a']\n", 't\n["a"]\n')
    resumed.close()


def test_a_changed_or_foreign_snapshot_is_refused(sandbox: Sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    session = sandbox.session(language="ruby")
    session.run("x = 1")
    saved = session.save()
    for at in (len(saved) // 2, len(saved) - 1):
        flipped = bytearray(saved)
        flipped[at] ^= 0x01
        with pytest.raises(SnapshotError, match="changed"):
            sandbox.resume(bytes(flipped))
    with pytest.raises(SnapshotError, match="not a saved session"):
        sandbox.resume(b"hello")
    # Another Sandbox with store=None has a host key of its own.
    with Sandbox(store=None, cache_dir=sandbox._cache_dir) as other:
        with pytest.raises(SnapshotError, match="another host key"):
            other.resume(saved)
    # A guest saved by another engine build (another interpreter or state) is refused.
    session._guest.engine_id = "ruby another-build"  # type: ignore[attr-defined]
    foreign = session.save()
    session.close()
    with pytest.raises(SnapshotError, match="another engine build"):
        sandbox.resume(foreign)


def test_a_session_resumes_in_another_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import base64
    import os
    import subprocess
    import sys

    key = base64.b64encode(os.urandom(32)).decode()
    env = {**os.environ, "EMBEDSANDBOX_SECRET_KEY": key}
    child = (
        "import sys\n"
        "from embedsandbox import Sandbox\n"
        "with Sandbox(store=None) as sb:\n"
        "    if sys.argv[1] == 'save':\n"
        "        s = sb.session(language='python')\n"
        "        s.run('import json\\nstate = {\"n\": 41}')\n"
        "        open(sys.argv[2], 'wb').write(s.save())\n"
        "    else:\n"
        "        s = sb.resume(open(sys.argv[2], 'rb').read())\n"
        "        s.run('state[\"n\"] += 1')\n"
        "        print(s.run('print(json.dumps(state))').stdout, end='')\n"
    )
    path = tmp_path / "session.bin"
    for step in ("save", "resume"):
        done = subprocess.run(
            [sys.executable, "-c", child, step, str(path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert 0 == done.returncode, done.stderr
    assert '{"n": 42}\n' == done.stdout
    assert b"state" not in path.read_bytes()  # encrypted at rest


def test_what_cannot_be_saved_says_why(sandbox: Sandbox) -> None:
    with sandbox.session(language="python") as session:
        session.run("f = open('held.txt', 'w')")
        with pytest.raises(ConfigurationError, match="holds files open"):
            session.save()
        session.run("f.close()")
        assert session.save()


def test_a_sandbox_with_worker_processes_says_where_sessions_run(sandbox: Sandbox) -> None:
    from embedsandbox import PoolOptions

    with Sandbox(store=None, cache_dir=sandbox._cache_dir, pool=PoolOptions(processes=1)) as sb:
        with pytest.raises(LanguageUnavailableError, match="without them for sessions"):
            sb.session(language="python")


def test_a_sessions_start_has_the_run_quotas(sandbox: Sandbox) -> None:
    big = "x" * (120 << 10)  # each under its own cap, all together over 1 MiB
    with pytest.raises(RequestValidationError, match="env must hold at most"):
        sandbox.session(language="python", env={f"V{i}": big for i in range(12)})
    with pytest.raises(RequestValidationError, match="args must hold at most"):
        sandbox.session(language="python", args=[big] * 12)
    with pytest.raises(RequestValidationError, match="given twice"):
        sandbox.session(language="ruby", files=[{"path": "a", "contents": "1"}] * 2)
