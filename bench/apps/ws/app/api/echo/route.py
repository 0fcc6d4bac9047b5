from routetree import RouteContext, WebSocket


async def WEBSOCKET(socket: WebSocket, context: RouteContext) -> None:
    await socket.accept()
    async for message in socket:
        if isinstance(message, str):
            await socket.send_text(message)
        else:
            await socket.send_bytes(message)
