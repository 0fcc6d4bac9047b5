"""Which GETs are cached and what a cached answer carries (spec §2, §13; C70-C77).

Through a real ``routetree start`` of tests/apps/caching.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import anyio
import httpx
import pytest

from tests.cache.conftest import cache_status
from tests.conftest import wait_for_output

if TYPE_CHECKING:
    from routetree.testing import LiveServer

YEAR = "s-maxage=31536000"


def test_plain_get_runs_every_time_without_cache_headers(client: httpx.Client) -> None:
    first, second = client.get("/api/dynamic"), client.get("/api/dynamic")
    assert first.status_code == second.status_code == 200
    assert first.json()["renders"] != second.json()["renders"]
    for response in (first, second):
        assert "cache-control" not in response.headers
        assert cache_status(response) is None
        assert "etag" not in response.headers


def test_force_static_answer_is_rendered_once_without_request_data(
    client: httpx.Client,
) -> None:
    first = client.get(
        "/api/static?q=1", headers={"user-agent": "ua-1", "cookie": "session=s1"}
    )
    second = client.get(
        "/api/static?q=2", headers={"user-agent": "ua-2", "cookie": "session=s2"}
    )
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    body = first.json()
    assert body["search"] == ""
    assert body["params"] == {}
    assert body["ua"] is None
    assert body["cookie"] is None
    assert first.headers["cache-control"] == YEAR
    assert second.headers["cache-control"] == YEAR
    assert cache_status(second) == "HIT"
    assert first.headers["etag"] == second.headers["etag"]
    assert int(second.headers["age"]) >= 0


def test_force_static_beside_post_stays_dynamic(client: httpx.Client) -> None:
    first, second = client.get("/api/static-post"), client.get("/api/static-post")
    assert first.json()["renders"] != second.json()["renders"]
    assert "cache-control" not in second.headers
    assert cache_status(second) is None
    assert client.post("/api/static-post").json() == {"posted": True}


def test_revalidate_seconds_sends_next_cache_control(client: httpx.Client) -> None:
    first = client.get("/api/minute")
    head = client.head("/api/minute")
    assert first.headers["cache-control"] == (
        "s-maxage=60, stale-while-revalidate=31535940"
    )
    assert cache_status(first) in {"MISS", "HIT"}
    assert head.status_code == 200
    assert head.content == b""
    assert cache_status(head) == "HIT"
    assert head.headers["etag"] == first.headers["etag"]
    assert head.headers["content-length"] == str(len(first.content))


def test_revalidate_false_first_miss_then_hit(client: httpx.Client) -> None:
    first = client.get("/api/forever/first-miss")
    second = client.get("/api/forever/first-miss")
    assert cache_status(first) == "MISS"
    assert cache_status(second) == "HIT"
    assert first.headers["cache-control"] == second.headers["cache-control"] == YEAR
    assert first.json() == second.json() == {"renders": 1}
    assert first.headers["age"] == "0"


def test_matching_if_none_match_gets_304(client: httpx.Client) -> None:
    etag = client.get("/api/forever/etag").headers["etag"]
    for value in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        answer = client.get("/api/forever/etag", headers={"if-none-match": value})
        assert answer.status_code == 304
        assert answer.content == b""
        assert answer.headers["etag"] == etag
        assert answer.headers["cache-control"] == YEAR
        assert cache_status(answer) == "HIT"
    other = client.get("/api/forever/etag", headers={"if-none-match": '"other"'})
    assert other.status_code == 200
    assert other.json() == {"renders": 1}


def test_dynamic_error_handler_that_reads_nothing_is_cached(
    client: httpx.Client,
) -> None:
    first, second = client.get("/api/error-ok"), client.get("/api/error-ok")
    assert first.json() == second.json()
    assert cache_status(second) == "HIT"
    assert second.headers["cache-control"] == YEAR


def test_dynamic_error_handler_reading_headers_fails_naming_it(
    server: LiveServer, client: httpx.Client
) -> None:
    answer = client.get("/api/error-reads")
    assert answer.status_code == 500
    assert answer.json() == {"error": "Internal Server Error"}
    assert cache_status(answer) is None
    wait_for_output(
        server,
        'Route /api/error-reads with `dynamic = "error"` couldn\'t be rendered '
        "statically because it used `request.headers`.",
    )


@pytest.mark.parametrize(
    "path", ["/api/cookie", "/api/notfound", "/api/stream"], ids=lambda p: p[5:]
)
def test_answers_with_cookies_errors_or_streams_are_never_stored(
    client: httpx.Client, path: str
) -> None:
    first, second = client.get(path), client.get(path)
    assert first.content != second.content  # rendered twice
    for response in (first, second):
        assert cache_status(response) is None
        assert "cache-control" not in response.headers
    if path == "/api/cookie":
        assert second.headers["set-cookie"] == "seen=1; Path=/"
    if path == "/api/notfound":
        assert second.status_code == 404


def test_generate_static_params_unlisted_param_miss_then_hit(
    client: httpx.Client,
) -> None:
    first, second = client.get("/api/gsp/c"), client.get("/api/gsp/c")
    assert cache_status(first) == "MISS"
    assert cache_status(second) == "HIT"
    assert first.json() == second.json()
    assert second.json()["slug"] == "c"
    assert second.headers["cache-control"] == YEAR


def test_dynamic_params_false_unlisted_param_is_404(client: httpx.Client) -> None:
    assert client.get("/api/gsp-strict/z").status_code == 404
    listed = client.get("/api/gsp-strict/a")
    assert listed.status_code == 200
    assert listed.json() == {"slug": "a"}
    assert listed.headers["cache-control"] == YEAR


def test_stale_entry_served_once_while_one_render_replaces_it(
    client: httpx.Client,
) -> None:
    first = client.get("/api/swr/once")
    assert first.json() == {"renders": 1}
    assert first.headers["cache-control"] == (
        "s-maxage=1, stale-while-revalidate=31535999"
    )
    time.sleep(1.2)
    stale = client.get("/api/swr/once")
    assert cache_status(stale) == "STALE"
    assert stale.json() == {"renders": 1}
    assert int(stale.headers["age"]) >= 1
    deadline = time.monotonic() + 5
    while True:
        fresh = client.get("/api/swr/once")
        if cache_status(fresh) == "HIT":
            break
        assert cache_status(fresh) == "STALE"
        assert time.monotonic() < deadline
    assert fresh.json() == {"renders": 2}
    assert client.get("/api/renders").json()["swr/once"] == 2


@pytest.mark.anyio
async def test_concurrent_stale_requests_start_one_render(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=10) as http:
        await http.get("/api/swr/burst")
        await anyio.sleep(1.2)
        answers: list[httpx.Response] = []

        async def fetch() -> None:
            answers.append(await http.get("/api/swr/burst"))

        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(fetch)
        assert {cache_status(a) for a in answers} <= {"STALE", "HIT"}
        assert "STALE" in {cache_status(a) for a in answers}
        await anyio.sleep(0.3)
        assert (await http.get("/api/renders")).json()["swr/burst"] == 2


@pytest.mark.anyio
async def test_fifty_concurrent_misses_of_one_key_render_once(
    server: LiveServer,
) -> None:
    limits = httpx.Limits(max_connections=60)
    async with httpx.AsyncClient(base_url=server, timeout=20, limits=limits) as http:
        answers: list[httpx.Response] = []

        async def fetch() -> None:
            answers.append(await http.get("/api/slow/cold"))

        async with anyio.create_task_group() as group:
            for _ in range(50):
                group.start_soon(fetch)
        assert len(answers) == 50
        assert {a.status_code for a in answers} == {200}
        assert {a.text for a in answers} == {'{"renders":1}'}
        assert {cache_status(a) for a in answers} == {"MISS"}
        assert len({a.headers["etag"] for a in answers}) == 1
        assert (await http.get("/api/renders")).json()["slow/cold"] == 1
