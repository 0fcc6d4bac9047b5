"""Fail after accepting: the client sees close code 1011."""

from routetree import WebSocket


async def WEBSOCKET(socket: WebSocket) -> None:
    await socket.accept()
    await socket.receive_text()
    raise RuntimeError("the handler broke after accept")
