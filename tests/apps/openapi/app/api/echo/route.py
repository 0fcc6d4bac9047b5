from routetree import Response, operation


@operation(tags=["tools"], operation_id="echo", responses={200: "The request, echoed"})
async def POST(request):
    """Echo the request's method and query."""
    return Response.json({"method": request.method, "query": request.url.query})
