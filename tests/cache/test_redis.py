"""The shared store: two ``routetree start --workers 2`` instances on one real Redis.

Each instance's routes count renders per process, so the tests read the cache
through ``x-routetree-cache``: a path rendered by one instance is a HIT on the other.
"""

from __future__ import annotations

import shutil
import time
from typing import TYPE_CHECKING

import httpx
import pytest
import redis

from routetree.testing import LiveServer, live_server
from tests.cache.conftest import CACHING, cache_status
from tests.cache.test_prerender import FILES, build_with_mark
from tests.conftest import wait_for_output
from tests.redis_server import RedisServer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.conftest import MakeProject


def _project(directory: Path, url: str) -> Path:
    project = directory / "caching"
    shutil.copytree(CACHING, project)
    (project / "routetree.toml").write_text(f'cache_url = "{url}"\n')
    return project


@pytest.fixture(scope="module")
def pair(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Instances A and B of one project, each with two workers, on one Redis."""
    project = _project(tmp_path_factory.mktemp("shared"), redis_server.url)
    args = ("--workers", "2")
    with live_server(project, args=args) as a, live_server(project, args=args) as b:
        yield a, b


def _get(base: str, path: str) -> httpx.Response:
    return httpx.get(base + path, timeout=10)


def test_an_answer_rendered_by_one_instance_is_a_hit_on_the_other(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = pair
    first = _get(a, "/api/forever/shared")
    assert cache_status(first) == "MISS"
    for _ in range(6):  # both workers of B
        hit = _get(b, "/api/forever/shared")
        assert cache_status(hit) == "HIT"
        assert hit.content == first.content
        assert hit.headers["etag"] == first.headers["etag"]
        assert hit.headers["cache-control"] == "s-maxage=31536000"


@pytest.mark.parametrize("admin", ["/api/admin", "/api/admin-sync"])
def test_revalidate_tag_through_a_makes_b_render_fresh(
    pair: tuple[LiveServer, LiveServer], admin: str
) -> None:
    a, b = pair
    path = f"/api/tagged/{admin.rsplit('/', 1)[1]}"
    assert cache_status(_get(b, path)) == "MISS"
    assert cache_status(_get(b, path)) == "HIT"
    assert cache_status(_get(a, path)) == "HIT"
    item = path.rsplit("/", 1)[1]
    tag = f"post-{item}"
    answer = httpx.post(a + admin, json={"tag": tag}, params={"tag": tag}, timeout=10)
    assert answer.status_code == 200
    assert cache_status(_get(b, path)) == "MISS"  # B's very next request
    for _ in range(4):
        assert cache_status(_get(b, path)) == "HIT"
        assert cache_status(_get(a, path)) == "HIT"


def test_revalidate_path_through_b_expires_it_on_a(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = pair
    assert cache_status(_get(a, "/api/forever/by-path")) == "MISS"
    assert cache_status(_get(a, "/api/forever/by-path")) == "HIT"
    answer = httpx.post(b + "/api/admin", json={"path": "/api/forever/by-path"})
    assert answer.status_code == 200
    assert cache_status(_get(a, "/api/forever/by-path")) == "MISS"


def test_stale_entry_is_rendered_again_by_one_instance(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = pair
    assert cache_status(_get(a, "/api/swr/shared")) == "MISS"
    time.sleep(1.2)
    assert cache_status(_get(b, "/api/swr/shared")) == "STALE"
    deadline = time.monotonic() + 5
    while cache_status(_get(a, "/api/swr/shared")) != "HIT":
        assert time.monotonic() < deadline


def test_every_key_in_redis_has_a_ttl(
    pair: tuple[LiveServer, LiveServer], redis_server: RedisServer
) -> None:
    a, _ = pair
    _get(a, "/api/forever/ttl")
    httpx.post(a + "/api/admin", json={"tag": "ttl-tag"})
    client = redis.Redis.from_url(redis_server.url)
    try:
        keys = list(client.scan_iter("routetree:*"))
        assert any(k.startswith(b"routetree:e:") for k in keys)
        assert any(k.startswith(b"routetree:t:") for k in keys)
        for key in keys:
            ttl = client.ttl(key)
            assert isinstance(ttl, int)
            assert 0 < ttl <= 31_536_000, key
    finally:
        client.close()


def test_redis_gone_means_fresh_answers_and_a_warning_then_recovery(
    tmp_path: Path,
) -> None:
    store = RedisServer()
    store.start()
    try:
        project = _project(tmp_path, store.url)
        with live_server(project, args=("--workers", "2")) as server:
            assert cache_status(_get(server, "/api/forever/outage")) == "MISS"
            assert cache_status(_get(server, "/api/forever/outage")) == "HIT"
            store.stop()
            for _ in range(6):
                answer = _get(server, "/api/forever/outage")
                assert answer.status_code == 200
                assert cache_status(answer) is None
                assert "cache-control" not in answer.headers
                assert answer.json()["renders"] >= 1
            admin = httpx.post(server + "/api/admin", json={"tag": "x"}, timeout=10)
            assert admin.status_code == 200
            wait_for_output(
                server,
                f"Cache store redis://127.0.0.1:{store.port}/0 is unreachable",
            )
            # Rate-limited: once per worker, not once per request.
            assert server.output.count("is unreachable") <= 2
            store.start()  # the same port, empty
            deadline = time.monotonic() + 10
            while cache_status(_get(server, "/api/forever/outage")) != "HIT":
                assert time.monotonic() < deadline
    finally:
        store.stop()


def test_build_answers_are_put_into_redis_unless_it_has_one(
    redis_server: RedisServer, make_project: MakeProject
) -> None:
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()  # the other tests' answers share these paths' keys
    client.close()
    project = make_project(
        {**FILES, "routetree.toml": f'cache_url = "{redis_server.url}"\n'}
    )
    assert build_with_mark(project).returncode == 0
    with live_server(project, args=("--workers", "2")) as url:
        first = _get(url, "/api/gsp/a")
        assert first.json() == {"mark": "build", "slug": "a"}
        assert cache_status(first) == "HIT"
    assert build_with_mark(project, "second").returncode == 0
    with live_server(project) as url:
        # Redis holds the first build's answer already: the second one is not put.
        assert _get(url, "/api/gsp/a").json() == {"mark": "build", "slug": "a"}


def test_cache_decorator_results_are_shared_from_sync_and_async_code(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = pair
    for path in ("/api/memo?n=7", "/api/memo"):
        method = "GET" if "?" in path else "PUT"
        first = httpx.request(method, a + path, timeout=10).json()
        # B's workers compute nothing: the result, with A's process id, is in Redis.
        for _ in range(4):
            assert httpx.request(method, b + path, timeout=10).json() == first
