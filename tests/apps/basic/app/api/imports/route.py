from app.api._lib.helpers import greeting

from routetree import Response


async def GET():
    return Response(greeting("import"))
