from routetree import Response


async def POST():
    return Response("posted")
