import itertools
from collections.abc import AsyncIterator

from routetree import Response

revalidate = 60
_renders = itertools.count(1)


async def GET() -> Response:
    n = next(_renders)

    async def chunks() -> AsyncIterator[str]:
        yield f"render {n}"

    return Response(chunks())
