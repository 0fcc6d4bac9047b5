"""Starlette: the four benchmark endpoints as plain ``Route`` objects.

``ROUTES`` is reused by the 1,000-route variant the harness generates, which puts its
extra routes in front of these four. The validated POST's body is checked by hand
(`hand_validation`), as Starlette has no validation of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hand_validation import user_in
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from starlette.requests import Request


async def hello(request: Request) -> Response:
    return JSONResponse({"message": "Hello World"})


async def get_user(request: Request) -> Response:
    user_id = request.path_params["id"]
    return JSONResponse({"id": user_id, "name": f"user {user_id}"})


async def create_user(request: Request) -> Response:
    data = await request.json()
    if not isinstance(data, dict):
        return JSONResponse({"error": "Expected a JSON object"}, status_code=400)
    return JSONResponse({**data, "id": 1}, status_code=201)


async def create_account(request: Request) -> Response:
    account = user_in(await request.json())
    if account is None:
        return JSONResponse({"error": "Unprocessable Content"}, status_code=422)
    return JSONResponse({**account, "id": 1}, status_code=201)


ROUTES = [
    Route("/api/hello", hello, methods=["GET"]),
    Route("/api/users/{id}", get_user, methods=["GET"]),
    Route("/api/users", create_user, methods=["POST"]),
    Route("/api/accounts", create_account, methods=["POST"]),
]

app = Starlette(routes=ROUTES)
