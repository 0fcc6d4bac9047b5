"""The session: messages both ways, closing, app exceptions, timeouts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

from routetree.testing import (
    AsyncTestClient,
    AsyncWebSocketSession,
    TestClient,
    WebSocketClosedError,
    WebSocketSession,
)
from tests.testing_websocket.apps import ACCEPT, Recorder, echo, with_lifespan

if TYPE_CHECKING:
    from routetree._types import Receive, Scope, Send


def test_text_is_echoed(client: TestClient) -> None:
    with client, client.websocket_connect("/echo") as ws:
        assert isinstance(ws, WebSocketSession)
        ws.send_text("hello")
        ws.send_text("")
        assert ws.receive_text() == "hello"
        assert ws.receive() == ""


def test_bytes_are_echoed(client: TestClient) -> None:
    with client, client.websocket_connect("/echo") as ws:
        ws.send_bytes(b"\x00\xff")
        assert ws.receive_bytes() == b"\x00\xff"
        ws.send_bytes(b"raw")
        assert ws.receive() == b"raw"


def test_json_goes_as_text_and_is_parsed_back(client: TestClient) -> None:
    with client, client.websocket_connect("/echo") as ws:
        ws.send_json({"n": 1, "tags": ("a", "b"), "ok": None})
        assert ws.receive_text() == '{"n":1,"tags":["a","b"],"ok":null}'
        ws.send_json([1, 2])
        assert ws.receive_json() == [1, 2]
        ws.send_bytes(b'{"binary": true}')
        assert ws.receive_json() == {"binary": True}


def test_receiving_the_wrong_kind_of_message_says_so(client: TestClient) -> None:
    with client, client.websocket_connect("/echo") as ws:
        ws.send_bytes(b"data")
        with pytest.raises(TypeError, match="Expected a text message, got a binary"):
            ws.receive_text()
        ws.send_text("text")
        with pytest.raises(TypeError, match="Expected a binary message, got a text"):
            ws.receive_bytes()


def test_leaving_the_block_disconnects_with_1000_and_waits_for_the_app() -> None:
    app = Recorder(ACCEPT)
    with TestClient(app) as client:
        with client.websocket_connect("/socket"):
            pass
        assert app.finished
    assert app.received == [
        {"type": "websocket.connect"},
        {"type": "websocket.disconnect", "code": 1000},
    ]


def test_close_sends_its_code_and_reason_to_the_app() -> None:
    app = Recorder(ACCEPT)
    with TestClient(app) as client, client.websocket_connect("/socket") as ws:
        ws.send_text("last")
        ws.close(4002, "done here")
        assert app.finished
        with pytest.raises(RuntimeError, match="the client closed it"):
            ws.send_text("after close")
        ws.close()  # a second close does nothing
    assert app.received[1:] == [
        {"type": "websocket.receive", "text": "last"},
        {"type": "websocket.disconnect", "code": 4002, "reason": "done here"},
    ]


def test_sending_after_the_client_closed_raises_oserror_in_the_app() -> None:
    raised: list[BaseException] = []

    @with_lifespan
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(ACCEPT)
        await receive()  # the disconnect
        try:
            await send({"type": "websocket.send", "text": "too late"})
        except OSError as exc:
            raised.append(exc)
        await send({"type": "websocket.send", "text": "propagates, not reported"})

    with TestClient(app) as client, client.websocket_connect("/socket"):
        pass
    assert len(raised) == 1


def test_an_app_exception_before_accept_is_raised_by_connect() -> None:
    @with_lifespan
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        raise LookupError("no such room")

    with (
        TestClient(app) as client,
        pytest.raises(LookupError, match="no such room"),
    ):
        client.websocket_connect("/socket").__enter__()


def test_an_app_that_returns_without_a_handshake_is_an_error() -> None:
    @with_lifespan
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()

    with (
        TestClient(app) as client,
        pytest.raises(RuntimeError, match="without accepting or refusing"),
    ):
        client.websocket_connect("/socket").__enter__()


def test_an_app_exception_is_raised_by_the_next_receive(client: TestClient) -> None:
    with client, client.websocket_connect("/echo") as ws:
        ws.send_text("sent before")
        ws.send_text("raise")
        assert ws.receive_text() == "sent before"
        with pytest.raises(ValueError, match="raised by the app"):
            ws.receive()
        # Reported once; the socket then reads as closed by a server error.
        with pytest.raises(WebSocketClosedError) as closed:
            ws.receive()
        assert closed.value.code == 1011


def test_an_app_exception_is_raised_on_leaving_the_block(client: TestClient) -> None:
    with (
        client,
        pytest.raises(ValueError, match="raised by the app"),
        client.websocket_connect("/echo") as ws,
    ):
        ws.send_text("raise")


def test_an_app_exception_is_raised_by_close(client: TestClient) -> None:
    with client, client.websocket_connect("/echo") as ws:
        ws.send_text("raise")
        with pytest.raises(ValueError, match="raised by the app"):
            ws.close()


def test_an_error_in_the_test_is_not_hidden_by_the_app_s(client: TestClient) -> None:
    with (
        client,
        pytest.raises(KeyError) as raised,
        client.websocket_connect("/echo") as ws,
    ):
        ws.send_text("raise")
        raise KeyError("the test's own")
    assert "The application also raised ValueError('raised by the app')." in (
        raised.value.__notes__
    )


def test_a_message_out_of_order_fails_the_app() -> None:
    app = Recorder({"type": "websocket.send", "text": "before accept"})
    with (
        TestClient(app) as client,
        pytest.raises(
            RuntimeError, match=r"'websocket\.send' while the WebSocket is connecting"
        ),
    ):
        client.websocket_connect("/socket").__enter__()


def test_a_send_without_text_or_bytes_fails_the_app() -> None:
    app = Recorder(ACCEPT, {"type": "websocket.send", "text": "a", "bytes": b"b"})
    with (
        TestClient(app) as client,
        client.websocket_connect("/socket") as ws,
        pytest.raises(RuntimeError, match="either 'text'"),
    ):
        ws.receive()


def test_receive_gives_up_after_its_timeout(client: TestClient) -> None:
    with client, client.websocket_connect("/echo", timeout=5) as ws:
        with pytest.raises(TimeoutError, match=r"sent no message within 0\.05 s"):
            ws.receive(timeout=0.05)
        ws.send_text("still open")
        assert ws.receive_text() == "still open"


def test_an_app_that_never_answers_the_handshake_times_out() -> None:
    @with_lifespan
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await anyio.sleep_forever()

    with (
        TestClient(app) as client,
        pytest.raises(TimeoutError, match=r"no answer to the handshake within 0\.05 s"),
    ):
        client.websocket_connect("/socket", timeout=0.05).__enter__()


def test_an_app_that_ignores_the_disconnect_is_cancelled() -> None:
    cancelled: list[bool] = []

    @with_lifespan
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(ACCEPT)
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            cancelled.append(True)
            raise

    with (
        TestClient(app) as client,
        pytest.raises(TimeoutError, match=r"still running 0\.05 s after"),
        client.websocket_connect("/socket", timeout=0.05),
    ):
        pass
    assert cancelled == [True]


@pytest.mark.anyio
async def test_async_client_echoes_text_bytes_and_json() -> None:
    async with (
        AsyncTestClient(echo) as client,
        client.websocket_connect("/echo") as ws,
    ):
        assert isinstance(ws, AsyncWebSocketSession)
        assert ws.scope["state"] == {"greeting": "set at start-up"}
        await ws.send_text("text")
        await ws.send_bytes(b"bytes")
        await ws.send_json({"json": True})
        assert await ws.receive_text() == "text"
        assert await ws.receive_bytes() == b"bytes"
        assert await ws.receive_json() == {"json": True}
        await ws.send_text("close 4003 bye")
        with pytest.raises(WebSocketClosedError) as closed:
            await ws.receive()
        assert (closed.value.code, closed.value.reason) == (4003, "bye")
