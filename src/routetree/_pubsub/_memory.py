"""The in-process broker, and the table of local subscribers brokers fan out to."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._broker import Frame, Mailbox

__all__ = ["MemoryBroker", "Subscribers", "shared_memory_broker"]

logger = logging.getLogger("routetree")

_DROP_WARNING_INTERVAL = 10.0


class Subscribers:
    """The mailboxes of this process, by topic."""

    __slots__ = ("_by_topic", "_dropped_since_warning", "_last_warning")

    def __init__(self) -> None:
        self._by_topic: dict[str, set[Mailbox]] = {}
        self._dropped_since_warning = 0
        self._last_warning = -_DROP_WARNING_INTERVAL

    def add(self, topic: str, mailbox: Mailbox) -> bool:
        """Subscribe ``mailbox``; True when it is the topic's first local subscriber."""
        mailboxes = self._by_topic.setdefault(topic, set())
        mailboxes.add(mailbox)
        return len(mailboxes) == 1

    def remove(self, topic: str, mailbox: Mailbox) -> bool:
        """Unsubscribe ``mailbox``; True when the topic has no local subscriber left."""
        mailboxes = self._by_topic.get(topic)
        if mailboxes is None or mailbox not in mailboxes:
            return False
        mailboxes.discard(mailbox)
        if mailboxes:
            return False
        del self._by_topic[topic]
        return True

    def count(self, topic: str) -> int:
        """How many mailboxes are subscribed to ``topic``."""
        return len(self._by_topic.get(topic, ()))

    def topics(self) -> list[str]:
        """The topics with at least one subscriber."""
        return list(self._by_topic)

    def deliver(self, topic: str, frame: Frame) -> None:
        """Offer ``frame`` to every subscriber of ``topic``; log what full ones drop."""
        dropped = 0
        for mailbox in tuple(self._by_topic.get(topic, ())):
            if not mailbox.offer(frame):
                dropped += 1
        if dropped:
            self._warn_dropped(topic, dropped)

    def _warn_dropped(self, topic: str, dropped: int) -> None:
        # One line per interval: a stuck subscriber must not flood the log.
        self._dropped_since_warning += dropped
        now = time.monotonic()
        if now - self._last_warning < _DROP_WARNING_INTERVAL:
            return
        logger.warning(
            "Dropped %d message(s) for subscribers too slow to keep up (topic %r); "
            "each socket holds at most its mailbox's size in waiting messages.",
            self._dropped_since_warning,
            topic,
        )
        self._dropped_since_warning = 0
        self._last_warning = now


class MemoryBroker:
    """Delivers to the subscribers of this process only (no ``pubsub_url``)."""

    def __init__(self) -> None:
        self._subscribers = Subscribers()

    @property
    def description(self) -> str:
        """``memory``."""
        return "memory"

    async def publish(self, topic: str, frame: Frame) -> None:
        """Offer ``frame`` to every local subscriber of ``topic``."""
        self._subscribers.deliver(topic, frame)

    async def subscribe(self, topic: str, mailbox: Mailbox) -> None:
        """Deliver ``topic`` into ``mailbox`` from now on."""
        self._subscribers.add(topic, mailbox)

    async def unsubscribe(self, topic: str, mailbox: Mailbox) -> None:
        """Stop delivering ``topic`` into ``mailbox``."""
        self._subscribers.remove(topic, mailbox)

    def subscriber_count(self, topic: str) -> int:
        """How many mailboxes are subscribed to ``topic``."""
        return self._subscribers.count(topic)

    async def close(self) -> None:
        """Nothing to release."""


_shared: MemoryBroker | None = None


def shared_memory_broker() -> MemoryBroker:
    """The process's in-memory broker, shared by every app without ``pubsub_url``."""
    global _shared
    if _shared is None:
        _shared = MemoryBroker()
    return _shared
