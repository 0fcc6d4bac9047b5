from routetree import Response


async def GET():
    return Response.json(
        {"msg": "café ☕", "n": 1.0, "f": 1.5, "nested": {"list": [1, "two", None]}}
    )
