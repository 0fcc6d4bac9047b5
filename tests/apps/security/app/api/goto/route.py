from routetree import redirect


async def GET(request):
    redirect(request.url.search_params["to"])
