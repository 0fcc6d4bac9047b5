from routetree import Response


async def POST(request):
    return Response.json({"length": len(await request.body())})
