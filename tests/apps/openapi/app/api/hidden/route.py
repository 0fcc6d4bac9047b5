from routetree import Response, operation


@operation(include_in_schema=False)
async def GET():
    """Served, but not in the document."""
    return Response("hidden")


async def POST():
    return Response("posted")
