"""headers() reads (GET async def, PUT def)."""

from routetree import Response, headers


def scenario(request):
    h = headers()
    return Response.json(
        {
            "lower": h.get("x-probe"),
            "mixed": h.get("X-PrObE"),
            "item": h["X-PROBE"],
            "in": ["x-probe" in h, "X-Probe" in h, "x-absent" in h],
            "missing": h.get("x-absent"),
            "default": h.get("x-absent", "fallback"),
            "joined": h.get("x-multi"),
            "all": h.get_all("X-Multi"),
            "all_missing": h.get_all("x-absent"),
            "host": h.get("host"),
            "same_as_request": h is request.headers,
            "same_each_call": headers() is h,
        }
    )


async def GET(request):
    return scenario(request)


def PUT(request):
    return scenario(request)
