from routetree import Response, after


def fail():
    raise RuntimeError("after() callback broke")


def exit_process():
    raise SystemExit("after() callback exited")


async def GET(request):
    after(exit_process if request.url.search_params.get("exit") else fail)
    return Response("sent")
