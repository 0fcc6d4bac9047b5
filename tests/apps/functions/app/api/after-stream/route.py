import asyncio
import functools

from app._lib.probe import record

from routetree import Response, after


async def GET(request):
    key = request.url.search_params.get("key")

    async def chunks():
        try:
            while True:
                yield "tick\n"
                await asyncio.sleep(0.05)
        finally:
            record(key, event="stream-closed")

    after(functools.partial(record, key, event="after"))
    return Response(chunks(), headers={"content-type": "text/plain"})
