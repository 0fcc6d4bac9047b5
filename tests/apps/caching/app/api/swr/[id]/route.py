from lib.renders import count

from routetree import Request, Response, RouteContext

revalidate = 1


def GET(request: Request, context: RouteContext) -> Response:
    key = f"swr/{context.params['id']}"
    return Response.json({"renders": count(key)})
