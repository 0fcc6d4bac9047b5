"""A route in a route group: the group is not part of the path."""

from routetree import WebSocket


async def WEBSOCKET(socket: WebSocket) -> None:
    await socket.accept()
    await socket.send_text("grouped")
