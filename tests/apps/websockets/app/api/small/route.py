"""A route taking messages of 16 bytes at most."""

from routetree import WebSocket

max_message_size = 16


async def WEBSOCKET(socket: WebSocket) -> None:
    await socket.accept()
    async for message in socket:
        await socket.send_text(f"ok {len(message)}")
