from routetree import Response


async def GET(request, context):
    return Response.json({"route": "bt/[id]/edit", "params": context.params})
