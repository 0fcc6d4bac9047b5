"""Send the params back, then the cookie "session" and a header."""

from routetree import Response, WebSocket


async def GET() -> Response:
    return Response("GET too")


async def WEBSOCKET(socket: WebSocket, context) -> None:
    await socket.accept()
    await socket.send_json(
        {
            "params": context.params,
            "socket_params": socket.params,
            "session": socket.cookies.get("session"),
            "x_test": socket.headers.get("x-test"),
            "path": socket.url.path,
        }
    )
    await socket.close()
