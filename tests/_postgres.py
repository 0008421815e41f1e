"""A real PostgreSQL server for the tests: Debian's binaries, a temporary folder, a loopback port.

`start()` runs `initdb` and `pg_ctl` (as the `postgres` user, or `nobody`, when the tests run as
root: PostgreSQL refuses to run as root) on 127.0.0.1 with a free port, password logins over
TCP (scram-sha-256), and durability off (fsync): it is thrown away at the end. `scripts/test`
installs the `postgresql` package when the binaries are missing; without them, `start()`
raises `Unavailable` with the reason, and the PostgreSQL tests skip with it. Binaries that are
there but fail to start are a failure (`RuntimeError`), not a skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "embedsandbox"


class Unavailable(Exception):
    """PostgreSQL cannot be started here (the message says why)."""


def _bin_dir() -> Path:
    found = shutil.which("pg_ctl")
    if found is not None and (Path(found).resolve().parent / "initdb").exists():
        return Path(found).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    msg = (
        "PostgreSQL's initdb and pg_ctl are not installed (scripts/test installs Debian's "
        "postgresql package with apt-get when they are missing)"
    )
    raise Unavailable(msg)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server; `url(database)` is a URL with the password in it."""

    folder: Path
    bin_dir: Path
    port: int
    password: str
    runner: list[str]

    def url(self, database: str = "postgres", **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        base = f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"
        return f"{base}?{query}" if query else base

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"t_{secrets.token_hex(6)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        subprocess.run(
            [*self.runner, str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-w"]
            + ["-m", "fast", "stop"],
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start(*, durable: bool = False) -> PostgresServer:
    """A new server in a temporary folder. Raises `Unavailable` when it cannot run here.

    `durable`: keep PostgreSQL's default fsync and synchronous commit (the benchmarks' server);
    the tests' server turns them off, since it is thrown away.
    """
    bin_dir = _bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="embedsandbox-pg-"))
    runner: list[str] = []
    if os.geteuid() == 0:  # initdb and postgres refuse root: run them as another user
        user = "postgres"
        try:
            pwd.getpwnam(user)
        except KeyError:
            user = "nobody"
        if shutil.which("runuser") is None:
            msg = "running as root without runuser: cannot start PostgreSQL as another user"
            raise RuntimeError(msg)
        runner = ["runuser", "-u", user, "--"]
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    password = secrets.token_hex(12)
    pwfile = folder / "pw"
    pwfile.write_text(password + "\n")
    if runner:
        os.chown(pwfile, pwd.getpwnam(runner[2]).pw_uid, -1)
    port = _free_port()
    log = folder / "log"
    steps = [
        [
            str(bin_dir / "initdb"),
            "-D",
            str(folder / "data"),
            "-U",
            USER,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ],
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(folder / "data"),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300"
            + (
                "" if durable else " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            ),
            "start",
        ],
    ]
    for step in steps:
        done = subprocess.run(
            [*runner, *step], capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode != 0:
            text = done.stdout + done.stderr
            with contextlib.suppress(OSError):
                text += log.read_text()
            shutil.rmtree(folder, ignore_errors=True)
            msg = f"{Path(step[0]).name} failed: {text.strip()[-2000:]}"
            raise RuntimeError(msg)
    return PostgresServer(folder, bin_dir, port, password, runner)
