"""headers() refuses writes (?case=caught|uncaught; GET async def, PUT def)."""

from routetree import Response, headers


def _setitem(h):
    h["x-new"] = "1"


def _delitem(h):
    del h["x-probe"]


WRITES = {
    "setitem": _setitem,
    "delitem": _delitem,
    "set": lambda h: h.set("x-new", "1"),
    "append": lambda h: h.append("x-new", "1"),
    "delete": lambda h: h.delete("x-probe"),
}


def scenario(request):
    case = request.url.search_params.get("case")
    h = headers()
    if case == "uncaught":
        h["x-new"] = "1"
        return Response("unreachable")
    errors = {}
    for label, write in WRITES.items():
        try:
            write(h)
        except Exception as exc:
            errors[label] = [type(exc).__name__, str(exc)]
    errors["still"] = [h.get("x-probe"), h.get("x-new")]
    return Response.json(errors)


async def GET(request):
    return scenario(request)


def PUT(request):
    return scenario(request)
