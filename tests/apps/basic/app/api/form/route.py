from routetree import Response, UploadFile


async def POST(request):
    form = await request.form()
    out = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            out[name] = {
                "name": value.filename,
                "size": value.size,
                "type": value.content_type,
                "read": len(data),
            }
        else:
            out[name] = value
    return Response.json(out)
