from routetree import Response


async def GET(request):
    return Response.json(
        {
            "custom": request.headers.get("x-custom"),
            "accept": request.headers.get_all("accept"),
            "token": request.cookies.get("token"),
            "cookies": sorted(request.cookies),
            "client": request.client.host if request.client else None,
        }
    )
