"""One Response object returned by every request: it must not collect cookies()."""

from routetree import Response, cookies

SHARED = Response("shared")
SHARED.cookies.set("own", "1")


async def GET(request):
    value = request.url.search_params.get("set")
    if value is not None:
        cookies().set("store", value)
    return SHARED
