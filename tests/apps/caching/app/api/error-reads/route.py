from routetree import Request, Response

dynamic = "error"


async def GET(request: Request) -> Response:
    return Response.json({"ua": request.headers.get("user-agent")})
