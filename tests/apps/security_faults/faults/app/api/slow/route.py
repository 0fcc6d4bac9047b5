import asyncio
import os

from routetree import Response


async def GET(request):
    await asyncio.sleep(float(request.url.search_params.get("s", "1")))
    return Response.json({"pid": os.getpid()})
