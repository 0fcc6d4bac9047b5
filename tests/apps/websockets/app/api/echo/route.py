"""Echo every message back as it came: text as text, bytes as bytes."""

from routetree import WebSocket


async def WEBSOCKET(socket: WebSocket) -> None:
    await socket.accept()
    async for message in socket:
        if isinstance(message, str):
            await socket.send_text(message)
        else:
            await socket.send_bytes(message)
