"""An event stream: one event at once, then one every ``every`` seconds (default 5).

With ``?marker=<file>``, the generator writes "closed" to that file when it ends.
"""

import asyncio
from pathlib import Path

from routetree import Response


async def GET(request):
    params = request.url.search_params
    every = float(params.get("every", "5"))
    marker = params.get("marker")

    async def events():
        try:
            count = 0
            while True:
                yield f"data: {count}\n\n"
                count += 1
                await asyncio.sleep(every)
        finally:
            if marker:
                Path(marker).write_text("closed")

    return Response(events(), headers={"content-type": "text/event-stream"})
