from routetree import Response


async def GET():
    return Response("private folders are never routed")
