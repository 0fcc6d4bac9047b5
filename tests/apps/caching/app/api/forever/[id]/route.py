from lib.renders import count

from routetree import Request, Response, RouteContext

revalidate = False


async def GET(request: Request, context: RouteContext) -> Response:
    return Response.json({"renders": count(f"forever/{context.params['id']}")})
