"""/api/users: list the users (GET) and create one (POST)."""

from anyio import to_thread
from lib.db import EmailTakenError, create_user, list_users
from lib.schemas import UserCreate, conflict_response, parse_body

from routetree import Request, Response


def GET() -> Response:
    """List every user, oldest first: 200 with a JSON array."""
    return Response.json([user.to_json() for user in list_users()])


async def POST(request: Request) -> Response:
    """Create a user from ``{"name", "email"}``: 201 with the user, 400 or 409."""
    body = await parse_body(request, UserCreate)
    if isinstance(body, Response):
        return body
    try:
        user = await to_thread.run_sync(create_user, body.name, body.email)
    except EmailTakenError as exc:
        return conflict_response(exc)
    return Response.json(
        user.to_json(), status=201, headers={"Location": f"/api/users/{user.id}"}
    )
