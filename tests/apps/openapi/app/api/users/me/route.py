from routetree import Response


async def GET():
    """The signed-in user (static beats [id])."""
    return Response.json({"id": "me"})
