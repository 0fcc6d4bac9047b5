import itertools

from routetree import Response

_renders = itertools.count(1)


async def GET() -> Response:
    return Response.json({"renders": next(_renders)})
