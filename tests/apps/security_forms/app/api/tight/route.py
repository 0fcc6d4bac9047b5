from routetree import Response

max_fields = 3
max_files = 2
max_part_size = "1kb"


async def POST(request):
    form = await request.form()
    return Response.json({"items": len(form.multi_items())})
