from routetree import Response


async def events():
    for n in range(3):
        yield f"data: {'x' * 600} {n}\n\n"


async def GET():
    return Response(events(), headers={"content-type": "text/event-stream"})
