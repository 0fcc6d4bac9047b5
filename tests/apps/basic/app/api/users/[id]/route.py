from routetree import Request, Response, RouteContext


async def GET(request: Request, context: RouteContext) -> Response:
    return Response.json({"route": "[id]", "params": context.params})


async def DELETE(request: Request, context: RouteContext) -> Response:
    return Response(None, status=204)
