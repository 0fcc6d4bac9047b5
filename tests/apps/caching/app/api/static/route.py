import itertools
import time

from routetree import Request, Response, cookies

dynamic = "force-static"
_renders = itertools.count(1)


async def GET(request: Request) -> Response:
    return Response.json(
        {
            "renders": next(_renders),
            "now": time.time(),
            "search": request.url.query,
            "params": dict(request.url.search_params.items()),
            "ua": request.headers.get("user-agent"),
            "cookie": cookies().get("session"),
        }
    )
