import threading

from routetree import Response


def GET(request, context):
    return Response.json({"thread": threading.current_thread().name != "MainThread"})


async def POST():
    return Response.json({"thread": threading.current_thread().name != "MainThread"})
