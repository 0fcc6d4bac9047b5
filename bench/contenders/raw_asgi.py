"""The baseline: a hand-written ASGI app, no framework, orjson for JSON.

It answers the four benchmark endpoints exactly as every other contender does; every
other figure is a ratio to this one. The validated POST's body is checked by hand
(`hand_validation`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from hand_validation import user_in

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_HELLO = orjson.dumps({"message": "Hello World"})
_USERS = "/api/users/"
_INVALID = b'{"error":"Unprocessable Content"}'


async def _send_json(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    path: str = scope["path"]
    method: str = scope["method"]
    if method == "GET" and path == "/api/hello":
        await _send_json(send, 200, _HELLO)
    elif method == "GET" and path.startswith(_USERS) and "/" not in path[len(_USERS) :]:
        user_id = path[len(_USERS) :]
        if user_id:
            body = orjson.dumps({"id": user_id, "name": f"user {user_id}"})
            await _send_json(send, 200, body)
        else:
            await _send_json(send, 404, b'{"error":"Not Found"}')
    elif method == "POST" and path == "/api/users":
        try:
            data = orjson.loads(await _read_body(receive))
        except orjson.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            await _send_json(send, 400, b'{"error":"Expected a JSON object"}')
            return
        await _send_json(send, 201, orjson.dumps({**data, "id": 1}))
    elif method == "POST" and path == "/api/accounts":
        try:
            account = user_in(orjson.loads(await _read_body(receive)))
        except orjson.JSONDecodeError:
            await _send_json(send, 400, b'{"error":"Malformed JSON"}')
            return
        if account is None:
            await _send_json(send, 422, _INVALID)
            return
        await _send_json(send, 201, orjson.dumps({**account, "id": 1}))
    else:
        await _send_json(send, 404, b'{"error":"Not Found"}')
