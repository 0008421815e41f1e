# Runs INSIDE the Python guest (CPython on wasm32-wasip1). Stdlib only. The host runs it as
# the module `_embedsandbox` in a fresh guest before any job exists (a warm-up turn; see the
# end of this file), then runs one job with a second turn, `_embedsandbox_run()`: it asks the host door for the job,
# sets argv, environment and working directory from it, runs the user's code as main.py and,
# for a function, sends the JSON result back through the door. Each door message is a JSON
# object {"op": ...}; replies are JSON. Nothing here may leave a value at top level of a turn:
# turns echo expression values, as the interactive interpreter does.
import json as _json
import sys as _sys

import _host


def _door(op, **fields):
    fields["op"] = op
    return _json.loads(_host.call(_json.dumps(fields).encode()))


def _patch_asyncio(module):
    # This build has no socketpair, which asyncio's selector loop uses only to wake itself
    # from another thread: without it asyncio.run() fails, so make that wake-up a no-op.
    def _noop(self, *args):
        return None

    cls = module.BaseSelectorEventLoop
    cls._make_self_pipe = _noop
    cls._close_self_pipe = _noop
    cls._write_to_self = _noop


def _http_shim():
    # The HTTP shim (_guest/python_http.py) comes from the host only when guest code first
    # imports http.client or urllib3: runs that make no request never pay for it.
    global _HTTP
    if _HTTP is None:
        namespace = {"__name__": "_embedsandbox_http", "_door": _door}
        source = _door("shim", name="http")["source"]
        exec(compile(source, "<embedsandbox http>", "exec"), namespace)
        _HTTP = namespace
    return _HTTP


_HTTP = None

# module name -> patch applied right after the module is first imported
_PATCHES = {
    "asyncio.selector_events": _patch_asyncio,
    "http.client": lambda module: _http_shim()["patch_http_client"](module),
    "urllib.request": lambda module: _http_shim()["patch_urllib_request"](module),
    "urllib3.connection": lambda module: _http_shim()["patch_urllib3_connection"](module),
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


def _print_user_traceback(exc):
    import traceback

    tb = exc.__traceback__
    # Show the user's frames only: skip ours until the first frame of main.py.
    while tb is not None and tb.tb_frame.f_code.co_filename != "main.py":
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb)


def _run_coroutine(coro):
    import asyncio

    return asyncio.run(coro)


def warm(path, imports):
    """Before any job: the runtime's import path and `additional_python_imports`."""
    for folder in path:
        _sys.path.append(folder)
    for module in imports:
        try:
            __import__(module)
        except BaseException:
            pass  # imported again in the job, which reports the error as the user's
    _install_import_patches()  # no job data involved: done ahead, off the job's clock
    # As for `python main.py`: the script's folder (the working directory, /) comes first.
    _sys.path.insert(0, "/")


def run():
    status = _main()
    _flush()
    _sys.exit(status)


def _main():
    job = _door("job")
    import os

    # The guest gets exactly the environment and arguments it was given. (The instance starts
    # with an empty environment and / as its working directory; only a difference costs.)
    if os.environ:
        os.environ.clear()
    if job["env"]:
        os.environ.update(job["env"])
    _sys.argv[:] = ["main.py", *job["args"]]
    if job["stdin"]:
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
    cap = job["max_output_bytes"]
    _sys.stdout = _Capped(_sys.stdout, cap)
    _sys.stderr = _Capped(_sys.stderr, cap)
    code = job["code"]
    import linecache

    linecache.cache["main.py"] = (len(code), None, code.splitlines(True), "main.py")
    namespace = {"__name__": "__main__", "__file__": "main.py", "__builtins__": __builtins__}
    entry = job["entry"]
    try:
        # A runtime revision's `additional_python_imports`, before the user's code.
        for module in job.get("imports", ()):
            __import__(module)
        exec(compile(code, "main.py", "exec"), namespace)
        if entry == "function":
            execute = namespace.get("execute")
            if not callable(execute):
                _sys.stderr.write("NameError: no function named 'execute' is defined\n")
                _door("result", status="error")
                return 1
            result = execute(_json.loads(job["input"]))
            if hasattr(result, "__await__"):
                result = _run_coroutine(result)
    except SystemExit as exc:
        if entry == "function":
            _door("result", status="error")
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
            _door("limit", limit="memory_size")
        _print_user_traceback(exc)
        if entry == "function":
            _door("result", status="error")
        return 1
    if entry == "function":
        try:
            output = _json.dumps(result, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            message = f"output is not JSON serializable: {exc}"
            _sys.stderr.write(message + "\n")
            _door("result", status="json_serialization_error", message=message)
            return 0
        _door("result", status="valid", output=output)
    return 0


def _register():
    # The warm-up turn ran this file's code in a plain dict: make it the module
    # `_embedsandbox`, apply the runtime's settings, and bind the job's entry in __main__.
    import types

    import __main__

    module = types.ModuleType("_embedsandbox")
    module.__dict__.update(globals())
    _sys.modules["_embedsandbox"] = module
    warm(*_json.loads(_host.call(b"warm")))
    __main__._embedsandbox_run = run


_register()
