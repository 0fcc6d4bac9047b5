"""Answer each JSON message with what it held and the route's params."""

from routetree import WebSocket


async def WEBSOCKET(socket: WebSocket, context) -> None:
    await socket.accept()
    while True:
        data = await socket.receive_json()
        await socket.send_json({"got": data, "params": context.params})
