import os

from routetree import Response


async def GET():
    return Response.json({"pid": os.getpid()})
