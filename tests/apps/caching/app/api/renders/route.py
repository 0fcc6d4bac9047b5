from lib.renders import renders

from routetree import Response


async def GET() -> Response:
    return Response.json(dict(renders))
