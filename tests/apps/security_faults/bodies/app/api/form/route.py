from routetree import Response


async def POST(request):
    form = await request.form()
    return Response.json({key: str(value) for key, value in form.items()})
