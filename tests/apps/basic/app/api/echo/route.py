from routetree import Response


async def POST(request):
    raw = await request.body()
    text = await request.text()  # the body can be read again, in another form
    return Response.json({"length": len(raw), "text": text})
