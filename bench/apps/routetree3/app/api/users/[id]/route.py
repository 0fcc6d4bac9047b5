"""GET /api/users/{id}."""

from routetree import Request, Response, RouteContext


async def GET(request: Request, context: RouteContext) -> Response:
    user_id = context.params["id"]
    return Response.json({"id": user_id, "name": f"user {user_id}"})
