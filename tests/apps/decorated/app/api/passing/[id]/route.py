from lib.wrappers import passing

from routetree import Response


@passing
async def GET(request):
    return Response(request.method)


@passing
async def POST(request, context):
    return Response(context.params["id"])
