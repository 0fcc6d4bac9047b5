from routetree import Request, Response

config = {"matcher": ["/api/protected/:path*"]}


async def middleware(request: Request) -> Response | None:
    if request.headers.get("authorization") != "Bearer ok":
        return Response.json({"error": "unauthorized"}, status=401)
    return Response.next(request_headers={"x-user": "ada"})
