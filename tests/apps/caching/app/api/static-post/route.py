import itertools

from routetree import Response

dynamic = "force-static"
_renders = itertools.count(1)


async def GET() -> Response:
    return Response.json({"renders": next(_renders)})


async def POST() -> Response:
    return Response.json({"posted": True})
