from app._lib.probe import records

from routetree import Response


async def GET(request):
    return Response.json(records(request.url.search_params.get("key")))
