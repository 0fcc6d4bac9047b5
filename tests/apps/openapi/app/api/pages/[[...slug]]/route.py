from routetree import Response


async def GET(request, context):
    """A page, or the index of pages."""
    return Response.json({"slug": context.params.get("slug", [])})
