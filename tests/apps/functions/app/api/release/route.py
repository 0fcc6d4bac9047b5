from app._lib.probe import records, release

from routetree import Response


async def GET(request):
    key = request.url.search_params.get("key")
    # What the callbacks had recorded when the release came: none of the held ones.
    seen = [r["event"] for r in records(key)]
    release(key)
    return Response.json({"client_port": request.client.port, "seen": seen})
