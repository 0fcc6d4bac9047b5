"""At start-up: the app's broker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._broker import register_broker
from ._memory import shared_memory_broker

if TYPE_CHECKING:
    from .._config._project_config import ProjectConfig
    from ._broker import Broker

__all__ = ["open_broker"]


def open_broker(config: ProjectConfig | None) -> Broker:
    """The broker the app's sockets subscribe through and its `publish` calls reach.

    The process's in-memory broker, shared by every app of the process.
    """
    del config  # ``pubsub_url`` is not read yet: every app is in-process
    broker = shared_memory_broker()
    register_broker(broker)
    return broker
