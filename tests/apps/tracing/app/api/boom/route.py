from routetree import HTTPError, Response


async def GET() -> Response:
    raise ValueError("boom")


async def POST() -> Response:
    raise HTTPError(409, "taken")
