"""The in-process broker: fan-out by topic, bounded mailboxes that drop and say so."""

from __future__ import annotations

import logging

import pytest

from routetree._pubsub import Mailbox, MemoryBroker, Subscribers

pytestmark = pytest.mark.anyio


async def test_a_frame_reaches_every_subscriber_of_its_topic_only() -> None:
    broker = MemoryBroker()
    first, second, other = Mailbox(), Mailbox(), Mailbox()
    await broker.subscribe("room:1", first)
    await broker.subscribe("room:1", second)
    await broker.subscribe("room:2", other)
    await broker.publish("room:1", "hello")
    assert (await first.get(), await second.get()) == ("hello", "hello")
    assert len(other) == 0


async def test_frames_arrive_in_the_order_published() -> None:
    broker = MemoryBroker()
    mailbox = Mailbox()
    await broker.subscribe("t", mailbox)
    for n in range(5):
        await broker.publish("t", f"m{n}")
    assert [await mailbox.get() for _ in range(5)] == [f"m{n}" for n in range(5)]


async def test_unsubscribed_mailboxes_get_nothing_and_the_count_shrinks() -> None:
    broker = MemoryBroker()
    mailbox = Mailbox()
    await broker.subscribe("t", mailbox)
    assert broker.subscriber_count("t") == 1
    await broker.unsubscribe("t", mailbox)
    await broker.unsubscribe("t", mailbox)  # twice is harmless
    await broker.publish("t", b"x")
    assert (broker.subscriber_count("t"), len(mailbox)) == (0, 0)


async def test_a_full_mailbox_drops_counts_and_warns_without_blocking(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broker = MemoryBroker()
    slow, fast = Mailbox(maxsize=2), Mailbox(maxsize=10)
    await broker.subscribe("t", slow)
    await broker.subscribe("t", fast)
    with caplog.at_level(logging.WARNING, logger="routetree"):
        for n in range(5):
            await broker.publish("t", str(n))
    assert (len(slow), slow.dropped) == (2, 3)
    assert [await slow.get() for _ in range(2)] == ["0", "1"]
    assert (len(fast), fast.dropped) == (5, 0)
    warnings = [r.getMessage() for r in caplog.records if "too slow" in r.getMessage()]
    assert len(warnings) == 1  # rate-limited: one line, not one per drop
    assert "topic 't'" in warnings[0]


def test_subscribers_say_when_a_topic_gains_its_first_and_loses_its_last() -> None:
    subscribers = Subscribers()
    a, b = Mailbox(), Mailbox()
    assert subscribers.add("t", a) is True
    assert subscribers.add("t", b) is False
    assert subscribers.remove("t", a) is False
    assert subscribers.remove("t", b) is True
    assert subscribers.topics() == []
    assert subscribers.remove("t", b) is False
