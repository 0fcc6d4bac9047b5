import asyncio

from routetree import Response


async def POST(request):
    # Longer than the body timeout: the server holds the body back meanwhile.
    await asyncio.sleep(2)
    body = await request.body()
    return Response.json({"length": len(body)})
