from lib.wrappers import Greeting, with_greeting

from routetree import Response


@with_greeting
async def POST(request, context, body: Greeting) -> Response:
    return Response.json({"name": body.name})
