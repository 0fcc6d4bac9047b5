from routetree import Response


async def POST(request):
    return Response.json({"body": await request.json()})


async def DELETE(request):
    body = await request.json()
    return Response(f"delete {body['name']}")
