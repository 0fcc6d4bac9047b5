"""/api/users/[id]: read (GET), replace (PUT), change (PATCH) or delete (DELETE) a user.

An id that is not a positive integer (``/api/users/abc``) names no user: 404.
"""

from anyio import to_thread
from lib.db import EmailTakenError, delete_user, get_user, update_user
from lib.schemas import (
    UserCreate,
    UserUpdate,
    conflict_response,
    parse_body,
    parse_user_id,
)

from routetree import Request, Response, RouteContext, not_found


def _user_id(context: RouteContext) -> int:
    user_id = parse_user_id(context.params.get("id"))
    if user_id is None:
        not_found()
    return user_id


def GET(request: Request, context: RouteContext) -> Response:
    """Return the user: 200, or 404."""
    user = get_user(_user_id(context))
    if user is None:
        not_found()
    return Response.json(user.to_json())


async def PUT(request: Request, context: RouteContext) -> Response:
    """Replace name and email (both required): 200 with the user, 400, 404 or 409."""
    user_id = _user_id(context)
    body = await parse_body(request, UserCreate)
    if isinstance(body, Response):
        return body
    return await _update(user_id, body.name, body.email)


async def PATCH(request: Request, context: RouteContext) -> Response:
    """Change the fields given (name, email or both): 200, 400, 404 or 409."""
    user_id = _user_id(context)
    body = await parse_body(request, UserUpdate)
    if isinstance(body, Response):
        return body
    return await _update(user_id, body.name, body.email)


def DELETE(request: Request, context: RouteContext) -> Response:
    """Delete the user: 204 with no body, or 404."""
    if not delete_user(_user_id(context)):
        not_found()
    return Response(None, status=204)


async def _update(user_id: int, name: str | None, email: str | None) -> Response:
    try:
        user = await to_thread.run_sync(
            lambda: update_user(user_id, name=name, email=email)
        )
    except EmailTakenError as exc:
        return conflict_response(exc)
    if user is None:
        not_found()
    return Response.json(user.to_json())
