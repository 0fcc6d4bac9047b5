"""GET /api/hello."""

from routetree import Response


async def GET() -> Response:
    return Response.json({"message": "Hello World"})
