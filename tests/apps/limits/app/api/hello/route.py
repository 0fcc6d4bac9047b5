from routetree import Response


async def GET():
    return Response.json({"message": "Hello World"})
