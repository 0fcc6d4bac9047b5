from routetree import Response


async def GET():
    return Response("<rss/>", headers={"content-type": "text/xml"})
