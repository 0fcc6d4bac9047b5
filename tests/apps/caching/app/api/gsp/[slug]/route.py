import itertools

from routetree import Request, Response, RouteContext

_renders = itertools.count(1)


def generate_static_params() -> list[dict[str, str]]:
    return [{"slug": "a"}, {"slug": "b"}]


async def GET(request: Request, context: RouteContext) -> Response:
    return Response.json({"slug": context.params["slug"], "renders": next(_renders)})
