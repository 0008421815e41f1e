"""What a new user hits in the Python guest: sockets, processes and threads are refused with
one clear exception each (what was refused, what works instead), a missing module says what
the guest has and how to add packages, and matplotlib runs without a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embedsandbox import Sandbox
from embedsandbox._engines._base import Invocation, RuntimePackages
from embedsandbox._engines._pool import PoolSize
from embedsandbox._engines._python import PythonEngine

pytestmark = pytest.mark.guest

NO_SOCKETS = "the sandbox has no sockets ({}): make HTTP requests with urllib.request"
NO_PROCESSES = "the sandbox cannot start processes ({}): run the work in this process"
NO_THREADS = "the sandbox has no threads ({}): run the work in this thread"

# Runs each call, prints one JSON line per call: the exception's type, its bases, its message.
PROBE = """\
import json
def probe(label, call):
    try:
        call()
    except BaseException as e:
        kinds = [k.__name__ for k in type(e).__mro__]
        print(json.dumps([label, kinds, str(e)]))
    else:
        print(json.dumps([label, None, None]))
"""


def _probe(sandbox: Sandbox, calls: str) -> dict[str, tuple[list[str], str]]:
    result = sandbox.run_script(language="python", code=PROBE + calls)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {label: (kinds, message) for label, kinds, message in rows}


def test_sockets_are_refused_with_one_clear_oserror(sandbox: Sandbox) -> None:
    seen = _probe(
        sandbox,
        "import socket\n"  # importing it works: many libraries do
        "probe('socket.socket', lambda: socket.socket())\n"
        "probe('socket.getaddrinfo', lambda: socket.getaddrinfo('example.com', 80))\n"
        "probe('socket.create_connection', lambda: socket.create_connection(('1.2.3.4', 80)))\n"
        "probe('socket.gethostbyname', lambda: socket.gethostbyname('example.com'))\n"
        "probe('socket.socketpair', socket.socketpair)\n"
        "probe('socket.create_server', lambda: socket.create_server(('', 8000)))\n",
    )
    for call, (kinds, message) in seen.items():
        assert kinds is not None, call
        assert kinds[:2] == ["PermissionError", "OSError"], call
        assert message.startswith(NO_SOCKETS.format(call)), message
        assert "http.allow" in message
    # What used the resolver still works, without one.
    result = sandbox.run_script(
        language="python",
        code="import socket, email.utils\nprint(socket.getfqdn(), '@' in email.utils.make_msgid())",
    )
    assert (result.exit_code, result.stdout) == (0, "(none) True\n"), result.stderr


@pytest.mark.parametrize(
    ("call", "what"),
    [
        ("import subprocess; subprocess.run(['ls'])", "subprocess.Popen"),
        ("import subprocess; subprocess.Popen(['ls'])", "subprocess.Popen"),
        ("import subprocess; subprocess.call('ls', shell=True)", "subprocess.Popen"),
        ("import subprocess; subprocess.check_output(['pip', 'list'])", "subprocess.Popen"),
        ("import os; os.system('pip install requests')", "os.system"),
        ("import os; os.popen('ls')", "subprocess.Popen"),
        (
            "import multiprocessing as m; m.Process(target=print).start()",
            "multiprocessing.Process.start",
        ),
        ("import multiprocessing as m; m.Pool(2)", "multiprocessing.Pool"),
        ("from multiprocessing.pool import Pool; Pool(2)", "multiprocessing.Pool"),
        ("import multiprocessing as m; m.Queue()", "multiprocessing.Queue"),
        ("import multiprocessing as m; m.Manager()", "multiprocessing.Manager"),
        (
            "import multiprocessing as m; m.get_context('spawn').Process(target=print).start()",
            "multiprocessing.Process.start",
        ),
    ],
)
def test_processes_are_refused_with_one_clear_oserror(
    sandbox: Sandbox, call: str, what: str
) -> None:
    result = sandbox.run_script(
        language="python",
        code=f"try:\n    {call}\nexcept OSError as e:\n    print(type(e).__name__, e)\n",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("PermissionError " + NO_PROCESSES.format(what)), result.stdout
    assert "no pip: add packages with a custom runtime" in result.stdout
    assert result.stderr == ""


def test_a_process_pool_executor_keeps_its_not_implemented_error(sandbox: Sandbox) -> None:
    seen = _probe(
        sandbox,
        "import concurrent.futures as f\n"
        "probe('pool', lambda: f.ProcessPoolExecutor().submit(print, 1).result())\n",
    )
    kinds, message = seen["pool"]
    assert kinds[0] == "NotImplementedError"  # what code falls back to threads on
    assert message.startswith(NO_PROCESSES.format("ProcessPoolExecutor"))


def test_threads_are_refused_with_one_clear_runtime_error(sandbox: Sandbox) -> None:
    seen = _probe(
        sandbox,
        "import threading, _thread, concurrent.futures as f\n"
        "from multiprocessing.pool import ThreadPool\n"
        "probe('Thread.start', lambda: threading.Thread(target=print).start())\n"
        "probe('executor', lambda: f.ThreadPoolExecutor().submit(print, 1))\n"
        "probe('_thread', lambda: _thread.start_new_thread(print, ()))\n"
        "probe('ThreadPool', lambda: ThreadPool(2))\n",
    )
    assert seen["ThreadPool"][1].startswith(NO_THREADS.format("ThreadPool"))
    for call in ("Thread.start", "executor", "_thread"):
        kinds, message = seen[call]
        assert kinds[0] == "RuntimeError", call
        assert message.startswith(NO_THREADS.format("threading.Thread.start")), message


def test_asyncio_runs_and_refuses_what_needs_a_thread_or_a_socket(sandbox: Sandbox) -> None:
    code = (
        "import asyncio\n"
        "async def main():\n"
        "    for call in (lambda: asyncio.to_thread(print, 1),\n"
        "                 lambda: asyncio.open_connection('example.com', 80),\n"
        "                 lambda: asyncio.create_subprocess_exec('ls')):\n"
        "        try:\n"
        "            await call()\n"
        "        except Exception as e:\n"
        "            print(type(e).__name__, str(e).partition(':')[0])\n"
        "    await asyncio.sleep(0)\n"
        "    return 'done'\n"
        "print(asyncio.run(main()))\n"  # its end shuts the default executor down, threadless
    )
    result = sandbox.run_script(language="python", code=code)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "RuntimeError the sandbox has no threads (threading.Thread.start)\n"
        "PermissionError the sandbox has no sockets (asyncio getaddrinfo)\n"
        "PermissionError the sandbox cannot start processes (subprocess.Popen)\n"
        "done\n"
    )
    assert result.stderr == ""


def test_tqdm_still_finds_no_multiprocessing_lock(sandbox: Sandbox) -> None:
    # tqdm catches the ImportError a multiprocessing lock raises: locks are left as they were.
    code = "from tqdm import tqdm\nprint(sum(tqdm(range(5), disable=True)))"
    result = sandbox.run_script(language="python", code=code)
    assert (result.exit_code, result.stdout) == (0, "10\n"), result.stderr


def test_a_missing_module_says_what_the_guest_has_and_how_to_add_packages(
    sandbox: Sandbox,
) -> None:
    result = sandbox.run_script(language="python", code="import torch")
    assert result.exit_code == 1
    assert "Site initialization" not in result.stderr
    last = result.stderr.rstrip().splitlines()[-1]
    assert last.startswith(
        "ModuleNotFoundError: No module named 'torch'. This guest has the standard library "
        "and these packages: "
    )
    for package in ("numpy", "pandas", "matplotlib", "scikit-learn", "pillow"):
        assert f" {package}," in last
    assert "sandbox.runtimes.create(language='python'" in last
    assert last.endswith("then run with its runtime_revision_id")


def test_a_missing_module_is_still_a_plain_module_not_found_error(sandbox: Sandbox) -> None:
    code = (
        "import importlib.util, traceback\n"
        "try:\n    import torch\n"
        "except ImportError as e:\n"
        "    print(type(e).__name__, e.name, str(e))\n"
        "    print('This guest has' in traceback.format_exc())\n"
        "print(importlib.util.find_spec('torch'))\n"  # probing for a module still works
        "try:\n    import xml.nope\n"
        "except ImportError:\n    print(traceback.format_exc().rstrip().splitlines()[-1])\n"
    )
    result = sandbox.run_script(language="python", code=code)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "ModuleNotFoundError torch No module named 'torch'\n"
        "True\n"
        "None\n"
        "ModuleNotFoundError: No module named 'xml.nope'\n"  # a submodule: no hint
    )


def test_matplotlib_runs_without_a_warning_and_leaves_the_environment_alone(
    sandbox: Sandbox,
) -> None:
    code = (
        "import os, matplotlib\n"
        "matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "plt.plot([1, 2, 3]); plt.savefig('plot.png')\n"
        "print(matplotlib.get_configdir(), matplotlib.get_cachedir())\n"
        "print(dict(os.environ), sorted(os.listdir('/')))\n"
    )
    result = sandbox.run_script(language="python", code=code, env={"A": "1"})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == ("/tmp/matplotlib /tmp/matplotlib\n{'A': '1'} ['plot.png', 'tmp']\n")
    # A request's HOME is matplotlib's to use; nothing is set then.
    result = sandbox.run_script(
        language="python",
        code="import os, matplotlib\nprint(matplotlib.get_configdir(), dict(os.environ))",
        env={"HOME": "/home"},
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "/home/.matplotlib {'HOME': '/home'}\n"


def test_a_runtime_guest_is_patched_before_its_imports_and_lists_its_packages(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.warmup(["python"])
    (tmp_path / "slugs_fake-1.0.dist-info").mkdir()
    (tmp_path / "slugs_fake").mkdir()
    (tmp_path / "slugs_fake" / "__init__.py").write_text("X = 1\n")
    engine = PythonEngine(sandbox._cache_dir / "python", PoolSize(0, 0))
    try:
        packages = RuntimePackages(python_path=str(tmp_path), imports=("asyncio", "socket"))
        code = (
            "import asyncio, socket, slugs_fake\n"
            "async def main():\n    return slugs_fake.X\n"
            "print(asyncio.run(main()))\n"  # asyncio imported before the job, patched
            "try:\n    socket.getaddrinfo('example.com', 80)\n"
            "except OSError as e:\n    print(str(e).partition(':')[0])\n"
            "import torch\n"
        )
        outcome = engine.run(
            Invocation(language="python", code=code, entry="script", packages=packages)
        )
        assert outcome.stdout == "1\nthe sandbox has no sockets (socket.getaddrinfo)\n"
        assert "these packages: " in outcome.stderr and " attrs, " in outcome.stderr
        assert " slugs-fake, " in outcome.stderr  # the runtime's own
    finally:
        engine.close()
