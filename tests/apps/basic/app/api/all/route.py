from routetree import Response


async def GET(request):
    return Response(request.method)


POST = PUT = PATCH = DELETE = GET
