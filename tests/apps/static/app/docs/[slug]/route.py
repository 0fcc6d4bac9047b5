from routetree import Request, Response, RouteContext


async def GET(request: Request, context: RouteContext) -> Response:
    return Response.json({"route": "docs/[slug]", "params": context.params})
