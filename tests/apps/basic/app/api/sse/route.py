import asyncio

from routetree import Response


async def events():
    for n in range(3):
        yield f"data: {n}\n\n"
        await asyncio.sleep(0.3)


async def GET():
    return Response(events(), headers={"content-type": "text/event-stream"})
