import anyio.from_thread

from routetree import Response


def POST(request):
    # a def handler runs in a worker thread: reading the body goes through the loop
    return Response.json({"body": anyio.from_thread.run(request.json)})
