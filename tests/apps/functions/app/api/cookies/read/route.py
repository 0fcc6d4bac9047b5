"""cookies() read, then written, in the same request (GET async def, PUT def)."""

from routetree import Response, cookies


def scenario(request):
    store = cookies()
    before = {
        "token": store.get("token"),
        "has_token": "token" in store,
        "missing": store.get("missing"),
        "has_missing": "missing" in store,
        "names": list(store),
        "len": len(store),
        "same_store": cookies() is store,
        "request_cookies": dict(request.cookies),
    }
    store.set("fresh", "new value")
    store.delete("token")
    after_writes = {
        "fresh": store.get("fresh"),
        "has_fresh": "fresh" in store,
        "token": store.get("token"),
        "has_token": "token" in store,
        "names": list(store),
        "len": len(store),
    }
    return Response.json({"before": before, "after": after_writes})


async def GET(request):
    return scenario(request)


def PUT(request):
    return scenario(request)
