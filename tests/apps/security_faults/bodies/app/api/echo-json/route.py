from routetree import Response


async def POST(request):
    return Response.json({"body": await request.json()})
