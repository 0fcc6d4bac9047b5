"""Everything request.state holds: what this request's middleware set, nothing more."""

from routetree import Request, Response


def GET(request: Request) -> Response:
    return Response.json(vars(request.state))
