from routetree import Response

max_body_size = 1_000_000


async def POST(request):
    return Response.json({"length": len(await request.body())})
