from routetree import Response


async def GET():
    """Counters (the (admin) group is not in the URL)."""
    return Response.json({"users": 1})
