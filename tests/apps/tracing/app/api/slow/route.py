import anyio

from routetree import Response

max_duration = 0.1


async def GET() -> Response:
    await anyio.sleep(30)
    return Response.json({"late": True})
