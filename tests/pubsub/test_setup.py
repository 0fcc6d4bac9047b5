"""`open_broker`: Redis with config ``pubsub_url``, else the process's memory broker."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from routetree._config._loading import load_config
from routetree._config._project_config import ProjectConfig
from routetree._errors import ConfigError
from routetree._pubsub import current_broker, open_broker, shared_memory_broker
from routetree._pubsub._redis import RedisBroker
from tests.redis_server import free_port

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("config", [None, ProjectConfig()])
def test_without_pubsub_url_the_memory_broker_of_the_process(
    config: ProjectConfig | None,
) -> None:
    broker = open_broker(config)
    assert broker is shared_memory_broker()
    assert current_broker() is broker
    assert broker.description == "memory"


async def test_pubsub_url_opens_a_redis_broker_that_connects_on_first_use(
    tmp_path: Path,
) -> None:
    port = free_port()  # nothing listens: opening must not need Redis
    (tmp_path / "routetree.toml").write_text(
        f'pubsub_url = "redis://:pw@127.0.0.1:{port}/3"\n'
    )
    before = set(asyncio.all_tasks())
    broker = open_broker(load_config(tmp_path))
    try:
        assert isinstance(broker, RedisBroker)
        assert current_broker() is broker
        assert broker.description == f"redis://127.0.0.1:{port}/3"
        assert set(asyncio.all_tasks()) == before
    finally:
        await broker.close()
        del broker
    assert current_broker() is shared_memory_broker()


def test_a_url_redis_py_refuses_is_a_config_error_naming_the_key() -> None:
    config = ProjectConfig(pubsub_url="redis://127.0.0.1:6379/0?db=first")
    with pytest.raises(ConfigError, match=r"^pubsub_url 'redis://127\.0\.0\.1:"):
        open_broker(config)
