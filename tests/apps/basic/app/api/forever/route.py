import asyncio
from pathlib import Path

from routetree import Response


async def GET(request):
    marker = Path(request.url.search_params["marker"])

    async def endless():
        try:
            while True:
                yield "data: tick\n\n"
                await asyncio.sleep(0.05)
        finally:
            marker.write_text("closed")

    return Response(endless(), headers={"content-type": "text/event-stream"})
