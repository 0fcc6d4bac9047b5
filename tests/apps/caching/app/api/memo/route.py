import itertools
import os

from routetree import Request, Response, cache

_calls = itertools.count(1)
_sync_calls = itertools.count(1)


@cache(tags=["memo"])
async def double(n: int) -> dict[str, int]:
    return {"value": n * 2, "call": next(_calls), "pid": os.getpid()}


@cache(revalidate=60)
def triple(n: int) -> dict[str, int]:
    return {"value": n * 3, "call": next(_sync_calls), "pid": os.getpid()}


async def GET(request: Request) -> Response:
    n = int(request.url.search_params.get("n", "1"))
    return Response.json({"double": await double(n)})


def PUT(request: Request) -> Response:
    return Response.json({"triple": triple(2)})
