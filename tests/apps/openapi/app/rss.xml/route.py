from routetree import Response


def GET():
    """The feed (a folder name with a dot)."""
    return Response("<rss/>", headers={"content-type": "application/rss+xml"})
