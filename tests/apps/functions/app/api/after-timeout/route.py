import asyncio

from app._lib.probe import record

from routetree import Response, after

max_duration = 0.2


async def GET(request):
    key = request.url.search_params.get("key")
    after(lambda: record(key, event="after"))
    await asyncio.sleep(30)
    return Response("too late")
