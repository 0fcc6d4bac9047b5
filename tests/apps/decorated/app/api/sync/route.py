from lib.wrappers import in_thread

from routetree import Response


@in_thread
async def GET(request):
    return Response(request.url.path)
