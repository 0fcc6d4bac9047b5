"""WebSockets on ``routetree start --workers 2`` with ``pubsub_url``: one real Redis.

Sockets joined through the one port land in either worker; a message POSTed to the
room, whichever worker takes the POST, reaches every socket of both. Then Redis is
killed and started again on its port, and delivery resumes with no new subscribe.
"""

from __future__ import annotations

import json
import shutil
import time
from contextlib import ExitStack
from typing import TYPE_CHECKING

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from routetree.testing import LiveServer, live_server
from tests.conftest import APPS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.redis_server import RedisServer

SOCKETS = 8


@pytest.fixture
def server(
    own_redis: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    project = tmp_path_factory.mktemp("workers") / "websockets"
    shutil.copytree(APPS / "websockets", project)
    (project / "routetree.toml").write_text(f'pubsub_url = "{own_redis.url}"\n')
    with live_server(project, args=("--workers", "2")) as url:
        yield url


def join(stack: ExitStack, server: str, room: str) -> tuple[ClientConnection, int]:
    """A socket in ``room`` (closed with ``stack``) and the pid of its worker."""
    socket = stack.enter_context(
        connect(
            server.replace("http://", "ws://", 1) + f"/api/worker-rooms/{room}",
            open_timeout=10,
        )
    )
    hello = json.loads(socket.recv(timeout=10))
    return socket, hello["pid"]


def sockets_in_both_workers(
    stack: ExitStack, server: str, room: str
) -> list[ClientConnection]:
    """Join until the sockets are held by two different workers."""
    sockets: list[ClientConnection] = []
    pids: set[int] = set()
    deadline = time.monotonic() + 30
    while len(pids) < 2 or len(sockets) < SOCKETS:
        assert time.monotonic() < deadline, f"every socket landed in {pids}"
        socket, pid = join(stack, server, room)
        sockets.append(socket)
        pids.add(pid)
    return sockets


def publish(server: str, room: str, data: object) -> int:
    answer = httpx.post(f"{server}/api/worker-rooms/{room}", json=data, timeout=10)
    assert answer.status_code == 200
    pid: int = answer.json()["pid"]
    return pid


def test_a_message_published_in_one_worker_reaches_sockets_in_both(
    server: LiveServer,
) -> None:
    with ExitStack() as stack:
        sockets = sockets_in_both_workers(stack, server, "lobby")
        publishers = {publish(server, "lobby", {"n": n}) for n in range(6)}
        for socket in sockets:
            received = [json.loads(socket.recv(timeout=10)) for _ in range(6)]
            assert received == [{"n": n} for n in range(6)]  # once each, in order
    assert publishers  # the POSTs went to whichever worker took them


def test_delivery_resumes_after_redis_restarts(
    server: LiveServer, own_redis: RedisServer
) -> None:
    with ExitStack() as stack:
        sockets = sockets_in_both_workers(stack, server, "restart")
        publish(server, "restart", "before")
        for socket in sockets:
            assert socket.recv(timeout=10) == "before"  # a str is a text frame
        own_redis.kill()
        # While Redis is down a publish is dropped, never a 5xx.
        publish(server, "restart", "lost")
        own_redis.start()
        deadline = time.monotonic() + 30
        pending = list(sockets)
        n = 0
        while pending:
            assert time.monotonic() < deadline, f"{len(pending)} socket(s) never heard"
            n += 1
            publish(server, "restart", f"after {n}")
            still: list[ClientConnection] = []
            for socket in pending:
                try:
                    message = socket.recv(timeout=0.5)
                except TimeoutError:
                    still.append(socket)
                else:
                    assert isinstance(message, str)
                    assert message.startswith("after ")
            pending = still
