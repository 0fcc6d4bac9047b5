"""Join a room and say which worker holds the socket; POST publishes into it."""

import os

from routetree import Request, Response, WebSocket, publish


async def WEBSOCKET(socket: WebSocket, context) -> None:
    await socket.accept()
    await socket.subscribe(f"room:{context.params['room']}")
    await socket.send_json({"pid": os.getpid()})
    async for _ in socket:
        pass


async def POST(request: Request, context) -> Response:
    await publish(f"room:{context.params['room']}", await request.json())
    return Response.json({"pid": os.getpid()})
