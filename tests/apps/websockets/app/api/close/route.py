"""Send one message, then close with the code and reason the query asks for."""

from routetree import WebSocket


async def WEBSOCKET(socket: WebSocket) -> None:
    await socket.accept()
    await socket.send_text("bye")
    code = int(socket.url.search_params.get("code") or 1000)
    await socket.close(code, socket.url.search_params.get("reason") or "")
