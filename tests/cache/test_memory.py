"""The memory store's bounds (config ``cache_max_entries``, ``cache_max_size``).

Through real servers of small projects: what is dropped shows as a MISS again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from routetree.testing import live_server
from tests.cache.conftest import cache_status

if TYPE_CHECKING:
    from tests.conftest import MakeProject

ITEM = """
    import itertools

    from routetree import Request, Response, RouteContext

    revalidate = False
    _renders = itertools.count(1)


    async def GET(request: Request, context: RouteContext) -> Response:
        size = int(request.url.search_params.get("size", "10"))
        return Response.json({"n": next(_renders), "pad": "x" * size})
"""


def test_least_recently_used_entry_is_dropped_past_max_entries(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/api/item/[id]/route.py": ITEM,
            "routetree.toml": "cache_max_entries = 2\n",
        }
    )
    with live_server(project) as url, httpx.Client(base_url=url) as client:
        assert cache_status(client.get("/api/item/a")) == "MISS"
        assert cache_status(client.get("/api/item/b")) == "MISS"
        assert cache_status(client.get("/api/item/a")) == "HIT"  # b is now oldest
        assert cache_status(client.get("/api/item/c")) == "MISS"  # drops b
        assert cache_status(client.get("/api/item/a")) == "HIT"
        assert cache_status(client.get("/api/item/b")) == "MISS"


def test_entries_past_max_size_in_bytes_are_dropped_or_never_stored(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/api/item/[id]/route.py": ITEM,
            "routetree.toml": 'cache_max_size = "2kb"\n',
        }
    )
    with live_server(project) as url, httpx.Client(base_url=url) as client:
        big = client.get("/api/item/big?size=4000")
        again = client.get("/api/item/big?size=4000")
        assert cache_status(big) == cache_status(again) == "MISS"  # larger than all
        assert big.json()["n"] != again.json()["n"]
        assert cache_status(client.get("/api/item/a?size=800")) == "MISS"
        assert cache_status(client.get("/api/item/b?size=800")) == "MISS"
        assert cache_status(client.get("/api/item/b")) == "HIT"
        assert cache_status(client.get("/api/item/c?size=800")) == "MISS"  # drops a
        assert cache_status(client.get("/api/item/a")) == "MISS"


def test_dev_never_caches_but_force_static_still_strips_the_request(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/api/static/route.py": """
                import itertools

                from routetree import Request, Response

                dynamic = "force-static"
                _renders = itertools.count(1)


                async def GET(request: Request) -> Response:
                    return Response.json(
                        {"n": next(_renders), "search": request.url.query}
                    )
            """,
            "app/api/forever/route.py": ITEM,
        }
    )
    with live_server(project, command="dev") as url, httpx.Client(base_url=url) as c:
        first, second = c.get("/api/static?q=1"), c.get("/api/static?q=1")
        assert first.json() == {"n": 1, "search": ""}
        assert second.json() == {"n": 2, "search": ""}
        for response in (first, second):
            assert cache_status(response) is None
            assert "cache-control" not in response.headers
        assert c.get("/api/forever").json()["n"] != c.get("/api/forever").json()["n"]
