"""GET /api/hello?name=Ada -> {"message": "Hello, Ada!"}."""

import os

from routetree import Request, Response


async def GET(request: Request) -> Response:
    """Greet ``name`` from the query string with the greeting set in .env."""
    name = request.url.search_params.get("name", "world")
    greeting = os.environ.get("GREETING", "Hello")
    return Response.json({"message": f"{greeting}, {name}!"})
