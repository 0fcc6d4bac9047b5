"""The server's WebSocket settings under ``routetree start`` (routetree._server._serve).

uvicorn's own message limit follows the project's ``max_message_size`` (so a big
limit is not cut short at uvicorn's 16 MiB), and ``[server] ws_ping_interval`` and
``ws_ping_timeout`` set its keep-alive pings.
"""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING

from websockets.sync.client import connect

from routetree.testing import live_server

if TYPE_CHECKING:
    from tests.conftest import MakeProject

ECHO = """
from routetree import WebSocket

async def WEBSOCKET(socket: WebSocket) -> None:
    await socket.accept()
    async for message in socket:
        await socket.send_text(str(len(message)))
"""


def test_a_message_limit_above_uvicorns_default_is_honoured(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {"routetree.toml": 'max_message_size = "17mb"', "app/echo/route.py": ECHO}
    )
    size = 16 * 1024 * 1024 + 1000  # over uvicorn's default ws_max_size
    with (
        live_server(project) as server,
        connect(server.replace("http://", "ws://") + "/echo", max_size=None) as ws,
    ):
        ws.send(b"x" * size)
        assert ws.recv(timeout=20) == str(size)


def _frames(data: bytes) -> list[tuple[int, bytes]]:
    """The (opcode, payload) of each unmasked server frame in ``data``."""
    frames = []
    while len(data) >= 2:
        opcode, length = data[0] & 0x0F, data[1] & 0x7F
        frames.append((opcode, data[2 : 2 + length]))  # control frames: < 126
        data = data[2 + length :]
    return frames


def test_an_unanswered_ping_closes_the_socket(make_project: MakeProject) -> None:
    project = make_project(
        {
            "routetree.toml": "[server]\nws_ping_interval = 0.3\nws_ping_timeout = 0.3",
            "app/echo/route.py": ECHO,
        }
    )
    with live_server(project) as server:
        host, port = server.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as raw:
            raw.sendall(
                (
                    f"GET /echo HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\n\r\n"
                ).encode()
            )
            started = time.monotonic()
            received = b""
            while chunk := raw.recv(4096):  # never answering the ping
                received += chunk
            ended = time.monotonic() - started
    head, _, rest = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101 ")
    frames = _frames(rest)
    assert [opcode for opcode, _ in frames] == [0x9, 0x8]  # a ping, then a close
    assert frames[1][1][:2] == (1011).to_bytes(2, "big")
    assert 0.4 < ended < 5
