from routetree import Response


async def GET(request):
    if request.url.search_params.get("rewrite"):
        return Response.rewrite("/api/hello")
    return Response.next()
