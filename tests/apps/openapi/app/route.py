from routetree import Response


async def GET():
    """The API's home."""
    return Response.json({"name": "openapi test app"})
