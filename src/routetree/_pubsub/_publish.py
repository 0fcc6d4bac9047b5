"""`publish`: the public entry point, callable from any handler."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._json import encode_json
from ._broker import current_broker

if TYPE_CHECKING:
    from ._broker import Frame

__all__ = ["publish", "to_frame"]


def to_frame(data: object) -> Frame:
    """``str`` as text, bytes-like as binary, anything else as JSON text (orjson)."""
    if isinstance(data, str):
        return data
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    return encode_json(data).decode()


async def publish(topic: str, data: object) -> None:
    """Send ``data`` to every subscriber of ``topic``.

    From any handler, HTTP or WebSocket. Subscribers receive a ``str`` as a text
    frame, ``bytes`` as a binary frame and anything else as JSON text. Without
    config ``pubsub_url`` this reaches the sockets of this process; with it, every
    worker and machine sharing that Redis. Delivery is at most once and in order per
    publisher: a subscriber whose mailbox is full misses the message (and the log
    says so).

    Example::

        from routetree import Request, Response, publish

        async def POST(request: Request, context) -> Response:
            await publish(f"room:{context.params['room']}", await request.json())
            return Response(status=204)
    """
    if not isinstance(topic, str) or not topic:
        raise TypeError(f"publish() needs a non-empty str topic, not {topic!r}")
    await current_broker().publish(topic, to_frame(data))
