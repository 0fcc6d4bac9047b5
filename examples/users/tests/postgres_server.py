"""A real PostgreSQL server for the tests: a throwaway cluster on a free loopback port.

Started from Debian's ``postgresql`` package (``scripts/install-system-packages``): the
binaries are found under ``/usr/lib/postgresql/<version>/bin`` (the newest version
there), or on ``PATH``. `PostgresServer.start` runs ``initdb`` into a new temporary
folder, then ``postgres`` listening on 127.0.0.1 and a Unix socket in that folder only,
and waits until it accepts connections; `PostgresServer.stop` stops it by its PID and
deletes the folder.

``initdb`` and ``postgres`` refuse to run as root: as root (a container, CI), both run
as the unprivileged ``postgres`` user the Debian package creates, in a folder that user
owns; otherwise they run as the current user. The cluster trusts every local
connection (no password) and does not sync to disk: it only lives as long as the tests.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

__all__ = ["PostgresServer", "free_port"]

SERVER_USER = "postgres"
_MISSING = (
    "PostgreSQL's initdb and postgres are missing: run scripts/install-system-packages "
    "(Debian package postgresql)."
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.parent.name))


def find_bindir() -> Path:
    """The folder holding ``initdb`` and ``postgres``: Debian's newest, else PATH's.

    Raises:
        RuntimeError: PostgreSQL is not installed.
    """
    # Debian keeps the server binaries off PATH, one folder per major version.
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version_key
    )
    if installed:
        return installed[-1].parent
    initdb = shutil.which("initdb")
    if initdb is not None:
        return Path(initdb).resolve().parent
    raise RuntimeError(_MISSING)


class PostgresServer:
    """One ``postgres`` process on ``port``, where databases come and go on demand."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.directory: Path | None = None
        # Root may not run the server: it runs as SERVER_USER instead.
        self._as_user: dict[str, Any] = {}
        if os.geteuid() == 0:
            self._as_user = {"user": SERVER_USER, "group": SERVER_USER}

    def start(self) -> None:
        """Make a cluster in a new temporary folder, start it, wait until it accepts.

        Raises:
            RuntimeError: PostgreSQL is missing, or the server did not come up.
        """
        bindir = find_bindir()
        self.directory = Path(tempfile.mkdtemp(prefix="routetree-postgres-"))
        if self._as_user:
            try:
                entry = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise RuntimeError(
                    f"postgres may not run as root, and there is no {SERVER_USER!r} "
                    "user to run it as: install Debian's postgresql package, which "
                    "makes one."
                ) from None
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)
        data = self.directory / "data"
        log = self.directory / "server.log"
        done = subprocess.run(
            [
                str(bindir / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                SERVER_USER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ],
            check=False,
            capture_output=True,
            cwd=self.directory,
            **self._as_user,
        )
        if done.returncode != 0:
            self.stop()
            raise RuntimeError(
                f"initdb failed:\n{done.stderr.decode(errors='replace')}"
            )
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                [
                    str(bindir / "postgres"),
                    "-D",
                    str(data),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.directory),
                    # Durability is not what the tests are about: no waiting on disks.
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
                **self._as_user,
            )
        deadline = time.monotonic() + 30
        while not self.accepts():
            if self.process.poll() is not None or time.monotonic() > deadline:
                printed = log.read_text()
                self.stop()
                raise RuntimeError(
                    f"postgres did not start on port {self.port}:\n{printed}"
                )
            time.sleep(0.05)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database``: ``postgresql+psycopg://...``."""
        return f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str = "postgres") -> str:
        """The libpq connection string of ``database``, for `psycopg.connect`."""
        return f"host=127.0.0.1 port={self.port} user={SERVER_USER} dbname={database}"

    def accepts(self) -> bool:
        """Whether it accepts a connection now."""
        try:
            with psycopg.connect(self.conninfo(), connect_timeout=1):
                return True
        except psycopg.OperationalError:
            return False

    def create_database(self, name: str) -> None:
        """Create the empty database ``name``."""
        with psycopg.connect(self.conninfo(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        """Drop ``name``, closing the connections still open to it."""
        with psycopg.connect(self.conninfo(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop it (fast shutdown by its PID, then SIGKILL) and delete its folder."""
        process, self.process = self.process, None
        if process is not None:
            # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients.
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None
