from routetree import Response


def GET():
    return Response("hello, world")
