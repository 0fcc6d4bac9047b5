from routetree import Response


async def GET(request):
    return Response.json(
        {
            "route": "echo",
            "path": request.url.path,
            "query": request.url.search_params.multi_items(),
            "user": request.headers.get("x-user"),
        }
    )


async def POST(request):
    return Response.json({"received": len(await request.body())})
