from routetree import Request, Response


async def GET(request: Request, context: object) -> Response:
    return Response.json({"secret": "S3CRET-P", "user": request.headers.get("x-user")})
