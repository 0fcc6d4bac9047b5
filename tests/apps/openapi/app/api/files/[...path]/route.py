from routetree import Response


async def GET(request, context):
    return Response.json({"path": context.params["path"]})
