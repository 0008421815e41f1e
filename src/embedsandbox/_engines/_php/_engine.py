"""`PhpEngine`: runs PHP invocations, one fresh guest each, on the engine core.

Every run is a new store on the guest state (PHP with its modules started, under the
`PHP_FLAGS` below: no php.ini is read, `-n`; made once per machine and cached, see
`_phpwasm.py`), mapped copy-on-write, and one request of PHP's CLI. What the guest sees:

- `/`: the run's folder (its files; the working directory), writable, capped by the disk
  quota like every guest's (`_core/_wasi.py`);
- `/.sandbox/`: the run's harness, read-only: `main.php` (the job's code) and, for
  run_function, `input.json`;
- `/.sandbox/lib/`: the engine's harness, read-only, the same for every run (written once
  per engine): `prelude.php` (`auto_prepend_file`: HTTP(S) stream wrappers and curl_* on
  the egress gateway; `_guest/php_prelude.php`), `http.php` and `curl.php` (their work and
  the host door, loaded on first use), `function.php` (run_function's entry) and the door
  file (`_door.py`);
- `$argv` (`main.php` first, then the request's args), the request's env only (getenv,
  `$_ENV`, `$_SERVER`), its stdin (`php://stdin`, `STDIN`).

Exit codes are PHP's: `exit(3)` is 3, a fatal error or an uncaught exception 255, with PHP's
message on stderr (`display_errors=stderr`, so stdout stays the program's output).
Memory: PHP's own `memory_limit` is off; the store's cap is the limit and a refused
`memory.grow` is `memory_size` whatever the script did after it (PHP's "Out of memory"
fatal error, usually).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import logging
import shutil
import threading
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Final

import wasmtime

from ...errors import RuntimeUnavailableError
from .._base import Invocation, LimitHit, RawOutcome
from .._core import TICKER, check_not_forked, discard_later, new_store, run_on_guest_thread
from .._core._folders import lay_out, new_folder, remove, stdin_file
from .._core._outcome import STOPS, GuestFacts, facts_outcome, record_trap
from .._core._outfiles import collect, folder_entries
from .._core._wasi import GuestStop
from ._door import DOOR_NAME, PhpHost
from ._phpwasm import STATE_VERSION, Build, Instance

__all__ = ["HARNESS", "PHP_FLAGS", "PhpEngine", "main_source", "state_key"]

logger = logging.getLogger("embedsandbox")

HARNESS: Final = "/.sandbox"
"""Where the guest sees the run's harness folder (read-only)."""
LIB: Final = "/.sandbox/lib"
"""Where the guest sees the engine's harness folder (read-only, shared by every run)."""
PHP_FLAGS: Final = (
    "-n",  # no php.ini: these flags are every setting
    "-d", "display_errors=stderr",
    "-d", "log_errors=0",
    "-d", "html_errors=0",
    "-d", "error_reporting=E_ALL",
    "-d", "memory_limit=-1",  # the store's memory cap is the limit (see the module doc)
    "-d", "max_execution_time=0",  # the run's deadline and fuel are the limits
    "-d", "variables_order=EGPCS",  # $_ENV filled: the request's env, nothing else
    "-d", "date.timezone=UTC",
    "-d", "allow_url_include=0",
    "-d", f"auto_prepend_file={LIB}/prelude.php",
)  # fmt: skip
_PRELUDE: Final = resources.files("embedsandbox._guest").joinpath("php_prelude.php")
_HTTP: Final = resources.files("embedsandbox._guest").joinpath("php_http.php")
_CURL: Final = resources.files("embedsandbox._guest").joinpath("php_curl.php")
_UNCAPPED_FUEL: Final = 2**62  # fuel is counted for every run (one metered build)
# The state is made under this cap; it holds about 20 MiB, the least any run has.
_STATE_MEMORY_CAP: Final = 256 << 20
_TRAP_LINES: Final[dict[object, str]] = {
    wasmtime.TrapCode.STACK_OVERFLOW: (
        "PHP Fatal error:  the guest's stack overflowed (infinite recursion?)\n"
    ),
}
# run_function's entry: the job's code, then execute(input) with the input decoded as PHP
# does it (objects as arrays), its result sent through the door (framed as `_door.py` says;
# inline, so that a function does not load http.php).
_FUNCTION_PHP: Final = f"""<?php
require '{HARNESS}/main.php';
(static function (): void {{
    $send = static function (string $message): void {{
        $door = fopen('{LIB}/door', 'r');
        stream_set_read_buffer($door, 0);
        fwrite($door, strlen($message) . "\\n" . $message);
        fread($door, 4);  // the reply's length: 0
    }};
    if (!function_exists('execute')) {{
        fwrite(STDERR, "main.php: the code defines no function execute(\\$input); define it, "
            . "e.g. function execute(\\$input) {{ return \\$input; }}\\n");
        exit(1);
    }}
    $input = json_decode(file_get_contents('{HARNESS}/input.json'), true, 512, JSON_THROW_ON_ERROR);
    $value = execute($input);
    $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION;
    $json = json_encode($value, $flags);
    if ($json === false) {{
        $type = get_debug_type($value);
        fwrite(STDERR, "main.php: execute(\\$input) returned a $type that is not JSON ("
            . json_last_error_msg() . ")\\n");
        $send('result:json_serialization_error:');
        exit(1);
    }}
    $send('result:valid:' . $json);
}})();
"""


def main_source(code: str) -> str:
    """The job's code as `main.php`: PHP's own file rules, plus code with no open tag.

    A PHP file is text until `<?php`; code without any open tag (`<?php`, `<?=`, `<?`) is
    taken as PHP code, as `php -r` would, so `echo 1;` runs instead of being printed.
    """
    if "<?" in code:
        return code
    return "<?php\n" + code


class PhpEngine:
    """Runs PHP invocations in fresh php.wasm guests. Thread-safe.

    `cache_dir` (`<cache>/php`) holds the compiled code module (5-10 s to compile, once)
    and the initial memory module.
    """

    def __init__(self, cache_dir: Path) -> None:
        self._cache_dir = Path(cache_dir)
        self._build: Build | None = None
        self._state: wasmtime.Module | None = None
        self._lib: Path | None = None
        self._at_exit: Callable[[], None] = lambda: None
        self._lock = threading.Lock()

    def _load(self) -> tuple[Build, wasmtime.Module, Path]:
        if self._build is None or self._state is None or self._lib is None:
            with self._lock:
                if self._build is None:
                    self._build = Build.get(self._cache_dir)
                if self._state is None:
                    build = self._build
                    self._state = build.state(
                        state_key(build.digest),
                        lambda: run_on_guest_thread(lambda: _state_image(build)),
                    )
                if self._lib is None:
                    lib = self._lib = make_lib(new_folder("embedsandbox-php-lib-"))
                    self._at_exit = functools.partial(_remove_tree, lib)
                    atexit.register(self._at_exit)
        return self._build, self._state, self._lib

    def compiled_in_cache(self) -> bool:
        """Whether the code module is compiled and cached (else ~5-10 s on first use)."""
        try:
            return Build.code_path_of(self._cache_dir).is_file()
        except (RuntimeUnavailableError, KeyError):
            return False

    def warmup(self) -> None:
        """Check and compile the build (or load it from the cache), then run once."""
        self.run(Invocation(language="php", code="<?php", entry="script"))

    def close(self) -> None:
        """Remove the engine's harness folder (guests live for one run). Idempotent."""
        with self._lock:
            lib, self._lib = self._lib, None
        if lib is not None:
            atexit.unregister(self._at_exit)
            _remove_tree(lib)

    def run(self, invocation: Invocation, /) -> RawOutcome:
        """Run one invocation in a fresh guest and report how it ended."""
        check_not_forked("PHP")  # wasmtime and our threads do not survive a fork
        build, state, lib = self._load()
        facts: GuestFacts = run_on_guest_thread(lambda: _run(build, state, lib, invocation))
        return facts_outcome(facts, invocation.entry, invocation.limits.max_output_bytes)


def state_key(digest: str) -> str:
    """The name of the guest state, from everything that went into it."""
    settings = [digest, STATE_VERSION, PHP_FLAGS, _STATE_MEMORY_CAP, "/", HARNESS, LIB]
    return hashlib.sha256(json.dumps(settings).encode()).hexdigest()


def _wasi(
    folders: tuple[Path, Path, Path],
    argv: list[str],
    env: list[tuple[str, str]],
    stdin: str | None,
) -> wasmtime.WasiConfig:
    wasi = wasmtime.WasiConfig()
    wasi.argv = argv
    wasi.env = env
    if stdin is not None:
        wasi.stdin_file = stdin
    # The order fixes the descriptors, the same in the state and every run: 3 is the run's
    # folder, 4 its harness, 5 the engine's (`_door.py`); wasi-libc's table of them is in
    # the state, and it resolves a path by the longest preopened prefix.
    folder, harness, lib = folders
    wasi.preopen_dir(str(folder), "/")
    wasi.preopen_dir(str(harness), HARNESS, False)
    wasi.preopen_dir(str(lib), LIB, False)
    return wasi


def _run_wasi(
    folders: tuple[Path, Path, Path], invocation: Invocation, stdin: str | None
) -> wasmtime.WasiConfig:
    # A request's args: the script, then the request's own (the flags are the state's).
    script = f"{LIB}/function.php" if invocation.entry == "function" else f"{HARNESS}/main.php"
    argv = ["php", script, *invocation.args]
    return _wasi(folders, argv, list(invocation.env.items()), stdin)


def make_lib(folder: Path) -> Path:
    """Fill `folder` with the engine's harness (see the module doc); read-only files."""
    for name, text in (
        ("prelude.php", _PRELUDE.read_text("utf-8")),
        ("http.php", _HTTP.read_text("utf-8")),
        ("curl.php", _CURL.read_text("utf-8")),
        ("function.php", _FUNCTION_PHP),
        (DOOR_NAME, ""),
    ):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o400)
    folder.chmod(0o500)
    return folder


def _state_image(build: Build) -> bytes:
    """Start PHP's modules in a fresh guest under `PHP_FLAGS` and take its memory."""
    logger.info("embedsandbox: making the PHP guest state (once per machine)")
    folder = new_folder("embedsandbox-php-state-")
    harness = new_folder("embedsandbox-php-state-harness-")
    lib = make_lib(new_folder("embedsandbox-php-state-lib-"))
    host = PhpHost(
        max_output_bytes=1 << 20,
        deadline=time.monotonic() + 120,
        disk_bytes=0,
        disk_files=0,
        host_call=None,
    )
    store = new_store(
        True,
        fuel=_UNCAPPED_FUEL,
        memory=_STATE_MEMORY_CAP,
        deadline_s=120,
        wasi=_wasi((folder, harness, lib), ["php", *PHP_FLAGS], [], None),
    )
    try:
        with TICKER.active():
            guest = Instance(build, store, host)
            start = guest.globals_now()
            status = guest.startup()
            ready = status == 0 and guest.globals_now() == start and not guest.grow_refused()
        if not ready or host.stdout or host.stderr:
            detail = (host.stderr or host.stdout).decode("utf-8", "replace")[-2000:]
            msg = f"the PHP guest state could not be made (status {status}): {detail}"
            raise RuntimeUnavailableError(msg)
        return guest.memory_image()
    finally:
        store.close()
        for made in (folder, harness, lib):
            _remove_tree(made)


def _harness(harness: Path, invocation: Invocation) -> None:
    (harness / "main.php").write_text(main_source(invocation.code), encoding="utf-8")
    if invocation.entry == "function":
        (harness / "input.json").write_text(invocation.input_json, encoding="utf-8")
    harness.chmod(0o500)  # the preopen is read-only too; this keeps the host's view alike


def _remove_run(folder: Path, harness: Path, stdin_path: str | None) -> None:
    _remove_tree(harness)
    remove(folder, stdin_path)


def _remove_tree(folder: Path) -> None:
    folder.chmod(0o700)  # read-only folders (0500) cannot be emptied otherwise
    shutil.rmtree(folder, ignore_errors=True)


def _run(build: Build, state: wasmtime.Module, lib: Path, invocation: Invocation) -> GuestFacts:
    """One guest, from a new store to its facts (on a guest thread)."""
    limits = invocation.limits
    fuel = limits.fuel if limits.fuel is not None else _UNCAPPED_FUEL
    folder = new_folder("embedsandbox-php-")
    harness = new_folder("embedsandbox-php-harness-")
    stdin_path: str | None = None
    store: wasmtime.Store | None = None
    host = PhpHost(
        max_output_bytes=limits.max_output_bytes,
        deadline=time.monotonic() + limits.deadline_s,
        disk_bytes=limits.disk_bytes,
        disk_files=limits.disk_files,
        host_call=invocation.host_call,
    )
    facts = GuestFacts(None, b"", b"", 0, None, None)
    try:
        files = dict(invocation.files)
        host.spend_disk(sum(len(c.encode("utf-8")) for c in files.values()), len(files))
        lay_out(folder, files)
        _harness(harness, invocation)
        if invocation.stdin:
            stdin_path = stdin_file("embedsandbox-php-stdin-", invocation.stdin)
        store = new_store(
            True,
            fuel=fuel,
            memory=limits.memory_limit_bytes,
            deadline_s=limits.deadline_s,
            wasi=_run_wasi((folder, harness, lib), invocation, stdin_path),
        )
        try:
            guest = Instance(build, store, host, state)
        except (wasmtime.WasmtimeError, wasmtime.Trap) as e:
            # The interpreter's own memory is over the cap.
            facts.limit = LimitHit.MEMORY_SIZE
            facts.note = f"embedsandbox: a PHP guest needs more memory than memory_size ({e})\n"
            return facts
        _request(guest, facts)
        facts.fuel_used = fuel - store.get_fuel()
        facts.result = host.result
    except GuestStop as e:  # before any guest code ran: the files are over the quota
        facts.limit = STOPS[e.reason]
    finally:
        facts.stdout, facts.stderr = bytes(host.stdout), bytes(host.stderr)
        if invocation.output_files:  # before the folder is removed
            facts.files = RawOutcome(0, "", "")
            collect(folder_entries(folder), invocation.output_files, limits, facts.files)
        if store is not None:
            discard_later(store.close)
        discard_later(lambda: _remove_run(folder, harness, stdin_path))
    return facts


def _request(guest: Instance, facts: GuestFacts) -> None:
    with TICKER.active():
        try:
            facts.exit_code = guest.request()
        except GuestStop as e:
            facts.limit = STOPS[e.reason]
        except wasmtime.Trap as e:
            record_trap(facts, e, _TRAP_LINES)
    if guest.grow_refused():  # the memory cap was hit, whatever the script did after it
        facts.limit = LimitHit.MEMORY_SIZE
        facts.note = ""
