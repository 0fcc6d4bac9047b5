async def GET():
    return {"a": 1}
