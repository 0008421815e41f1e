# Runs INSIDE the Python guest (CPython on wasm32-wasip1). Stdlib only. The host runs it as
# the module `_embedsandbox` in a fresh guest before any job exists (a warm-up turn; see the
# end of this file), then runs one job with a second turn, `_embedsandbox_run(job)`: the job
# comes as its argument (JSON bytes) or, when it is big, from the host door (op "job"); it
# sets argv, environment and working directory from it, runs the user's code as main.py and,
# for a function, sends the JSON result back through the door. Each door message is framed
# as `op:payload` (the host's _engines/_core/_door.py says which ops there are); HTTP goes to
# the host's gateway as `host:` and its JSON message. Nothing here may leave a value at top
# level of a turn: turns echo expression values, as the interactive interpreter does.
import json as _json
import sys as _sys

import _host


def _call(op, payload=b""):
    # One framed door message; the host's raw reply.
    return _host.call(op.encode() + b":" + payload)


def _door(op, **fields):
    # A message for the host's gateway ({"op": "http", ...}); its reply is JSON.
    fields["op"] = op
    return _json.loads(_call("host", _json.dumps(fields).encode()))


def _patch_asyncio(module):
    # This build has no socketpair, which asyncio's selector loop uses only to wake itself
    # from another thread: without it asyncio.run() fails, so make that wake-up a no-op.
    def _noop(self, *args):
        return None

    cls = module.BaseSelectorEventLoop
    cls._make_self_pipe = _noop
    cls._close_self_pipe = _noop
    cls._write_to_self = _noop

    # Name resolution would need a thread (run_in_executor): say that there are no sockets.
    # Shutting the default executor down needs none, as it never started one (else
    # asyncio.run fails at its end after a refused to_thread).
    async def no_resolver(self, *args, **kwargs):
        raise PermissionError(_NO_SOCKETS.format("asyncio getaddrinfo"))

    async def shutdown_default_executor(self, timeout=None):
        self._executor_shutdown_called = True
        if self._default_executor is not None:
            self._default_executor.shutdown(wait=False)

    base = module.base_events.BaseEventLoop
    base.getaddrinfo = base.getnameinfo = no_resolver
    base.shutdown_default_executor = shutdown_default_executor


def _http_shim():
    # The HTTP shim (_guest/python_http.py) comes from the host only when guest code first
    # imports http.client or urllib3: runs that make no request never pay for it.
    global _HTTP
    if _HTTP is None:
        namespace = {"__name__": "_embedsandbox_http", "_door": _door}
        source = _json.loads(_call("shim", b"http"))["source"]
        exec(compile(source, "<embedsandbox http>", "exec"), namespace)
        _HTTP = namespace
    return _HTTP


_HTTP = None

# What the guest cannot do is refused where a program first tries, with one exception that
# says what was refused and what works instead ({} names the call). The stdlib's own errors
# there are AttributeErrors and errno 58s that send users the wrong way.
_NO_SOCKETS = (
    "the sandbox has no sockets ({}): make HTTP requests with urllib.request, http.client, "
    "requests or httpx, which go through the host, to the hosts in the request's http.allow"
)
_NO_PROCESSES = (
    "the sandbox cannot start processes ({}): run the work in this process (there is no "
    "shell and no pip: add packages with a custom runtime)"
)
_NO_THREADS = (
    "the sandbox has no threads ({}): run the work in this thread (asyncio works, but not "
    "asyncio.to_thread or run_in_executor)"
)


def _refusal(error, message, what):
    def refuse(*args, **kwargs):
        raise error(message.format(what))

    return refuse


def _refuse_in(module):
    # One patch for all the modules below (one function costs less to load than several).
    name = module.__name__
    if name == "socket":
        # `import socket` works (many libraries import it); making or resolving one does not.
        module.socket.__init__ = _refusal(PermissionError, _NO_SOCKETS, "socket.socket")
        for call in (
            "getaddrinfo", "create_connection", "create_server", "socketpair", "fromfd",
            "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo",
            "getservbyname", "getservbyport", "getprotobyname",
        ):  # fmt: skip
            setattr(module, call, _refusal(PermissionError, _NO_SOCKETS, "socket." + call))
    elif name == "subprocess":  # run, call, check_output, os.popen... all make a Popen
        module.Popen.__init__ = _refusal(PermissionError, _NO_PROCESSES, "subprocess.Popen")
    elif name == "multiprocessing.context":
        # Before the package binds these: what starts a process or needs one. Locks and
        # values keep their ImportError, which libraries catch (tqdm).
        for call in ("Pool", "Manager", "Pipe", "Queue", "JoinableQueue", "SimpleQueue"):
            refuse = _refusal(PermissionError, _NO_PROCESSES, "multiprocessing." + call)
            setattr(module.BaseContext, call, refuse)
        start = _refusal(PermissionError, _NO_PROCESSES, "multiprocessing.Process.start")
        module.process.BaseProcess.start = start
    elif name == "multiprocessing.pool":  # imported on its own
        module.Pool._state = module.INIT  # what Pool.__del__ reads
        module.Pool.__init__ = _refusal(PermissionError, _NO_PROCESSES, "multiprocessing.Pool")
        module.ThreadPool.__init__ = _refusal(RuntimeError, _NO_THREADS, "ThreadPool")
    elif name == "concurrent.futures.process":
        # ProcessPoolExecutor keeps its NotImplementedError (code falls back to threads on it).
        module._system_limits_checked = True
        module._system_limited = _NO_PROCESSES.format("ProcessPoolExecutor")
    elif name == "traceback":
        # CPython's hint for a missing module (`site` is off) sends users the wrong way. It is
        # added where a traceback is formatted (str(exc) has none): replaced there, so
        # imports, and failed imports a program catches, cost nothing more.
        cls = module.TracebackException
        init = cls.__init__

        def __init__(self, exc_type, exc_value, *args, **kwargs):
            init(self, exc_type, exc_value, *args, **kwargs)
            text = getattr(self, "_str", None)
            cut = text.find(". Site initialization is disabled") if type(text) is str else -1
            if cut >= 0:
                self._str = text[:cut] + _packages_hint(getattr(exc_value, "name", None) or ".")

        cls.__init__ = __init__


def _packages_hint(name):
    # After "No module named 'x'": what the guest has, and how to add packages.
    if "." in name:
        return ""  # a submodule: its package exists
    import os
    import zipimport

    entries = [entry for names in zipimport._zip_directory_cache.values() for entry in names]
    for folder in _PACKAGE_PATH:  # the host's packages folders
        entries += os.listdir(folder)
    have = {
        entry.partition("-")[0].replace("_", "-").lower()
        for entry in entries
        if entry.partition("/")[0].endswith(".dist-info")
    }
    return (
        f". This guest has the standard library and these packages: {', '.join(sorted(have))}"
        " (imported as PIL, bs4, yaml, sklearn, dateutil for pillow, beautifulsoup4, pyyaml, "
        "scikit-learn, python-dateutil). Add others with a custom runtime: "
        "sandbox.runtimes.create(language='python', manifest_file={'name': "
        "'requirements.txt', ...}), then run with its runtime_revision_id"
    )


def _load_matplotlib(load, module):
    # Without HOME (the guest has none unless the request sets it) matplotlib warns on every
    # run and makes a temporary folder: give it /tmp/matplotlib, made only when matplotlib is
    # imported. The variable is set only while matplotlib reads it (it caches its config and
    # cache folders), so the environment stays the request's.
    import os

    if "MPLCONFIGDIR" in os.environ or "HOME" in os.environ:
        return load(module)
    os.environ["MPLCONFIGDIR"] = "/tmp/matplotlib"
    try:
        load(module)
        module.get_cachedir()
    finally:
        del os.environ["MPLCONFIGDIR"]


# The guest's package folders besides the stdlib zip (from the host), set by `warm`.
_PACKAGE_PATH = []

# module name -> patch applied right after the module is first imported (matplotlib's is
# given the loading to do)
_PATCHES = {
    "asyncio.selector_events": _patch_asyncio,
    "concurrent.futures.process": _refuse_in,
    "matplotlib": _load_matplotlib,
    "multiprocessing.context": _refuse_in,
    "multiprocessing.pool": _refuse_in,
    "socket": _refuse_in,
    "subprocess": _refuse_in,
    "traceback": _refuse_in,
}
# These fetch the HTTP shim through the host door (the warm-up's or the job's) when first used.
_HTTP_PATCHES = {
    "http.client": lambda module: _http_shim()["patch_http_client"](module),
    "urllib.request": lambda module: _http_shim()["patch_urllib_request"](module),
    "urllib3.connection": lambda module: _http_shim()["patch_urllib3_connection"](module),
    "httpx._transports.default": lambda module: _http_shim()["patch_httpx_transports"](module),
}


class _PatchingLoader:
    """Wraps one module's loader: runs the module, then our patch. (Loaders can be shared
    between modules, the zip importer's is, so the original is never modified.)"""

    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        if self._patch is _load_matplotlib:
            return _load_matplotlib(self._loader.exec_module, module)
        self._loader.exec_module(module)
        self._patch(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


def _install_import_patches():
    class _Finder:  # a meta path finder (the protocol needs only find_spec)
        def find_spec(self, name, path, target=None):
            patch = _PATCHES.pop(name, None)
            if patch is None:
                return None
            import importlib.util

            _sys.meta_path.remove(self)
            try:
                spec = importlib.util.find_spec(name)
            finally:
                _sys.meta_path.insert(0, self)
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader, patch)
            return spec

    _sys.meta_path.insert(0, _Finder())
    # Threads: `_thread` is already imported, and threading takes its functions from it.
    import _thread
    import os

    refuse = _refusal(RuntimeError, _NO_THREADS, "threading.Thread.start")
    _thread.start_joinable_thread = _thread.start_new_thread = _thread.start_new = refuse
    if not hasattr(os, "system"):
        os.system = _refusal(PermissionError, _NO_PROCESSES, "os.system")


class _Capped:
    """Ends the run as soon as a stream passes the output cap (the host truncates anyway)."""

    def __init__(self, stream, cap):
        self._stream = stream
        self._left = cap

    def write(self, text):
        written = self._stream.write(text)
        self._left -= len(text)
        if self._left < 0:
            _exit_now(1)
        return written

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _flush():
    for stream in (_sys.stdout, _sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _exit_now(code):
    import os

    _flush()
    os._exit(code)


def _users(filename):
    return filename == "main.py" or filename.startswith("<call ")


def _print_user_traceback(exc):
    import traceback

    tb = exc.__traceback__
    # Show the user's frames only: skip ours until the first frame of main.py (or of a
    # session's call).
    while tb is not None and not _users(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb)


def _run_coroutine(coro):
    import asyncio

    return asyncio.run(coro)


def warm(path, imports):
    """Before any job: the runtime's import path and `additional_python_imports`."""
    for folder in path:
        _sys.path.append(folder)
    _PACKAGE_PATH[:] = path
    # Before the revision's imports, so that requests or urllib3 imported ahead are routed
    # through the gateway too (the warm-up's door serves the shim as the job's does).
    _PATCHES.update(_HTTP_PATCHES)
    _install_import_patches()  # no job data involved: done ahead, off the job's clock
    for module in imports:
        try:
            __import__(module)
        except BaseException:
            pass  # imported again in the job, which reports the error as the user's
    # As for `python main.py`: the script's folder (the working directory, /) comes first.
    _sys.path.insert(0, "/")
    import gc

    # Every object so far belongs to the shared state: the collector leaves them alone, so a
    # run's collections neither take their time nor write to (and so copy) their pages.
    gc.collect()
    gc.freeze()


def run(job=None):
    status = _main(job)
    _flush()
    _sys.exit(status)


_EMPTY = [None]  # a session's empty stdin, kept while calls have none

# A session's namespace: its calls run in it one after another (`session`).
_SESSION = {"__name__": "__main__", "__builtins__": __builtins__}
_CALLS = [0]


def session(job=None):
    """One call of a session: the job's code in the session's namespace, then its function."""
    _CALLS[0] += 1
    status = _main(job, _SESSION, f"<call {_CALLS[0]}>")
    _flush()
    if status:  # a turn that returns is exit code 0: SystemExit only when it is not
        _sys.exit(status)


def _reseed():
    # Every guest starts from one shared state: a generator seeded while it was built would
    # give every run the same numbers. Seeded afresh from the host's entropy instead.
    random = _sys.modules.get("random")
    if random is not None:
        random.seed()
    numpy_random = _sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


def _interactive(code, filename, namespace):
    # As the interactive interpreter: the value of a last expression is printed.
    import ast

    tree = ast.parse(code, filename)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, filename, "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
        if value is not None:
            print(repr(value))


def _main(message, namespace=None, filename="main.py"):
    job = _json.loads(message if message is not None else _call("job"))
    import os

    if "env" in job:  # a run, or a session's first call
        _reseed()
        # The guest gets exactly the environment and arguments it was given. (The instance
        # starts with an empty environment and / as its working directory; only a
        # difference costs.)
        if os.environ:
            os.environ.clear()
        if job["env"]:
            os.environ.update(job["env"])
        _sys.argv[:] = ["main.py", *job["args"]]
    if job["stdin"] or (namespace is not None and _sys.stdin is not _EMPTY[0]):
        # A session's call reads its own stdin (an empty one is kept for the next call).
        import binascii
        import io

        data = binascii.a2b_base64(job["stdin"])
        # As CPython's own stdin in UTF-8 mode: no newline translation.
        _sys.stdin = io.TextIOWrapper(
            io.BufferedReader(io.BytesIO(data)),
            encoding="utf-8",
            errors="surrogateescape",
            newline="\n",
        )
        _EMPTY[0] = _sys.stdin if not data else None
    cap = job["max_output_bytes"]
    for name in ("stdout", "stderr"):
        stream = getattr(_sys, name)
        if isinstance(stream, _Capped):  # a session's next call: the same stream, a new cap
            stream._left = cap
        else:
            setattr(_sys, name, _Capped(stream, cap))
    code = job["code"]
    import linecache

    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    if namespace is None:
        namespace = {"__name__": "__main__", "__file__": "main.py", "__builtins__": __builtins__}
    function = job.get("function") or ("execute" if job.get("entry") == "function" else None)
    entry = "function" if function else "script"
    try:
        # A runtime revision's `additional_python_imports`, before the user's code.
        for module in job.get("imports", ()):
            __import__(module)
        if code and job.get("interactive"):
            _interactive(code, filename, namespace)
        elif code:
            exec(compile(code, filename, "exec"), namespace)
        if entry == "function":
            execute = namespace.get(function)
            if not callable(execute):
                _sys.stderr.write(f"NameError: no function named {function!r} is defined\n")
                _call("result", b"error:")
                return 1
            result = execute(_json.loads(job["input"]))
            if hasattr(result, "__await__"):
                result = _run_coroutine(result)
    except SystemExit as exc:
        if entry == "function":
            _call("result", b"error:")
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        _sys.stderr.write(f"{code}\n")
        return 1
    except BaseException as exc:
        if isinstance(exc, MemoryError):
            # Free what the program holds so the traceback itself can be printed.
            namespace.clear()
            _call("limit", b"memory_size")
        _print_user_traceback(exc)
        if entry == "function":
            _call("result", b"error:")
        return 1
    if entry == "function":
        try:
            output = _json.dumps(result, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            message = f"output is not JSON serializable: {exc}"
            _sys.stderr.write(message + "\n")
            _call("result", ("json_serialization_error:" + message).encode("utf-8", "replace"))
            return 0
        _call("result", b"valid:" + output.encode())
    return 0


def _register():
    # The warm-up turn ran this file's code in a plain dict: make it the module
    # `_embedsandbox`, apply the runtime's settings, and bind the job's entry in __main__.
    import types

    import __main__

    module = types.ModuleType("_embedsandbox")
    module.__dict__.update(globals())
    _sys.modules["_embedsandbox"] = module
    warm(*_json.loads(_call("warm")))
    __main__._embedsandbox_run = run
    __main__._embedsandbox_session = session


_register()
