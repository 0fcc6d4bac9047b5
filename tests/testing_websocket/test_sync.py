"""WebSocketSession: the session driven from a synchronous test."""

from __future__ import annotations

import pytest

from routetree.testing import (
    TestClient,
)
from tests.testing_websocket.apps import echo


def test_a_client_without_with_runs_the_session_on_its_own_loop() -> None:
    client = TestClient(echo)
    try:
        with client.websocket_connect("/echo") as ws:
            ws.send_text("no lifespan")
            assert ws.receive_text() == "no lifespan"
            assert ws.scope["state"] == {}
    finally:
        client.close()


def test_a_session_is_used_inside_its_with_block(client: TestClient) -> None:
    session = client.websocket_connect("/echo")
    with pytest.raises(RuntimeError, match="Use the session in a with block"):
        session.send_text("not entered")
    client.close()
