"""`publish`: frames by data type, the broker it reaches, refused topics."""

from __future__ import annotations

import pytest

from routetree import publish
from routetree._pubsub import (
    Mailbox,
    MemoryBroker,
    current_broker,
    register_broker,
    shared_memory_broker,
    to_frame,
)

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("data", "frame"),
    [
        ("text", "text"),
        (b"\x00\x01", b"\x00\x01"),
        (bytearray(b"ab"), b"ab"),
        ({"n": 1, "ok": True}, '{"n":1,"ok":true}'),
        ([1, "é"], '[1,"é"]'),
        (None, "null"),
    ],
)
def test_str_is_text_bytes_are_binary_anything_else_is_json(
    data: object, frame: str | bytes
) -> None:
    assert to_frame(data) == frame
    assert type(to_frame(data)) is type(frame)


async def test_publish_reaches_the_newest_registered_broker() -> None:
    broker = MemoryBroker()
    register_broker(broker)
    try:
        assert current_broker() is broker
        mailbox = Mailbox()
        await broker.subscribe("news", mailbox)
        await publish("news", {"headline": "hi"})
        assert await mailbox.get() == '{"headline":"hi"}'
    finally:
        del broker
    assert current_broker() is shared_memory_broker()


@pytest.mark.parametrize("topic", ["", 7, None])
async def test_a_topic_must_be_a_non_empty_string(topic: object) -> None:
    with pytest.raises(TypeError, match="non-empty str topic"):
        await publish(topic, "x")  # type: ignore[arg-type]
