"""What every broker offers, a subscriber's mailbox, and which broker `publish` uses."""

from __future__ import annotations

import asyncio
import weakref
from typing import Protocol

__all__ = [
    "DEFAULT_MAILBOX_SIZE",
    "Broker",
    "Frame",
    "Mailbox",
    "current_broker",
    "register_broker",
]

Frame = str | bytes
"""One message as the wire carries it: a text frame or a binary frame."""

DEFAULT_MAILBOX_SIZE = 256


class Mailbox:
    """One subscriber's bounded queue of frames.

    `offer` never waits: when the queue is full the frame is dropped and counted in
    `dropped`, so a publisher is never held up by a slow subscriber.
    """

    __slots__ = ("_queue", "dropped")

    def __init__(self, maxsize: int = DEFAULT_MAILBOX_SIZE) -> None:
        self._queue: asyncio.Queue[Frame] = asyncio.Queue(maxsize)
        self.dropped = 0

    def offer(self, frame: Frame) -> bool:
        """Queue ``frame``; False (and one more `dropped`) when the queue is full."""
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.dropped += 1
            return False
        return True

    async def get(self) -> Frame:
        """The oldest queued frame, waiting for one."""
        return await self._queue.get()

    def __len__(self) -> int:
        return self._queue.qsize()


class Broker(Protocol):
    """Where published frames go and how subscribers get them."""

    @property
    def description(self) -> str:
        """What the broker is, for logs: ``memory`` or ``redis://host:port/db``."""

    async def publish(self, topic: str, frame: Frame) -> None:
        """Deliver ``frame`` to every subscriber of ``topic`` the broker reaches."""

    async def subscribe(self, topic: str, mailbox: Mailbox) -> None:
        """Deliver what is published on ``topic`` from now on into ``mailbox``."""

    async def unsubscribe(self, topic: str, mailbox: Mailbox) -> None:
        """Stop delivering ``topic`` into ``mailbox`` (nothing if not subscribed)."""

    def subscriber_count(self, topic: str) -> int:
        """How many mailboxes of this process are subscribed to ``topic``."""

    async def close(self) -> None:
        """Release connections and background tasks."""


_active: list[weakref.ref[Broker]] = []


def register_broker(broker: Broker) -> None:
    """Make ``broker`` the one `publish` uses in this process (the newest app's)."""
    _active[:] = [ref for ref in _active if ref() is not None]
    _active.append(weakref.ref(broker))


def current_broker() -> Broker:
    """The broker of the newest app alive in this process; else the in-process one."""
    for ref in reversed(_active):
        broker = ref()
        if broker is not None:
            return broker
    from ._memory import shared_memory_broker  # _memory imports this module

    return shared_memory_broker()
