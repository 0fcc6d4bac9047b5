"""Sync typed handlers: params, headers and cookies, run in a worker thread."""

from __future__ import annotations

import threading

from app.api._lib.models import User  # noqa: TC002 - read at run time
from app.api._lib.store import USERS
from pydantic import BaseModel, Field

from routetree import Response, not_found


class UserPath(BaseModel):
    id: int = Field(ge=1)


class Client(BaseModel):
    x_client_version: int
    accept_language: str = "en"


class Prefs(BaseModel):
    theme: str = "light"


def GET(params: UserPath, headers: Client, cookies: Prefs) -> User:
    user = USERS.get(params.id)
    if user is None:
        not_found()
    return user


def PATCH(params: UserPath, headers: Client, cookies: Prefs) -> Response:
    return Response.json(
        {
            "id": params.id,
            "client": headers.x_client_version,
            "language": headers.accept_language,
            "theme": cookies.theme,
            "main_thread": threading.current_thread() is threading.main_thread(),
        }
    )
