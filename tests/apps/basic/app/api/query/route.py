from routetree import Response


async def GET(request):
    url = request.url
    params = url.search_params
    return Response.json(
        {
            "url": str(url),
            "path": url.path,
            "search": url.search,
            "a": params.get("a"),
            "aAll": params.get_all("a"),
            "b": params.get("b"),
            "c": params.get("c"),
            "missing": params.get("missing"),
        }
    )
