from routetree import Response


async def chunks():
    yield "first chunk\n"
    raise RuntimeError("sk_live_7f3a9c-not-for-clients broke the stream")


async def GET():
    return Response(chunks(), headers={"content-type": "text/plain"})
