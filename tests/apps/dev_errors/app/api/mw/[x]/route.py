from routetree import Response


async def GET() -> Response:
    return Response("the middleware let it through")
