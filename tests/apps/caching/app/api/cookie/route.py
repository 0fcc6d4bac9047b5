import itertools

from routetree import Response, cookies

revalidate = 60
_renders = itertools.count(1)


async def GET() -> Response:
    cookies().set("seen", "1")
    return Response.json({"renders": next(_renders)})
