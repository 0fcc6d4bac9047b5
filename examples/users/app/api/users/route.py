"""/api/users: list the users (GET) and create one (POST).

Both are plain ``def`` handlers: SQLAlchemy's calls block, so routetree runs them in a
worker thread, once it has read and validated their input on the event loop.

``headers: ApiKey`` is there for the document: it lists the ``x-api-key`` header a
write needs, so the docs page asks for it. middleware.py checks the key (a 401)
before the handler runs.
"""

from lib.db import EmailTakenError, create_user, list_users
from lib.schemas import ApiKey, ErrorBody, Page, User, UserCreate, conflict

from routetree import Response, operation


def GET(query: Page) -> list[User]:
    """List the users, oldest first.

    At most limit users (1 to 100, 100 by default), after the first offset (0).
    """
    rows = list_users(limit=query.limit, offset=query.offset)
    return [User.model_validate(row) for row in rows]


# A Response, for its Location header: `responses` tells the document its body.
@operation(status=201, responses={201: User, 401: ErrorBody, 409: ErrorBody})
def POST(body: UserCreate, headers: ApiKey) -> Response:
    """Create a user.

    201 with the user and a Location header; 409 when another user has the email.
    """
    try:
        user = User.model_validate(create_user(body.name, body.email))
    except EmailTakenError as exc:
        raise conflict(exc) from None
    return Response.json(
        user, status=201, headers={"Location": f"/api/users/{user.id}"}
    )
