import json

from routetree import Response


async def GET() -> Response:
    return Response.json(json.loads("{"))
