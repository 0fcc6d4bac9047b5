from routetree import Request, Response, RouteContext, publish


async def POST(request: Request, context: RouteContext) -> Response:
    """Publishes the body: binary for application/octet-stream, else text."""
    topic = str(context.params["topic"])
    if request.headers.get("content-type") == "application/octet-stream":
        await publish(topic, await request.body())
    else:
        await publish(topic, await request.text())
    return Response(status=204)
