"""200 MB streamed in 64 KiB chunks of random (incompressible) bytes.

``?type=text/plain`` makes it a compressible type, so a client accepting gzip gets it
gzipped chunk by chunk.
"""

import os

from routetree import Response

CHUNK = os.urandom(64 * 1024)
TOTAL = 200 * 1024 * 1024


async def chunks():
    for _ in range(TOTAL // len(CHUNK)):
        yield CHUNK


async def GET(request):
    kind = request.url.search_params.get("type", "application/octet-stream")
    return Response(chunks(), headers={"content-type": kind})
