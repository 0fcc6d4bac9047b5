from routetree import Response


async def GET(request):
    return Response.json({"route": "forward"})
