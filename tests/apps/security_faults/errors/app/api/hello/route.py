from routetree import Response


async def GET():
    return Response.json({"hello": "world"})
