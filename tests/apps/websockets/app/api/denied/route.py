"""Return without accepting: refused with 403."""

from routetree import WebSocket


async def WEBSOCKET(socket: WebSocket) -> None:
    return None
