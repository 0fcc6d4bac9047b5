"""request.state where the middleware does not run: empty, and usable."""

from routetree import Request, Response


async def GET(request: Request) -> Response:
    missing = ""
    try:
        request.state.user  # noqa: B018 - reading is the point
    except AttributeError as exc:
        missing = str(exc)
    request.state.mine = 1
    return Response.json({"state": vars(request.state), "missing": missing})
