"""revalidate_tag, revalidate_path and cache_tag, through a real server."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tests.cache.conftest import cache_status
from tests.conftest import wait_for_output

if TYPE_CHECKING:
    import httpx

    from routetree.testing import LiveServer


def _revalidate(client: httpx.Client, **data: str) -> None:
    answer = client.post("/api/admin", json=data)
    assert answer.status_code == 200, answer.text


def test_revalidate_tag_expires_tagged_answers_at_once(client: httpx.Client) -> None:
    assert client.get("/api/tagged/x").json() == {"renders": 1}
    assert cache_status(client.get("/api/tagged/x")) == "HIT"
    assert cache_status(client.get("/api/tagged/other-x")) == "MISS"
    _revalidate(client, tag="post-x")
    again = client.get("/api/tagged/x")
    assert cache_status(again) == "MISS"
    assert again.json() == {"renders": 2}
    assert cache_status(client.get("/api/tagged/x")) == "HIT"
    assert cache_status(client.get("/api/tagged/other-x")) == "HIT"  # not tagged


def test_revalidate_tag_max_serves_stale_once_while_rendering(
    client: httpx.Client,
) -> None:
    client.get("/api/tagged/y")
    assert cache_status(client.get("/api/tagged/y")) == "HIT"
    _revalidate(client, tag="post-y", profile="max")
    stale = client.get("/api/tagged/y")
    assert cache_status(stale) == "STALE"
    assert stale.json() == {"renders": 1}
    deadline = time.monotonic() + 5
    while cache_status(fresh := client.get("/api/tagged/y")) != "HIT":
        assert time.monotonic() < deadline
    assert fresh.json() == {"renders": 2}


def test_revalidate_path_expires_that_path_only(client: httpx.Client) -> None:
    for path in ("/api/forever/p1", "/api/forever/p2"):
        client.get(path)
        assert cache_status(client.get(path)) == "HIT"
    _revalidate(client, path="/api/forever/p1")
    assert cache_status(client.get("/api/forever/p1")) == "MISS"
    assert cache_status(client.get("/api/forever/p2")) == "HIT"


def test_revalidate_path_of_a_dynamic_route_expires_all_its_params(
    client: httpx.Client,
) -> None:
    for path in ("/api/gsp/r1", "/api/gsp/r2"):
        client.get(path)
        assert cache_status(client.get(path)) == "HIT"
    _revalidate(client, path="/api/gsp/[slug]")
    assert cache_status(client.get("/api/gsp/r1")) == "MISS"
    assert cache_status(client.get("/api/gsp/r2")) == "MISS"


def test_unknown_revalidate_tag_profile_is_an_error(
    server: LiveServer, client: httpx.Client
) -> None:
    answer = client.post("/api/admin", json={"tag": "t", "profile": "days"})
    assert answer.status_code == 500
    wait_for_output(server, "revalidate_tag profile 'days' is not supported")


def test_cache_decorator_keys_async_results_by_arguments(
    client: httpx.Client,
) -> None:
    first = client.get("/api/memo?n=21").json()["double"]
    second = client.get("/api/memo?n=21").json()["double"]
    other = client.get("/api/memo?n=22").json()["double"]
    assert first == second
    assert first["value"] == 42
    assert other["value"] == 44
    assert other["call"] != first["call"]
    _revalidate(client, tag="memo")
    after = client.get("/api/memo?n=21").json()["double"]
    assert after["value"] == 42
    assert after["call"] > other["call"]


def test_cache_decorator_caches_sync_functions(client: httpx.Client) -> None:
    first = client.put("/api/memo").json()["triple"]
    second = client.put("/api/memo").json()["triple"]
    assert first == second
    assert first["value"] == 6
    assert first["call"] == 1
