from routetree import Response


async def GET(request):
    return Response.json({"secret": 42, "user": request.headers.get("x-user")})
