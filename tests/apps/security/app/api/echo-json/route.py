from routetree import Response


async def POST(request):
    return Response.json(await request.json())
