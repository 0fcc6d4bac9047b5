from routetree import Response


async def POST(request):
    return Response(
        await request.body(), headers={"content-type": "application/octet-stream"}
    )
