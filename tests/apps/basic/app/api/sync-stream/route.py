import time

from routetree import Response


def chunks():
    for n in range(3):
        yield f"chunk {n}\n"
        time.sleep(0.05)


def GET():
    return Response(chunks())
