"""Takes a second, then records that it finished: in flight while the server stops."""

import os

import anyio
from instrumentation import record

from routetree import Response


async def GET() -> Response:
    await anyio.sleep(1)
    record("events", {"event": "request finished", "pid": os.getpid()})
    return Response("drained")
