"""The broker of config ``pubsub_url``: every process sharing one Redis (redis-py).

Each process keeps its own table of local subscribers (`Subscribers`) and one Redis
connection in subscribe mode. A topic's channel, ``routetree:pubsub:<db>:<topic>``,
is subscribed when the topic gains its first local subscriber and unsubscribed when
it loses its last; a reader task hands what arrives to the table. Redis's channels
belong to no database, so the URL's database number is in the name: projects on
different numbers stay apart. `RedisBroker.publish` is a ``PUBLISH``, and the frame
reaches this process's subscribers too by coming back through the subscription
(never delivered twice). On the wire a frame is one kind byte (``t`` text, ``b``
binary) and its bytes, so a ``str`` stays a text frame and ``bytes`` a binary one.

Delivery is at most once and in order per publisher. While Redis cannot be reached,
`publish` drops the frame (a warning every 30 seconds says so, it never raises into
the handler) and the reader reconnects by itself, with backoff, subscribing again to
every topic that has local subscribers; what was published in between is lost.
Nothing connects before the first `subscribe` or `publish`, so creating an app needs
no Redis, and connections are made on the loop that serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from typing import TYPE_CHECKING

import redis.asyncio as aioredis
from redis.asyncio.connection import parse_url
from redis.asyncio.retry import Retry
from redis.backoff import EqualJitterBackoff, NoBackoff
from redis.exceptions import RedisError

from .._redis_url import redis_description
from ._memory import Subscribers

if TYPE_CHECKING:
    from redis.asyncio.client import PubSub

    from ._broker import Frame, Mailbox

__all__ = ["CHANNEL_PREFIX", "RedisBroker"]

logger = logging.getLogger("routetree")

CHANNEL_PREFIX = "routetree:pubsub:"
_TEXT, _BINARY = b"t", b"b"
_TIMEOUT = 1.0  # seconds to connect or answer; also how long subscribe waits for Redis
_POLL = 1.0  # seconds the reader waits for a message before looking at its state
_PING_AFTER = 15.0  # seconds of silence before the reader checks the connection
_DEAD_AFTER = 30.0  # seconds of silence (no answer to that PING) that end it
_WARNING_INTERVAL = 30.0
# Reconnect delays: 0.05 s doubling up to 2 s, each with jitter (so that the workers
# of a fleet do not all come back at the same instant).
_BACKOFF = EqualJitterBackoff(cap=2.0, base=0.05)


def _encode(frame: Frame) -> bytes:
    if isinstance(frame, str):
        # surrogatepass: any str goes through as the in-process broker lets it.
        return _TEXT + frame.encode(errors="surrogatepass")
    return _BINARY + frame


def _decode(data: bytes) -> Frame | None:
    kind, body = data[:1], data[1:]
    if kind == _BINARY:
        return body
    if kind == _TEXT:
        try:
            return body.decode(errors="surrogatepass")
        except UnicodeDecodeError:
            return None
    return None  # not published by routetree: ignored


class _ConnectionLostError(Exception):
    """The pub/sub connection stopped working and is to be made again."""


class RedisBroker:
    """Delivers to the subscribers of every process sharing the Redis at ``url``."""

    def __init__(self, url: str) -> None:
        """A broker of the Redis at ``url``; ValueError for a URL redis-py refuses."""
        self.url = url
        self._prefix = f"{CHANNEL_PREFIX}{parse_url(url).get('db', 0)}:"
        self._subscribers = Subscribers()
        self._client: aioredis.Redis | None = None  # PUBLISH
        self._listener: aioredis.Redis | None = None  # the subscribe-mode connection
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # one SUBSCRIBE/UNSUBSCRIBE writer at a time
        self._sent: set[str] = set()  # channels SUBSCRIBEd on this connection
        self._unanswered: Counter[str] = Counter()  # (UN)SUBSCRIBEs not yet confirmed
        self._confirmed: set[str] = set()  # channels Redis said it delivers to us
        self._confirming: dict[str, asyncio.Event] = {}
        self._broken = False
        self._closed = False
        self._last_warning: dict[str, float] = {}

    @property
    def description(self) -> str:
        """The URL without its password, for log lines."""
        return redis_description(self.url)

    async def publish(self, topic: str, frame: Frame) -> None:
        """``PUBLISH`` ``frame``; dropped, and a warning, while Redis is unreachable."""
        if self._closed:
            return
        if self._client is None:
            # Made on first use, on the loop that serves: connections belong to a loop.
            self._client = aioredis.Redis.from_url(
                self.url,
                socket_timeout=_TIMEOUT,
                socket_connect_timeout=_TIMEOUT,
                retry=Retry(NoBackoff(), 1),  # one reconnect after Redis restarted
            )
        try:
            await self._client.publish(self._prefix + topic, _encode(frame))
        except (RedisError, OSError) as exc:
            self._warn(exc, "dropping published messages")

    async def subscribe(self, topic: str, mailbox: Mailbox) -> None:
        """Deliver ``topic`` into ``mailbox`` from now on, in every process's publish.

        Returns once Redis confirmed the channel's subscription, so that what is
        published afterwards arrives; while Redis is unreachable, after at most a
        second, the subscription taking effect when it is back. Never raises for Redis.
        """
        self._subscribers.add(topic, mailbox)
        if self._closed:
            return  # shutting down: nothing is delivered any more
        channel = self._prefix + topic
        self._start_reader()
        await self._sync()
        if channel in self._confirmed:
            return
        event = self._confirming.setdefault(channel, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_TIMEOUT):
                await event.wait()

    async def unsubscribe(self, topic: str, mailbox: Mailbox) -> None:
        """Stop delivering ``topic`` into ``mailbox`` (its last one: the channel's)."""
        if self._subscribers.remove(topic, mailbox):
            await self._sync()

    def subscriber_count(self, topic: str) -> int:
        """How many mailboxes of this process are subscribed to ``topic``."""
        return self._subscribers.count(topic)

    async def close(self) -> None:
        """Stop the reader and close both connections."""
        self._closed = True
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        await self._drop_connection()
        client, self._client = self._client, None
        listener, self._listener = self._listener, None
        for redis in (client, listener):
            if redis is not None:
                with contextlib.suppress(RedisError, OSError):
                    await redis.aclose()

    def _start_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(
                self._read(), name=f"routetree pub/sub reader ({self.description})"
            )

    async def _read(self) -> None:
        """Connect, subscribe, deliver what arrives; on any failure, again later."""
        failures = 0
        while not self._closed:
            try:
                await self._connect()
                if failures:
                    logger.info(
                        "Pub/sub Redis %s is reachable again: delivery resumed "
                        "(messages published in between were lost).",
                        self.description,
                    )
                failures = 0
                await self._deliver_until_broken()
            except (RedisError, OSError, _ConnectionLostError) as exc:
                self._warn(exc, "reconnecting; messages published meanwhile are lost")
            except Exception:
                # Not Redis's doing, yet delivery must go on: log it, start afresh.
                logger.exception("Pub/sub reader of %s failed", self.description)
            await self._drop_connection()
            await asyncio.sleep(_BACKOFF.compute(failures))
            failures += 1

    async def _connect(self) -> None:
        if self._listener is None:
            self._listener = aioredis.Redis.from_url(
                self.url,
                socket_timeout=_TIMEOUT,
                socket_connect_timeout=_TIMEOUT,
                socket_keepalive=True,
                retry=Retry(NoBackoff(), 0),  # the reader reconnects, with backoff
            )
        pubsub = self._listener.pubsub()
        try:
            await pubsub.connect()  # type: ignore[no-untyped-call]
        except BaseException:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()
            raise
        async with self._lock:
            self._pubsub = pubsub
            self._broken = False
        await self._sync()  # every topic that has local subscribers

    async def _deliver_until_broken(self) -> None:
        pubsub = self._pubsub
        assert pubsub is not None  # set by _connect
        heard = time.monotonic()
        pinged = False
        while not self._broken:
            message = await pubsub.get_message(timeout=_POLL)
            now = time.monotonic()
            if message is not None:
                heard, pinged = now, False
                self._handle(message)
            elif now - heard > _DEAD_AFTER:
                raise _ConnectionLostError(
                    f"no answer from Redis in {_DEAD_AFTER:.0f} s"
                )
            elif now - heard > _PING_AFTER and not pinged:
                # A silent connection may be a dead one (a network that dropped it
                # without a reset): a PING's answer tells which.
                await pubsub.ping()
                pinged = True
        raise _ConnectionLostError("a SUBSCRIBE or UNSUBSCRIBE could not be sent")

    def _handle(self, message: dict[str, object]) -> None:
        kind, channel, data = message["type"], message["channel"], message["data"]
        if not isinstance(channel, bytes):
            return  # a PING's answer
        name = channel.decode(errors="replace")
        if kind == "message" and isinstance(data, bytes):
            frame = _decode(data)
            if frame is not None:
                self._subscribers.deliver(name.removeprefix(self._prefix), frame)
        elif kind in ("subscribe", "unsubscribe"):
            self._unanswered[name] -= 1
            if self._unanswered[name] > 0:
                return  # a later (UN)SUBSCRIBE of the channel is still on its way
            del self._unanswered[name]
            if name in self._sent:
                self._confirmed.add(name)
                event = self._confirming.pop(name, None)
                if event is not None:
                    event.set()

    async def _sync(self) -> None:
        """Subscribe the channels of local topics and unsubscribe the others."""
        async with self._lock:
            pubsub = self._pubsub
            if pubsub is None or self._broken:
                return  # the reader subscribes them all once connected
            wanted = {self._prefix + topic for topic in self._subscribers.topics()}
            subscribe = sorted(wanted - self._sent)
            unsubscribe = sorted(self._sent - wanted)
            # Counted before sending: the reader may see Redis's answer before the
            # send returns here. A failed send resets it all with the connection.
            self._sent = wanted
            for channel in (*subscribe, *unsubscribe):
                self._unanswered[channel] += 1
                self._confirmed.discard(channel)
            try:
                if subscribe:
                    await pubsub.subscribe(*subscribe)
                if unsubscribe:
                    await pubsub.unsubscribe(*unsubscribe)
            except (RedisError, OSError):
                self._broken = True  # the reader sees it and connects again

    async def _drop_connection(self) -> None:
        async with self._lock:
            pubsub, self._pubsub = self._pubsub, None
            self._sent = set()
            self._unanswered.clear()
            self._confirmed.clear()
            if pubsub is not None:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()

    def _warn(self, error: BaseException, consequence: str) -> None:
        # One line per interval and consequence: a Redis that is down must not flood
        # the log, yet both the publishers' and the reader's troubles are told.
        now = time.monotonic()
        if now - self._last_warning.get(consequence, -_WARNING_INTERVAL) < (
            _WARNING_INTERVAL
        ):
            return
        self._last_warning[consequence] = now
        logger.warning(
            "Pub/sub Redis %s is unreachable (%s): %s until it is back.",
            self.description,
            str(error) or type(error).__name__,
            consequence,
        )
