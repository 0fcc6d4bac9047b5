"""Fail before accepting: the client sees HTTP 500."""

from routetree import WebSocket


async def WEBSOCKET(socket: WebSocket) -> None:
    raise RuntimeError("the handler broke before accept")
