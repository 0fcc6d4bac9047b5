from routetree import Response

revalidate = 60


async def GET() -> Response:
    return Response.json({"cached": True})
