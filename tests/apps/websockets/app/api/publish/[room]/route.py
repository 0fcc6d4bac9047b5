"""Publish the request's JSON body to a room."""

from routetree import Request, Response, publish


async def POST(request: Request, context) -> Response:
    data = await request.json()
    await publish(f"room:{context.params['room']}", data)
    return Response(None, status=204)
