"""Raw ASGI WebSocket apps the session tests talk to."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from routetree._types import ASGIApp, Message, Receive, Scope, Send


async def lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    while (await receive())["type"] == "lifespan.startup":
        scope["state"]["greeting"] = "set at start-up"
        await send({"type": "lifespan.startup.complete"})
    await send({"type": "lifespan.shutdown.complete"})


def with_lifespan(app: ASGIApp) -> ASGIApp:
    """``app``, with the lifespan answered for it."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(scope, receive, send)
        else:
            await app(scope, receive, send)

    return wrapped


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Accept, send every message back, answer "close <code> <reason>" by closing."""
    if scope["type"] == "lifespan":
        await lifespan(scope, receive, send)
        return
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text is not None and text.startswith("close "):
            _, code, reason = text.split(" ", 2)
            await send({"type": "websocket.close", "code": int(code), "reason": reason})
            return
        if text is not None and text == "raise":
            raise ValueError("raised by the app")
        data = {"text": text} if text is not None else {"bytes": message["bytes"]}
        await send({"type": "websocket.send", **data})


class Recorder:
    """An app that records its scope and what it receives, then runs ``script``."""

    def __init__(self, *script: Message) -> None:
        self.script = script
        self.scope: Scope = {}
        self.received: list[Message] = []
        self.finished = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(scope, receive, send)
            return
        self.scope = scope
        self.received.append(await receive())
        for message in self.script:
            await send(message)
        while self.received[-1]["type"] != "websocket.disconnect":
            self.received.append(await receive())
        self.finished = True


ACCEPT: Message = {"type": "websocket.accept"}
