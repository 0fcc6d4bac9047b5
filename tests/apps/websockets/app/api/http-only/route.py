from routetree import Response


async def GET() -> Response:
    return Response("plain HTTP")
