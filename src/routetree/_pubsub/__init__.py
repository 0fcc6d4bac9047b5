"""Publish/subscribe: `publish` from any handler, delivered to subscribed sockets.

A publisher hands a topic and data to `publish`, which turns the data into a frame
(`str` a text frame, `bytes` a binary frame, anything else JSON text) and gives it to
the process's `Broker`. The broker fans the frame out to the `Mailbox` of every
subscriber of the topic: in this process (`MemoryBroker`, the default) or, with
config ``pubsub_url``, in every process sharing that Redis. A mailbox is a bounded
queue that a WebSocket drains into its connection; a full one drops the frame and
counts it, so a slow subscriber never blocks a publisher.

`open_broker` picks the broker from the config. The Redis one,
`routetree._pubsub._redis.RedisBroker`, is not imported here: redis-py is an optional
dependency, imported only when ``pubsub_url`` is set.
"""

from ._broker import Broker, Frame, Mailbox, current_broker, register_broker
from ._memory import MemoryBroker, Subscribers, shared_memory_broker
from ._publish import publish, to_frame
from ._setup import open_broker

__all__ = [
    "Broker",
    "Frame",
    "Mailbox",
    "MemoryBroker",
    "Subscribers",
    "current_broker",
    "open_broker",
    "publish",
    "register_broker",
    "shared_memory_broker",
    "to_frame",
]
