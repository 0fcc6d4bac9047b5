"""POST /api/users: echo the JSON object back with an id."""

from routetree import Request, Response


async def POST(request: Request) -> Response:
    data = await request.json()
    if not isinstance(data, dict):
        return Response.json({"error": "Expected a JSON object"}, status=400)
    return Response.json({**data, "id": 1}, status=201)
