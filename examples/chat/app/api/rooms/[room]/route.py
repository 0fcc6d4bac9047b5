"""A chat room: its history over HTTP, its live messages over a WebSocket.

    GET  /api/rooms/lobby          the last 50 messages, oldest first
    POST /api/rooms/lobby          post a message: stored, then sent to every socket
    WEBSOCKET /api/rooms/lobby     join: the history, then every new message live

A socket sends ``{"author": "...", "text": "..."}`` and every socket of the room,
the sender's included, receives the stored message as JSON. Messages go through
`publish`, so with ``pubsub_url`` set they reach the sockets of every worker.
"""

import asyncio
from typing import Any

import orjson
from lib.db import add_message, last_messages
from lib.schemas import MessageIn, RoomParams
from pydantic import ValidationError

from routetree import Response, RouteContext, WebSocket, publish


def topic(room: str) -> str:
    """The pub/sub topic of a room."""
    return f"room:{room}"


async def GET(params: RoomParams) -> list[dict[str, Any]]:
    """The room's last 50 messages, oldest first."""
    return await asyncio.to_thread(last_messages, params.room)


async def POST(params: RoomParams, body: MessageIn) -> Response:
    """Post a message into the room: stored, then sent to every socket in it."""
    message = await asyncio.to_thread(add_message, params.room, body.author, body.text)
    await publish(topic(params.room), message)
    return Response.json(message, status=201)


async def WEBSOCKET(socket: WebSocket, context: RouteContext) -> Response | None:
    """Join the room: its history first, then every message posted in it."""
    try:
        room = RoomParams.model_validate(context.params).room
    except ValidationError:
        return Response.json(
            {"error": "Not Found", "detail": "no such room"}, status=404
        )
    await socket.accept()
    await socket.subscribe(topic(room))
    for message in await asyncio.to_thread(last_messages, room):
        await socket.send_json(message)
    async for frame in socket:
        try:
            incoming = MessageIn.model_validate(orjson.loads(frame))
        except (orjson.JSONDecodeError, ValidationError) as exc:
            await socket.send_json({"error": "invalid message", "detail": str(exc)})
            continue
        stored = await asyncio.to_thread(
            add_message, room, incoming.author, incoming.text
        )
        await publish(topic(room), stored)
    return None
