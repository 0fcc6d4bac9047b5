"""A real nginx for the tests: the ``http`` block a test gives, on a free loopback port.

Started from Debian's ``nginx`` package (scripts/install-system-packages) in the
foreground, with its own prefix folder (temp files, pid file, logs) so that it needs
no root and touches nothing of the system's nginx; stopped by its PID.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

__all__ = ["NginxServer"]

_MAIN = """\
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format upstream '$request $status $upstream_addr';
    access_log {prefix}/access.log upstream;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{http}
}}
"""


class NginxServer:
    """One nginx process serving ``http`` (the inside of an ``http { }`` block)."""

    def __init__(self, prefix: Path, http: str, port: int) -> None:
        self.prefix = prefix
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.config = prefix / "nginx.conf"
        prefix.mkdir(parents=True, exist_ok=True)
        self.config.write_text(_MAIN.format(prefix=prefix, http=http))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Check the config (``nginx -t``), start nginx, wait until it accepts."""
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).is_file():
            raise RuntimeError(
                "nginx is missing: run scripts/install-system-packages "
                "(Debian package nginx)."
            )
        command = [binary, "-p", str(self.prefix), "-c", str(self.config)]
        checked = subprocess.run(
            [*command, "-t"], capture_output=True, text=True, check=False
        )
        if checked.returncode != 0:
            raise RuntimeError(f"nginx refused its config:\n{checked.stderr}")
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while not self._accepts():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"nginx did not start on port {self.port}:\n{self.error_log()}"
                )
            time.sleep(0.02)

    def _accepts(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def error_log(self) -> str:
        """What nginx wrote to its error log so far."""
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.is_file() else ""

    def stop(self) -> None:
        """Stop it (SIGTERM to its PID, then SIGKILL) and wait for it to exit."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
