"""Choose the subprotocol "chat.v2" when offered; tell the client what it offered."""

from routetree import WebSocket


async def WEBSOCKET(socket: WebSocket) -> None:
    chosen = "chat.v2" if "chat.v2" in socket.subprotocols else None
    await socket.accept(subprotocol=chosen, headers={"x-chosen": str(chosen)})
    await socket.send_json({"offered": socket.subprotocols})
    await socket.close()
