async def GET(request):
    raise RuntimeError("database password is THROWN-S3CRET")
