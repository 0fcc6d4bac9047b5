"""The upgrade request: the scope, headers, cookies, state and subprotocols."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree.testing import (
    AsyncTestClient,
    TestClient,
)
from tests.testing_websocket.apps import ACCEPT, Recorder

if TYPE_CHECKING:
    from routetree._types import Receive, Scope, Send


def test_the_scope_describes_the_upgrade_request() -> None:
    app = Recorder(ACCEPT)
    with (
        TestClient(app, client=("10.0.0.7", 4321)) as client,
        client.websocket_connect("/api/rooms/a%20b?x=1&y=%20") as ws,
    ):
        assert ws.scope is app.scope
    scope = app.scope
    assert scope["type"] == "websocket"
    assert scope["asgi"]["version"] == "3.0"
    assert scope["http_version"] == "1.1"
    assert scope["scheme"] == "ws"
    assert scope["path"] == "/api/rooms/a b"
    assert scope["raw_path"] == b"/api/rooms/a%20b"
    assert scope["query_string"] == b"x=1&y=%20"
    assert scope["root_path"] == ""
    assert scope["client"] == ("10.0.0.7", 4321)
    assert scope["server"] == ("testserver", 80)
    assert scope["subprotocols"] == []
    assert scope["extensions"] == {"websocket.http.response": {}}
    headers = dict(scope["headers"])
    assert headers[b"host"] == b"testserver"
    assert headers[b"connection"] == b"Upgrade"
    assert headers[b"upgrade"] == b"websocket"
    assert headers[b"sec-websocket-version"] == b"13"
    assert len(headers[b"sec-websocket-key"]) == 24
    assert b"sec-websocket-protocol" not in headers


def test_https_base_url_makes_a_wss_scope() -> None:
    app = Recorder(ACCEPT)
    with (
        TestClient(app, base_url="https://example.com:8443") as client,
        client.websocket_connect("/socket"),
    ):
        pass
    assert app.scope["scheme"] == "wss"
    assert app.scope["server"] == ("example.com", 8443)
    assert dict(app.scope["headers"])[b"host"] == b"example.com:8443"


def test_the_app_sees_the_client_s_headers_cookies_and_the_call_s_headers() -> None:
    app = Recorder(ACCEPT)
    client = TestClient(
        app, headers={"X-Client": "every request"}, cookies={"session": "abc"}
    )
    with (
        client,
        client.websocket_connect(
            "/socket", headers={"X-Call": "this one", "User-Agent": "tests"}
        ),
    ):
        pass
    headers = app.scope["headers"]
    assert all(name == name.lower() for name, _ in headers)
    as_dict = dict(headers)
    assert as_dict[b"x-client"] == b"every request"
    assert as_dict[b"x-call"] == b"this one"
    assert as_dict[b"cookie"] == b"session=abc"
    assert [value for name, value in headers if name == b"user-agent"] == [b"tests"]


def test_cookies_set_by_an_http_response_are_sent_with_the_upgrade() -> None:
    recorder = Recorder(ACCEPT)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            cookie = (b"set-cookie", b"token=t1; Path=/")
            await send(
                {"type": "http.response.start", "status": 204, "headers": [cookie]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await recorder(scope, receive, send)

    with TestClient(app) as client:
        assert client.post("/login").status_code == 204
        with client.websocket_connect("/socket"):
            pass
    assert dict(recorder.scope["headers"])[b"cookie"] == b"token=t1"


def test_the_scope_carries_a_copy_of_the_lifespan_state() -> None:
    app = Recorder(ACCEPT)
    with TestClient(app) as client:
        with client.websocket_connect("/socket"):
            app.scope["state"]["added"] = "by this connection"
        with client.websocket_connect("/socket"):
            pass
    assert app.scope["state"] == {"greeting": "set at start-up"}


def test_subprotocols_are_offered_and_the_accepted_one_is_kept() -> None:
    app = Recorder({"type": "websocket.accept", "subprotocol": "chat.v2"})
    with (
        TestClient(app) as client,
        client.websocket_connect("/socket", subprotocols=["chat.v1", "chat.v2"]) as ws,
    ):
        assert ws.accepted_subprotocol == "chat.v2"
    assert app.scope["subprotocols"] == ["chat.v1", "chat.v2"]
    assert dict(app.scope["headers"])[b"sec-websocket-protocol"] == b"chat.v1, chat.v2"


def test_no_subprotocol_accepted_is_none(client: TestClient) -> None:
    with client, client.websocket_connect("/echo", subprotocols=["chat"]) as ws:
        assert ws.accepted_subprotocol is None
        assert list(ws.accepted_headers.items()) == []


def test_accepting_a_subprotocol_the_client_did_not_offer_fails() -> None:
    app = Recorder({"type": "websocket.accept", "subprotocol": "other"})
    with (
        TestClient(app) as client,
        pytest.raises(RuntimeError, match="accepted subprotocol 'other'"),
    ):
        client.websocket_connect("/socket", subprotocols=["chat"]).__enter__()
    assert app.finished


def test_the_headers_of_the_accept_are_kept() -> None:
    accept = {"type": "websocket.accept", "headers": [(b"x-server", b"yes")]}
    with (
        TestClient(Recorder(accept)) as client,
        client.websocket_connect("/socket") as ws,
    ):
        assert ws.accepted_headers["X-Server"] == "yes"


@pytest.mark.anyio
async def test_async_client_subprotocols_headers_and_disconnect() -> None:
    app = Recorder({"type": "websocket.accept", "subprotocol": "chat"})
    async with AsyncTestClient(app, cookies={"session": "abc"}) as client:
        async with client.websocket_connect(
            "/socket?q=1", subprotocols=["chat"], headers={"x-call": "1"}
        ) as ws:
            assert ws.accepted_subprotocol == "chat"
        assert app.finished
    headers = dict(app.scope["headers"])
    assert (headers[b"cookie"], headers[b"x-call"]) == (b"session=abc", b"1")
    assert app.scope["query_string"] == b"q=1"
    assert app.received[-1] == {"type": "websocket.disconnect", "code": 1000}
