from routetree import Response


async def GET():
    """Liveness."""
    return Response("ok")


async def HEAD():
    """Liveness, without a body."""
    return Response(None)


async def OPTIONS():
    """What this route allows."""
    return Response(None, status=204, headers={"allow": "GET, HEAD, OPTIONS"})
