"""How a session ends: a close from the app, a refusal before accepting."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree.testing import (
    AsyncTestClient,
    TestClient,
    WebSocketClosedError,
    WebSocketDeniedError,
)
from tests.testing_websocket.apps import ACCEPT, Recorder, echo, with_lifespan

if TYPE_CHECKING:
    from routetree._types import Receive, Scope, Send


def test_a_close_from_the_app_is_raised_by_the_next_receive(client: TestClient) -> None:
    with client, client.websocket_connect("/echo") as ws:
        ws.send_text("before")
        ws.send_text("close 4001 going away")
        assert ws.receive_text() == "before"
        with pytest.raises(WebSocketClosedError) as closed:
            ws.receive_text()
        assert (closed.value.code, closed.value.reason) == (4001, "going away")
        assert "code 4001 and reason 'going away'" in str(closed.value)
        with pytest.raises(WebSocketClosedError) as again:
            ws.receive()
        assert again.value.code == 4001
        with pytest.raises(WebSocketClosedError):
            ws.send_text("after the close")


def test_a_close_without_a_code_is_1000() -> None:
    app = Recorder(ACCEPT, {"type": "websocket.close"})
    with TestClient(app) as client, client.websocket_connect("/socket") as ws:
        with pytest.raises(WebSocketClosedError) as closed:
            ws.receive()
        assert (closed.value.code, closed.value.reason) == (1000, "")
    # A server answers the app's close with a disconnect carrying its code.
    assert app.received[-1] == {"type": "websocket.disconnect", "code": 1000}


def test_an_app_that_returns_without_closing_is_an_abnormal_closure() -> None:
    @with_lifespan
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(ACCEPT)

    with TestClient(app) as client, client.websocket_connect("/socket") as ws:
        with pytest.raises(
            WebSocketClosedError, match="returned without closing"
        ) as closed:
            ws.receive()
        assert closed.value.code == 1006


def test_a_close_before_accept_is_denied_with_403() -> None:
    app = Recorder({"type": "websocket.close", "code": 1008})
    with TestClient(app) as client, pytest.raises(WebSocketDeniedError) as denied:
        client.websocket_connect("/socket").__enter__()
    assert (denied.value.status, denied.value.body) == (403, b"")
    assert list(denied.value.headers.items()) == []
    assert "HTTP 403" in str(denied.value)
    # The app is told the connection is gone and has finished.
    assert app.finished
    assert app.received[-1] == {"type": "websocket.disconnect", "code": 1006}


def test_an_http_denial_response_carries_status_headers_and_body() -> None:
    app = Recorder(
        {
            "type": "websocket.http.response.start",
            "status": 401,
            "headers": [(b"content-type", b"application/json"), (b"x-why", b"no")],
        },
        {
            "type": "websocket.http.response.body",
            "body": b'{"error":',
            "more_body": True,
        },
        {"type": "websocket.http.response.body", "body": b'"Unauthorized"}'},
    )
    with (
        TestClient(app) as client,
        pytest.raises(WebSocketDeniedError) as denied,
        client.websocket_connect("/socket"),
    ):
        pytest.fail("the block must not run")
    assert denied.value.status == 401
    assert denied.value.headers["content-type"] == "application/json"
    assert denied.value.headers["x-why"] == "no"
    assert denied.value.body == b'{"error":"Unauthorized"}'
    assert denied.value.text == '{"error":"Unauthorized"}'
    assert denied.value.json() == {"error": "Unauthorized"}
    assert app.finished


@pytest.mark.anyio
async def test_async_client_denial_and_app_exception() -> None:
    denying = Recorder({"type": "websocket.close"})
    async with AsyncTestClient(denying) as client:
        with pytest.raises(WebSocketDeniedError) as denied:
            async with client.websocket_connect("/socket"):
                pytest.fail("the block must not run")
    assert denied.value.status == 403
    async with (
        AsyncTestClient(echo) as client,
        client.websocket_connect("/echo") as ws,
    ):
        await ws.send_text("raise")
        with pytest.raises(ValueError, match="raised by the app"):
            await ws.receive()


def test_a_close_seen_by_the_client_is_also_routetree_s_closed_error() -> None:
    import routetree
    from routetree.testing import WebSocketClosedError

    closed = WebSocketClosedError(4001, "bye", detail="")
    assert isinstance(closed, routetree.WebSocketClosedError)
    assert (closed.code, closed.reason) == (4001, "bye")
    assert (
        str(closed)
        == "The application closed the WebSocket with code 4001 and reason 'bye'."
    )
