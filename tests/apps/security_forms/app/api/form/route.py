from routetree import Response, UploadFile


async def POST(request):
    form = await request.form()
    fields = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            fields.append([name, {"filename": value.filename, "size": len(data)}])
        else:
            fields.append([name, value])
    return Response.json(fields)
