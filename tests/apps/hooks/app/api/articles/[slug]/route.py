"""The stop functions and a failing handler: GET only, so DELETE is a 405."""

from routetree import (
    Request,
    Response,
    RouteContext,
    cookies,
    forbidden,
    not_found,
    unauthorized,
)


async def GET(request: Request, context: RouteContext) -> Response:
    slug = context.params["slug"]
    cookies().set("visited", slug)
    if slug == "missing":
        not_found()
    if slug == "secret":
        forbidden()
    if slug == "private":
        unauthorized()
    if slug == "broken":
        raise LookupError("the database is down")
    return Response.json({"article": slug})
