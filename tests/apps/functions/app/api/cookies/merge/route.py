"""cookies() lines merged with the response's own (GET async def, PUT def)."""

from routetree import Response, cookies


def scenario(request):
    case = request.url.search_params.get("case")
    store = cookies()
    if case == "docs":
        store.set("foo", "from-store")
        store.set("baz", "baz2")
        response = Response("docs")
        response.cookies.set("foo", "from-response")
        response.cookies.set("bar", "bar2")
        # The Response object does not list what cookies() set.
        listed = [name for name in ("foo", "bar", "baz") if name in response.cookies]
        response.headers["x-listed"] = ",".join(listed)
        return response
    if case == "raw":
        store.set("same", "from-store")
        store.set("store", "s")
        return Response(
            "raw",
            headers=[
                ("set-cookie", "same=raw; Path=/"),
                ("set-cookie", "own=1; Path=/"),
            ],
        )
    if case == "delete":
        store.set("gone", "from-store")
        store.delete("kept")
        response = Response("delete")
        response.cookies.delete("gone")
        return response
    raise AssertionError(case)


async def GET(request):
    return scenario(request)


def PUT(request):
    return scenario(request)
