from lib.wrappers import passing

from routetree import Response


@passing
async def GET():
    return Response("no arguments")
