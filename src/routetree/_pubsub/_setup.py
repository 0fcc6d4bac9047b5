"""At start-up: the app's broker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._errors import ConfigError
from ._broker import register_broker
from ._memory import shared_memory_broker

if TYPE_CHECKING:
    from .._config._project_config import ProjectConfig
    from ._broker import Broker

__all__ = ["open_broker"]


def open_broker(config: ProjectConfig | None) -> Broker:
    """The broker the app's sockets subscribe through and its `publish` calls reach.

    With config ``pubsub_url``, a `RedisBroker` of that Redis, which connects on first
    use and which the caller keeps (`publish` holds it weakly) and closes at shutdown;
    else the process's in-memory broker, shared by every app of the process.
    """
    broker: Broker
    if config is not None and config.pubsub_url is not None:
        try:
            from ._redis import RedisBroker  # imports redis: only when configured
        except ImportError as exc:
            raise ConfigError(
                "pubsub_url needs redis-py, which is not installed: "
                "pip install 'routetree[redis]'"
            ) from exc
        try:
            broker = RedisBroker(config.pubsub_url)
        except ValueError as exc:
            raise ConfigError(f"pubsub_url {config.pubsub_url!r}: {exc}") from None
    else:
        broker = shared_memory_broker()
    register_broker(broker)
    return broker
