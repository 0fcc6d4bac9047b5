from routetree import Request, Response


async def middleware(request: Request) -> Response | None:
    if request.headers.get("x-break") == "1":
        raise RuntimeError("the middleware broke")
    return Response.next(headers={"x-middleware": "1"})
