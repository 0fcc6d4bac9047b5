"""What request.state holds, read before and after a pause (overlapping requests)."""

import anyio

from routetree import Request, Response


async def GET(request: Request) -> Response:
    before = request.state.user
    request.state.seen_by.append("handler")
    await anyio.sleep(float(request.url.search_params.get("pause", "0")))
    return Response.json(
        {"before": before, "after": request.state.user, "state": vars(request.state)}
    )
