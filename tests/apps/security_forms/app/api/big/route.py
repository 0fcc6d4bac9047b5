from routetree import Response

max_body_size = "50mb"


async def POST(request):
    form = await request.form()
    return Response.json({"fields": len(form)})
