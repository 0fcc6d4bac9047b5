from routetree import Response


async def GET(request):
    return Response("get only", headers={"x-method": request.method})
