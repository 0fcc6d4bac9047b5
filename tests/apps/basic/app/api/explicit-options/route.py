from routetree import Response


async def GET():
    return Response("get")


async def OPTIONS():
    return Response("custom options", headers={"access-control-allow-origin": "*"})
