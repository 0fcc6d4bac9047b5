"""Run the real ``routetree start`` with its stdout and stderr kept apart.

`routetree.testing.live_server` merges the two streams; the log tests need to know
which line went where, and every line, so they stop the server before reading.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_URL = re.compile(r"http://127\.0\.0\.1:\d+")


@dataclass
class LoggedServer:
    """A running ``routetree start``: its URL, process and the lines of each stream."""

    url: str
    process: subprocess.Popen[str]
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    _readers: list[threading.Thread] = field(default_factory=list)

    def stop(self) -> int:
        """SIGTERM the server, wait for it and for its last lines; its exit status."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            code = self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        for reader in self._readers:
            reader.join(10)
        return code


def _drain(stream: IO[str], lines: list[str]) -> None:
    for line in stream:
        lines.append(line.rstrip("\n"))


@contextlib.contextmanager
def logged_server(
    project: Path, *args: str, timeout: float = 30.0
) -> Iterator[LoggedServer]:
    """Run ``routetree start project --port 0 *args``; yield once its URL is printed."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "routetree",
            "start",
            str(project),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
        encoding="utf-8",
    )
    server = LoggedServer("", process)
    for stream, lines in (
        (process.stdout, server.stdout),
        (process.stderr, server.stderr),
    ):
        reader = threading.Thread(target=_drain, args=(stream, lines), daemon=True)
        reader.start()
        server._readers.append(reader)
    try:
        deadline = time.monotonic() + timeout
        while not server.url:
            for line in list(server.stdout):
                if found := _URL.search(line):
                    server.url = found.group()
                    break
            else:
                if time.monotonic() > deadline or process.poll() is not None:
                    server.stop()
                    raise RuntimeError(
                        "routetree start did not print its URL:\n"
                        + "\n".join(server.stdout + server.stderr)
                    )
                time.sleep(0.05)
        yield server
    finally:
        server.stop()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
