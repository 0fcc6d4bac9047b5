"""Join a room: what is published to it reaches the socket."""

from routetree import WebSocket, publish


async def WEBSOCKET(socket: WebSocket, context) -> None:
    await socket.accept()
    topic = f"room:{context.params['room']}"
    await socket.subscribe(topic)
    await socket.send_text("joined")
    async for message in socket:
        await publish(topic, message)
