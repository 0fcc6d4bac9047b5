from routetree import Request, Response

config = {
    "matcher": [
        "/api/protected/:path*",
        # The echo route is guarded only for requests that ask for it.
        {
            "source": "/api/echo",
            "has": [{"type": "header", "key": "x-guard"}],
            "missing": [{"type": "query", "key": "skip-guard"}],
        },
    ]
}


async def middleware(request: Request) -> Response | None:
    path = request.url.path
    if path.endswith("/boom"):
        raise RuntimeError("middleware failed")
    if path.endswith("/rewrite"):
        return Response.rewrite("/api/hello")
    if path.endswith("/same-host"):
        return Response.rewrite(f"{request.url.origin}/api/echo?via=mw")
    if path.endswith("/other-host"):
        return Response.rewrite("https://other.example/api/hello")
    if path.endswith("/redirect"):
        return Response.redirect("/api/hello")
    if request.headers.get("authorization") != "Bearer ok":
        return Response.json(
            {"success": False, "message": "authentication failed"}, status=401
        )
    return Response.next(
        request_headers={"x-user": "ada"},
        headers={"x-mw": "1", "set-cookie": "mw=1; Path=/"},
    )
