from lib.renders import count

from routetree import Request, Response, RouteContext, cache_tag

revalidate = False


async def GET(request: Request, context: RouteContext) -> Response:
    item = context.params["id"]
    cache_tag("posts", f"post-{item}")
    return Response.json({"renders": count(f"tagged/{item}")})
