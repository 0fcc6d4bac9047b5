"""Sleeps 10 s, past max_duration; ``?marker=<file>`` records that it was stopped."""

import asyncio
from pathlib import Path

from routetree import Response

max_duration = 1


async def GET(request):
    marker = request.url.search_params.get("marker")
    try:
        await asyncio.sleep(10)
    finally:
        if marker:
            Path(marker).write_text("cancelled")
    return Response("finished")
