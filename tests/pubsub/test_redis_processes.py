"""`publish` across OS processes: two ``routetree start`` servers on one real Redis.

Each server of tests/apps/pubsub (one process each, config ``pubsub_url``) opens its
broker at start-up; a POST publishes, a mailbox subscribed through the broker is read
by a GET that waits for its next frame.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server
from tests.conftest import APPS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.redis_server import RedisServer


@pytest.fixture(scope="module")
def pair(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Servers A and B of one project, each its own process, on one Redis."""
    project = tmp_path_factory.mktemp("shared") / "pubsub"
    shutil.copytree(APPS / "pubsub", project)
    (project / "routetree.toml").write_text(f'pubsub_url = "{redis_server.url}"\n')
    with live_server(project) as a, live_server(project) as b:
        yield a, b


def _subscribe(server: str, topic: str) -> str:
    answer = httpx.post(f"{server}/api/subscriptions/{topic}", timeout=10)
    assert answer.status_code == 200
    mailbox_id: str = answer.json()["id"]
    return mailbox_id


def _next(server: str, mailbox_id: str) -> object:
    answer = httpx.get(f"{server}/api/mailboxes/{mailbox_id}", timeout=15)
    assert answer.status_code == 200, "no frame came within 10 s"
    return answer.json()


def test_both_servers_use_the_redis_broker_in_their_own_process(
    pair: tuple[LiveServer, LiveServer], redis_server: RedisServer
) -> None:
    a, b = (httpx.get(f"{s}/api/broker", timeout=10).json() for s in pair)
    assert a["broker"] == b["broker"] == redis_server.url
    assert a["pid"] != b["pid"]


def test_a_post_on_a_reaches_subscribers_on_b_and_a_once_each_in_order(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = pair
    on_a, on_b = _subscribe(a, "room"), _subscribe(b, "room")
    httpx.post(f"{a}/api/topics/room", content="hello", timeout=10)
    httpx.post(
        f"{a}/api/topics/room",
        content=b"\x00\xff",
        headers={"content-type": "application/octet-stream"},
        timeout=10,
    )
    httpx.post(f"{a}/api/topics/room", content="end", timeout=10)
    for server, mailbox_id in ((a, on_a), (b, on_b)):
        assert _next(server, mailbox_id) == {"text": "hello"}
        assert _next(server, mailbox_id) == {"binary": "00ff"}
        assert _next(server, mailbox_id) == {"text": "end"}  # nothing twice


def test_an_unsubscribed_mailbox_gets_nothing_more(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = pair
    leaving, staying = _subscribe(b, "news"), _subscribe(b, "news")
    assert httpx.delete(f"{b}/api/mailboxes/{leaving}", timeout=10).status_code == 204
    httpx.post(f"{a}/api/topics/news", content="first", timeout=10)
    assert _next(b, staying) == {"text": "first"}
    # B's reader handed "first" to every mailbox subscribed then: none for leaving.
    answer = httpx.get(f"{b}/api/mailboxes/{leaving}", params={"wait": 0}, timeout=10)
    assert answer.status_code == 204
