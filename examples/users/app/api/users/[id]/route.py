"""/api/users/[id]: read (GET), replace (PUT), change (PATCH) or delete (DELETE) a user.

``params: UserPath`` validates the id: one that is not a positive integer written in
plain digits (``/api/users/abc``, ``/api/users/01``) is a 422 naming it; a valid id
that names no user is a 404. Every handler is a plain ``def``, run in a worker thread.
The writes declare ``headers: ApiKey`` for the document; middleware.py checks the key.
"""

from lib.db import EmailTakenError, delete_user, get_user, update_user
from lib.schemas import (
    ApiKey,
    ErrorBody,
    User,
    UserCreate,
    UserPath,
    UserUpdate,
    conflict,
)

from routetree import Response, not_found, operation

_WRITE_ERRORS: dict[int, object] = {401: ErrorBody, 404: ErrorBody, 409: ErrorBody}


@operation(responses={404: ErrorBody})
def GET(params: UserPath) -> User:
    """Read a user."""
    user = get_user(params.id)
    if user is None:
        not_found()
    return User.model_validate(user)


@operation(responses=_WRITE_ERRORS)
def PUT(params: UserPath, body: UserCreate, headers: ApiKey) -> User:
    """Replace a user's name and email (both required).

    409 when another user has the email.
    """
    return _update(params.id, body.name, body.email)


@operation(responses=_WRITE_ERRORS)
def PATCH(params: UserPath, body: UserUpdate, headers: ApiKey) -> User:
    """Change some of a user's fields: name, email or both.

    409 when another user has the email.
    """
    return _update(params.id, body.get("name"), body.get("email"))


@operation(responses={204: None, 401: ErrorBody, 404: ErrorBody})
def DELETE(params: UserPath, headers: ApiKey) -> Response:
    """Delete a user: 204, with no body."""
    if not delete_user(params.id):
        not_found()
    return Response(None, status=204)


def _update(user_id: int, name: str | None, email: str | None) -> User:
    try:
        user = update_user(user_id, name=name, email=email)
    except EmailTakenError as exc:
        raise conflict(exc) from None
    if user is None:
        not_found()
    return User.model_validate(user)
