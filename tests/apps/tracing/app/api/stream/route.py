from collections.abc import AsyncIterator

from routetree import Response


async def GET() -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"first\n"
        raise RuntimeError("the stream broke")

    return Response(chunks())
