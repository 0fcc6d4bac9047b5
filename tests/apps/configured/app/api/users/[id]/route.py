from routetree import Response


async def GET(request, context):
    return Response.json({"route": "[id]", "params": context.params})
