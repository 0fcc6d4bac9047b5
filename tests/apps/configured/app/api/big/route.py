from routetree import Response


async def GET():
    return Response.json(
        {"items": [{"id": n, "name": f"item {n}"} for n in range(200)]}
    )
