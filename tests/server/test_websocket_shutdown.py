"""Open WebSockets at a shutdown (`DrainState.begin` in routetree._server._health).

SIGTERM on ``routetree start`` closes every socket with 1001 at once, under uvicorn
and granian, in one process and in each of two workers, while an HTTP request in
flight still finishes; a ``routetree dev`` reload closes them with 1012.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import signal
import time
from typing import TYPE_CHECKING

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from routetree._server._serve import SERVERS
from routetree.testing import live_server

if TYPE_CHECKING:
    from tests.conftest import MakeProject

PROJECT = {
    "app/api/chat/route.py": """
    import os

    from routetree import WebSocket

    async def WEBSOCKET(socket: WebSocket) -> None:
        await socket.accept()
        await socket.send_text(str(os.getpid()))
        async for message in socket:
            await socket.send_text(message)
    """,
    "app/api/slow/route.py": """
    import asyncio

    from routetree import Response

    async def GET() -> Response:
        await asyncio.sleep(2)
        return Response("slow done")
    """,
}


def _closed_code(connection: ClientConnection) -> tuple[int | None, float]:
    """Wait until the server closes; its close code and how long that took."""
    started = time.monotonic()
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            connection.recv(timeout=10)
    frame = closed.value.rcvd
    return (None if frame is None else frame.code), time.monotonic() - started


def _sockets_in_every_worker(
    base: str, workers: int, stack: contextlib.ExitStack[bool | None]
) -> list[ClientConnection]:
    """Open sockets until ``workers`` different processes hold at least one."""
    connections: list[ClientConnection] = []
    pids: set[str] = set()
    deadline = time.monotonic() + 30
    while len(pids) < workers:
        assert time.monotonic() < deadline, "a worker never took a socket"
        connection = stack.enter_context(connect(f"{base}/api/chat"))
        connections.append(connection)
        pid = connection.recv(timeout=5)
        assert isinstance(pid, str)
        pids.add(pid)
    return connections


@pytest.mark.parametrize("server_name", SERVERS)
@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_closes_sockets_with_1001_at_once_while_http_drains(
    make_project: MakeProject, server_name: str, workers: int
) -> None:
    project = make_project(PROJECT)
    args = ("--server", server_name, *(("--workers", "2") if workers == 2 else ()))
    with live_server(project, args=args) as server, contextlib.ExitStack() as stack:
        base = server.replace("http://", "ws://", 1)
        connections = _sockets_in_every_worker(base, workers, stack)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(httpx.get, f"{server}/api/slow", timeout=15)
            time.sleep(0.5)  # the request has reached a worker
            server.process.send_signal(signal.SIGTERM)
            closes = [_closed_code(connection) for connection in connections]
            answer = in_flight.result(timeout=15)
        assert server.process.wait(timeout=20) == 0, server.output
    assert [code for code, _ in closes] == [1001] * len(connections), server.output
    assert max(took for _, took in closes) < 1.5  # not after the HTTP drain
    assert (answer.status_code, answer.text) == (200, "slow done")


def test_dev_reload_closes_sockets_with_1012(make_project: MakeProject) -> None:
    project = make_project(PROJECT)
    with live_server(project, command="dev") as server:
        base = server.replace("http://", "ws://", 1)
        with connect(f"{base}/api/chat") as connection:
            assert connection.recv(timeout=5)
            route = project / "app/api/chat/route.py"
            route.write_text(route.read_text() + "\n# edited\n")
            code, _ = _closed_code(connection)
        assert code == 1012
        # The new worker takes sockets again.
        deadline = time.monotonic() + 20
        while True:
            try:
                with connect(f"{base}/api/chat", open_timeout=5) as again:
                    assert again.recv(timeout=5)
                    break
            except (OSError, ConnectionClosed):
                assert time.monotonic() < deadline, server.output
                time.sleep(0.1)
