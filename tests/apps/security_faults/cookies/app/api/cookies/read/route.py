from routetree import Response


async def GET(request):
    return Response.json(dict(request.cookies))
