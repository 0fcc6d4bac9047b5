from routetree import Response


async def GET():
    return Response.json({"values": [float("inf"), float("-inf"), float("nan"), 1.5]})
