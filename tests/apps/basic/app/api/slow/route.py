import asyncio

from routetree import Response

max_duration = 0.2


async def GET(request):
    await asyncio.sleep(float(request.url.search_params.get("sleep", "5")))
    return Response("finished")
