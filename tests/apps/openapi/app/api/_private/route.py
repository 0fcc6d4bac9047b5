from routetree import Response


async def GET():
    """Never routed: _private is a private folder."""
    return Response("private")
