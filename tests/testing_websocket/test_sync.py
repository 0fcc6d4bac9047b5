"""WebSocketSession: the session driven from a synchronous test."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

from routetree.testing import TestClient
from tests.testing_websocket.apps import echo, with_lifespan

if TYPE_CHECKING:
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from routetree._types import Receive, Scope, Send


def test_a_client_without_with_runs_the_session_on_its_own_loop() -> None:
    client = TestClient(echo)
    try:
        with client.websocket_connect("/echo") as ws:
            ws.send_text("no lifespan")
            assert ws.receive_text() == "no lifespan"
            assert ws.scope["state"] == {}
    finally:
        client.close()


def test_http_requests_reach_a_session_on_the_same_loop() -> None:
    subscribers: list[MemoryObjectSendStream[str]] = []

    @with_lifespan
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            body = (await receive())["body"].decode()
            for subscriber in subscribers:
                await subscriber.send(body)
            await send({"type": "http.response.start", "status": 202, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        inbox, outbox = anyio.create_memory_object_stream[str](10)
        subscribers.append(inbox)
        await receive()
        await send({"type": "websocket.accept"})
        with inbox, outbox:
            await _forward_until_disconnect(outbox, receive, send)

    with TestClient(app) as client, client.websocket_connect("/feed") as ws:
        assert client.post("/publish", content=b"news").status_code == 202
        assert ws.receive_text() == "news"


async def _forward_until_disconnect(
    outbox: MemoryObjectReceiveStream[str], receive: Receive, send: Send
) -> None:
    async with anyio.create_task_group() as group:

        async def forward() -> None:
            async for text in outbox:
                await send({"type": "websocket.send", "text": text})

        group.start_soon(forward)
        while (await receive())["type"] != "websocket.disconnect":
            pass
        group.cancel_scope.cancel()


def test_a_session_is_used_inside_its_with_block(client: TestClient) -> None:
    session = client.websocket_connect("/echo")
    with pytest.raises(RuntimeError, match="Use the session in a with block"):
        session.send_text("not entered")
    with session:
        session.send_text("entered")
        assert session.receive_text() == "entered"
    with pytest.raises(RuntimeError, match="Use the session in a with block"):
        session.receive()
    client.close()
