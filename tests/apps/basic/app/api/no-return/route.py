async def POST(request):
    pass
