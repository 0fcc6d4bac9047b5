"""Past max_duration: a 504."""

import anyio

from routetree import Response

max_duration = 0.2


async def GET() -> Response:
    await anyio.sleep(5)
    return Response("never")
