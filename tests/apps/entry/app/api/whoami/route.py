from routetree import Request, Response


async def GET(request: Request) -> Response:
    url = request.url
    return Response.json(
        {
            "url": str(url),
            "scheme": url.scheme,
            "host": url.host,
            "port": url.port,
            "path": url.path,
            "ip": request.ip,
        }
    )


async def POST(request: Request) -> Response:
    return Response.json({"body": (await request.body()).decode("latin-1")})
