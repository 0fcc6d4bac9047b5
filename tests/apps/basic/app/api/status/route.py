from routetree import Response


async def GET():
    return Response.json({"error": "teapot"}, status=418, headers={"x-custom": "1"})
