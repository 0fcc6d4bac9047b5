from routetree import Response

max_fields = 200_000


async def POST(request):
    form = await request.form()
    items = form.multi_items()
    return Response.json(
        {"fields": len(items), "bytes": sum(len(value) for _, value in items)}
    )
