from routetree import Response, cookies


async def GET(request):
    cookies().set("store", "s")
    cookies().set("same", "from-store")
    response = Response.json({"secret": 42, "user": request.headers.get("x-user")})
    response.cookies.set("same", "from-response")
    return response
