from routetree import Response


async def POST(request):
    return Response(
        request.stream(), headers={"content-type": "application/octet-stream"}
    )
