from routetree import Request, Response, RouteContext

dynamic_params = False


async def generate_static_params() -> list[dict[str, str]]:
    return [{"slug": "a"}]


async def GET(request: Request, context: RouteContext) -> Response:
    return Response.json({"slug": context.params["slug"]})
