from lib.wrappers import timed

from routetree import Response


@timed
async def GET(request):
    return Response(request.method)
