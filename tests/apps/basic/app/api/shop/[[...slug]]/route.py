from routetree import Response


async def GET(request, context):
    return Response.json(
        {
            "route": "[[...slug]]",
            "params": context.params,
            "hasSlugKey": "slug" in context.params,
        }
    )
