async def GET():
    raise ValueError("boom from handler")
