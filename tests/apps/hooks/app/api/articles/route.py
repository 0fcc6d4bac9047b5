"""A JSON body of at most 1 kB: malformed JSON is a 400, a larger body a 413."""

from routetree import Request, Response

max_body_size = "1kb"


async def POST(request: Request) -> Response:
    return Response.json(await request.json(), status=201)
