"""Send a tick every 20 ms until the client is gone (subscribed, to be counted)."""

import asyncio

from routetree import WebSocket


async def WEBSOCKET(socket: WebSocket) -> None:
    await socket.accept()
    await socket.subscribe("room:ticker")
    while True:
        await socket.send_text("tick")
        await asyncio.sleep(0.02)
