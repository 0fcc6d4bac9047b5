from routetree import WebSocket


async def WEBSOCKET(socket: WebSocket) -> None:
    await socket.accept()
    await socket.close()
