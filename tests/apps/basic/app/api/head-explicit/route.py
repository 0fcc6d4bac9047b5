from routetree import Response


async def GET():
    return Response("from get", headers={"x-from": "GET"})


async def HEAD():
    return Response(None, headers={"x-from": "HEAD"})
