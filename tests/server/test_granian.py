"""``routetree start --server granian``: what is granian's own, through a real server.

The answers, logs and drain that are the same as under uvicorn are tested under both
servers in ``test_serve.py``, ``test_access_log.py``, ``test_health.py`` and
``test_drain.py``; here: start-up failure codes, the limits granian takes from
``[server]``, and a clean end of the process.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest

from routetree._server._serve import SERVERS
from routetree.testing import LiveServer, live_server

if TYPE_CHECKING:
    from tests.conftest import MakeProject

HELLO = {
    "app/api/hello/route.py": """
        from routetree import Response

        def GET():
            return Response("hello")
        """,
}


def _connect(server: LiveServer) -> socket.socket:
    address = urlsplit(server)
    return socket.create_connection((address.hostname, address.port), timeout=10)


def _read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


@pytest.mark.parametrize("server_name", SERVERS)
@pytest.mark.parametrize(("workers", "code"), [((), 3), (("--workers", "2"), 1)])
def test_a_failing_register_ends_start_with_the_same_code(
    make_project: MakeProject,
    server_name: str,
    workers: tuple[str, ...],
    code: int,
) -> None:
    project = make_project(
        {**HELLO, "instrumentation.py": "def register():\n    raise OSError('db')\n"}
    )
    args = ["start", str(project), "--port", "0", "--server", server_name, *workers]
    result = subprocess.run(
        [sys.executable, "-m", "routetree", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == code, result.stderr
    assert "OSError: db" in result.stderr


def test_header_timeout_closes_a_connection_whose_head_stalls(
    make_project: MakeProject,
) -> None:
    project = make_project({**HELLO, "routetree.toml": "[server]\nheader_timeout = 1"})
    with live_server(project, args=("--server", "granian")) as server:
        with _connect(server) as sock:
            sock.sendall(b"GET /api/hello HTTP/1.1\r\nHost: x\r\n")
            started = time.monotonic()
            _read_until_closed(sock)
            closed = time.monotonic() - started
        assert 0.8 < closed < 5
        assert httpx.get(f"{server}/api/hello").text == "hello"


@pytest.mark.parametrize(("setting", "closed"), [("0", True), ("5", False)])
def test_keep_alive_timeout_0_closes_after_each_response(
    make_project: MakeProject, setting: str, closed: bool
) -> None:
    project = make_project(
        {**HELLO, "routetree.toml": f"[server]\nkeep_alive_timeout = {setting}"}
    )
    with live_server(project, args=("--server", "granian")) as server:
        with httpx.Client(base_url=server) as client:
            response = client.get("/api/hello")
        assert response.text == "hello"
        assert (response.headers.get("connection") == "close") is closed


def test_the_process_ends_without_a_rust_panic(make_project: MakeProject) -> None:
    # Finalizing Python under granian's threads used to abort now and then: before
    # the fix, about one run of this test in three saw a panic in its ten stops.
    project = make_project(HELLO)
    for _ in range(10):
        with live_server(project, args=("--server", "granian")) as server:
            assert httpx.get(f"{server}/api/hello").text == "hello"
            server.process.send_signal(signal.SIGTERM)
            assert server.process.wait(20) == 0
        assert "panicked" not in server.output, server.output


def test_a_max_headers_above_hypers_limit_is_warned_about(
    make_project: MakeProject,
) -> None:
    project = make_project({**HELLO, "routetree.toml": "[server]\nmax_headers = 200"})
    with live_server(project, args=("--server", "granian")) as server:
        assert httpx.get(f"{server}/api/hello").text == "hello"
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(20) == 0
    assert "max_headers = 200" in server.output
    assert "more than 100 header lines" in server.output
