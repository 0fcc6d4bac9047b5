"""Opens the project's broker at start-up and closes it at shutdown.

The app does not open one itself yet (its WebSocket sockets will), so this file does
what it will do: `open_broker` with the project's config, Redis with ``pubsub_url``.
"""

from pathlib import Path

from routetree._config._loading import load_config
from routetree._pubsub import Broker, open_broker

_brokers: list[Broker] = []  # `publish` holds the broker weakly: keep it alive


def register() -> None:
    _brokers.append(open_broker(load_config(Path(__file__).parent)))


async def shutdown() -> None:
    for broker in _brokers:
        await broker.close()
