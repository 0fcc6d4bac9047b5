"""Starlette: GET /api/hello (the harness's readiness check) and a WebSocket echo."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


async def hello(request: object) -> Response:
    return JSONResponse({"message": "Hello World"})


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is not None:
                await websocket.send_text(message["text"])
            else:
                await websocket.send_bytes(message["bytes"])
    except WebSocketDisconnect:
        return


app = Starlette(routes=[Route("/api/hello", hello), WebSocketRoute("/api/echo", echo)])
