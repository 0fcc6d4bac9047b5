"""A stop function before accept, or a Response: an HTTP answer."""

from routetree import Response, WebSocket, unauthorized


async def WEBSOCKET(socket: WebSocket) -> Response | None:
    if socket.url.search_params.get("as") == "response":
        return Response.json({"error": "no session"}, status=401)
    unauthorized()
