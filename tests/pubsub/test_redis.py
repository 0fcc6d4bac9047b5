"""`RedisBroker`: two brokers, as two workers would have, on one real redis-server.

Each broker has its own connections, so a frame published through one reaches the
other only through Redis. Nothing here waits a fixed time for a frame: `_next`
waits for one with a deadline, and the absence of a frame is shown by a later frame
arriving first (Redis delivers a connection's messages in order).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

import pytest
import redis.asyncio as aioredis

from routetree._pubsub import Frame, Mailbox
from routetree._pubsub._redis import CHANNEL_PREFIX, RedisBroker
from tests.redis_server import RedisServer, free_port

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.anyio

_DEADLINE = 10.0


@pytest.fixture
async def pair(redis_server: RedisServer) -> AsyncIterator[tuple[RedisBroker, ...]]:
    """Brokers A and B of one Redis, closed after the test."""
    a, b = RedisBroker(redis_server.url), RedisBroker(redis_server.url)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


async def _next(mailbox: Mailbox) -> Frame:
    async with asyncio.timeout(_DEADLINE):
        return await mailbox.get()


async def _numsub(url: str, topic: str) -> int:
    client = aioredis.Redis.from_url(url)
    try:
        [(_, count)] = await client.pubsub_numsub(f"{CHANNEL_PREFIX}0:{topic}")
        return int(count)
    finally:
        await client.aclose()


async def _until_numsub(url: str, topic: str, expected: int) -> None:
    deadline = time.monotonic() + _DEADLINE
    while (count := await _numsub(url, topic)) != expected:
        assert time.monotonic() < deadline, f"NUMSUB {topic}: {count}, not {expected}"
        await asyncio.sleep(0.02)


async def test_a_frame_published_on_a_reaches_b_and_a_exactly_once(
    pair: tuple[RedisBroker, RedisBroker],
) -> None:
    a, b = pair
    on_a, on_b, other = Mailbox(), Mailbox(), Mailbox()
    await a.subscribe("room:1", on_a)
    await b.subscribe("room:1", on_b)
    await b.subscribe("room:2", other)
    await a.publish("room:1", "hello")
    await a.publish("room:1", "end")
    for mailbox in (on_a, on_b):
        assert await _next(mailbox) == "hello"
        assert await _next(mailbox) == "end"  # not a second "hello"
    await a.publish("room:2", "last")
    assert await _next(other) == "last"  # room:1's frames never came here
    assert (len(on_a), len(on_b), len(other)) == (0, 0, 0)


async def test_text_stays_text_and_bytes_stay_bytes(
    pair: tuple[RedisBroker, RedisBroker],
) -> None:
    a, b = pair
    mailbox = Mailbox()
    await b.subscribe("kinds", mailbox)
    sent: list[Frame] = ["abc", b"abc", "", b"", "é\x00", b"\xff\x00t", "b", "\ud800"]
    for frame in sent:
        await a.publish("kinds", frame)
    received = [await _next(mailbox) for _ in sent]
    assert received == sent
    assert [type(f) for f in received] == [type(f) for f in sent]


async def test_frames_arrive_in_the_order_published(
    pair: tuple[RedisBroker, RedisBroker],
) -> None:
    a, b = pair
    mailbox = Mailbox(maxsize=500)
    await b.subscribe("ordered", mailbox)
    for n in range(300):
        await a.publish("ordered", f"m{n}")
    assert [await _next(mailbox) for _ in range(300)] == [f"m{n}" for n in range(300)]


async def test_unsubscribe_stops_delivery_and_the_channel_is_unsubscribed(
    pair: tuple[RedisBroker, RedisBroker], redis_server: RedisServer
) -> None:
    a, b = pair
    first, second, on_b = Mailbox(), Mailbox(), Mailbox()
    await a.subscribe("leaving", first)
    await a.subscribe("leaving", second)
    await b.subscribe("leaving", on_b)
    assert await _numsub(redis_server.url, "leaving") == 2  # one per process
    await a.unsubscribe("leaving", first)
    assert a.subscriber_count("leaving") == 1
    assert await _numsub(redis_server.url, "leaving") == 2  # A has one left
    await a.unsubscribe("leaving", second)
    assert a.subscriber_count("leaving") == 0
    await _until_numsub(redis_server.url, "leaving", 1)
    await b.publish("leaving", "after")
    assert await _next(on_b) == "after"
    # A gets nothing more: a frame published later, on another topic, comes first.
    probe = Mailbox()
    await a.subscribe("probe", probe)
    await b.publish("probe", "later")
    assert await _next(probe) == "later"
    assert (len(first), len(second)) == (0, 0)
    await b.unsubscribe("leaving", on_b)
    await _until_numsub(redis_server.url, "leaving", 0)


async def test_a_topic_subscribed_again_is_delivered_again(
    pair: tuple[RedisBroker, RedisBroker],
) -> None:
    a, b = pair
    mailbox = Mailbox()
    for n in range(3):
        await b.subscribe("again", mailbox)
        await a.publish("again", f"round {n}")
        assert await _next(mailbox) == f"round {n}"
        await b.unsubscribe("again", mailbox)


async def test_concurrent_subscribes_and_unsubscribes_end_as_the_table_says(
    pair: tuple[RedisBroker, RedisBroker], redis_server: RedisServer
) -> None:
    a, b = pair
    churn = [Mailbox() for _ in range(20)]
    kept = Mailbox()

    async def come_and_go(mailbox: Mailbox) -> None:
        await b.subscribe("churn", mailbox)
        await b.unsubscribe("churn", mailbox)

    await asyncio.gather(b.subscribe("churn", kept), *map(come_and_go, churn))
    assert b.subscriber_count("churn") == 1
    await _until_numsub(redis_server.url, "churn", 1)
    await a.publish("churn", "to the one kept")
    assert await _next(kept) == "to the one kept"
    await b.unsubscribe("churn", kept)
    await _until_numsub(redis_server.url, "churn", 0)
    gone = [Mailbox() for _ in range(20)]
    await asyncio.gather(*map(come_and_go, gone))
    await _until_numsub(redis_server.url, "churn", 0)
    assert b.subscriber_count("churn") == 0


async def test_frames_not_published_by_routetree_are_ignored(
    pair: tuple[RedisBroker, RedisBroker], redis_server: RedisServer
) -> None:
    a, _ = pair
    mailbox = Mailbox()
    await a.subscribe("foreign", mailbox)
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        await client.publish(f"{CHANNEL_PREFIX}0:foreign", b"no kind byte")
        await client.publish(f"{CHANNEL_PREFIX}0:foreign", b"t\xff not UTF-8")
        await client.publish(f"{CHANNEL_PREFIX}0:foreign", b"")
    finally:
        await client.aclose()
    await a.publish("foreign", "ours")
    assert await _next(mailbox) == "ours"


async def test_database_numbers_keep_projects_apart(
    redis_server: RedisServer,
) -> None:
    url_1 = redis_server.url.removesuffix("/0") + "/1"
    zero, one = RedisBroker(redis_server.url), RedisBroker(url_1)
    try:
        on_zero, on_one = Mailbox(), Mailbox()
        await zero.subscribe("shared-name", on_zero)
        await one.subscribe("shared-name", on_one)
        await one.publish("shared-name", "for db 1")
        await zero.publish("shared-name", "for db 0")
        assert await _next(on_one) == "for db 1"
        assert await _next(on_zero) == "for db 0"  # not db 1's, which came first
        await one.publish("shared-name", "db 1 again")
        assert await _next(on_one) == "db 1 again"  # not db 0's
    finally:
        await zero.close()
        await one.close()


async def test_publish_with_redis_down_drops_without_raising_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broker = RedisBroker(f"redis://:secret@127.0.0.1:{free_port()}/0")
    try:
        with caplog.at_level(logging.WARNING, logger="routetree"):
            for n in range(3):
                await broker.publish("t", f"m{n}")
    finally:
        await broker.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "Pub/sub Redis redis://127.0.0.1:" in warnings[0]
    assert "is unreachable" in warnings[0]
    assert "dropping published messages" in warnings[0]
    assert "secret" not in warnings[0]


async def test_nothing_connects_before_the_first_subscribe_or_publish() -> None:
    before = set(asyncio.all_tasks())
    broker = RedisBroker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens
    assert broker.description.startswith("redis://127.0.0.1:")
    assert broker.subscriber_count("t") == 0
    assert set(asyncio.all_tasks()) == before
    await broker.close()


async def test_delivery_resumes_by_itself_after_redis_restarts(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="routetree")
    a, b = RedisBroker(own_redis.url), RedisBroker(own_redis.url)
    try:
        on_a, on_b = Mailbox(), Mailbox()
        await a.subscribe("restart", on_a)
        await b.subscribe("restart", on_b)
        await a.publish("restart", "before")
        assert (await _next(on_a), await _next(on_b)) == ("before", "before")

        own_redis.kill()
        await a.publish("restart", "while down")  # dropped, never raised
        own_redis.start()  # the same port, no subscription of anyone

        # No subscribe call from here on: the readers subscribe again by themselves.
        deadline = time.monotonic() + 15
        n = 0
        while not (len(on_a) and len(on_b)):
            assert time.monotonic() < deadline, "delivery did not resume"
            await a.publish("restart", f"after {n}")
            n += 1
            await asyncio.sleep(0.05)
        got_a, got_b = await _next(on_a), await _next(on_b)
        assert str(got_a).startswith("after ")
        assert str(got_b).startswith("after ")
        assert await _numsub(own_redis.url, "restart") == 2
        messages = [r.getMessage() for r in caplog.records]
        assert any("reconnecting; messages published meanwhile" in m for m in messages)
        assert any("reachable again: delivery resumed" in m for m in messages)
    finally:
        await a.close()
        await b.close()


async def test_a_subscribe_while_redis_is_down_takes_effect_when_it_is_up(
    own_redis: RedisServer,
) -> None:
    own_redis.stop()
    broker = RedisBroker(own_redis.url)
    try:
        mailbox = Mailbox()
        started = time.monotonic()
        await broker.subscribe("early", mailbox)  # returns, without raising
        assert time.monotonic() - started < 5
        assert broker.subscriber_count("early") == 1
        own_redis.start()
        await _until_numsub(own_redis.url, "early", 1)
        await broker.publish("early", "hi")
        assert await _next(mailbox) == "hi"
    finally:
        await broker.close()


async def test_close_leaves_no_task_and_no_subscription(
    redis_server: RedisServer,
) -> None:
    before = set(asyncio.all_tasks())
    broker = RedisBroker(redis_server.url)
    mailbox = Mailbox()
    await broker.subscribe("closing", mailbox)
    await broker.publish("closing", "x")
    assert await _next(mailbox) == "x"
    assert set(asyncio.all_tasks()) - before  # the reader runs
    await broker.close()
    assert set(asyncio.all_tasks()) == before
    await _until_numsub(redis_server.url, "closing", 0)
    await broker.publish("closing", "after close")  # nothing, no error
    assert len(mailbox) == 0
