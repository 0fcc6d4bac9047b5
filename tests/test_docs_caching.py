"""docs/caching.md, run as written: its route files under ``routetree start``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

PAGE = DocsPage("caching.md")

# The data layer the page's route files import and only mention. Each load counts, so
# a test can tell a render from an answer out of the cache.
STORE = {
    "lib/__init__.py": "",
    "lib/store.py": """
        renders = {"products": 0}
        posts = [{"id": 1, "title": "First"}]


        async def load_products():
            renders["products"] += 1
            return {"renders": renders["products"]}


        async def load_product(slug):
            return {"slug": slug}


        async def all_posts():
            return list(posts)


        async def save_post(post):
            posts.append(post)
        """,
}


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == [
        "app/api/products/route.py",
        "app/api/products/[slug]/route.py",
        "app/api/posts/route.py",
        "app/api/admin/posts/route.py",
        "routetree.toml",  # the memory store's bounds
        "routetree.toml",  # cache_url: Redis, tested in tests/cache/test_redis.py
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    memory_store = {"routetree.toml": PAGE.block("routetree.toml", 1).source}
    files = PAGE.files(skip=("routetree.toml",))
    project = write_project(
        tmp_path_factory.mktemp("caching"), files, memory_store, STORE
    )
    with serve(project) as (http, _):
        yield http


def test_revalidate_60_is_rendered_once_then_a_hit(client: httpx.Client) -> None:
    first = client.get("/api/products")
    second = client.get("/api/products?page=2")  # the query does not vary the key
    assert first.status_code == second.status_code == 200
    assert first.headers["x-routetree-cache"] == "MISS"
    assert second.headers["x-routetree-cache"] == "HIT"
    assert first.json() == second.json() == {"renders": 1}
    assert second.headers["cache-control"] == (
        "s-maxage=60, stale-while-revalidate=31535940"
    )
    assert second.headers["etag"] == first.headers["etag"]
    assert "age" in second.headers
    cached = client.get(
        "/api/products", headers={"if-none-match": first.headers["etag"]}
    )
    assert cached.status_code == 304


def test_a_listed_slug_is_cached_and_an_unlisted_one_is_a_404(
    client: httpx.Client,
) -> None:
    chair = client.get("/api/products/chair")
    assert chair.status_code == 200
    assert chair.json() == {"slug": "chair"}
    assert client.get("/api/products/chair").headers["x-routetree-cache"] == "HIT"
    assert client.get("/api/products/lamp").status_code == 404  # dynamic_params = False


def test_revalidate_tag_makes_the_next_get_render_fresh(client: httpx.Client) -> None:
    assert client.get("/api/posts").json() == [{"id": 1, "title": "First"}]
    assert client.get("/api/posts").headers["x-routetree-cache"] == "HIT"
    saved = client.post("/api/admin/posts", json={"id": 2, "title": "Second"})
    assert saved.status_code == 200
    assert saved.json() == {"ok": True}
    fresh = client.get("/api/posts")
    assert fresh.headers["x-routetree-cache"] == "MISS"
    assert fresh.json() == [{"id": 1, "title": "First"}, {"id": 2, "title": "Second"}]
