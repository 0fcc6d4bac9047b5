from routetree import permanent_redirect, redirect


async def GET(request):
    if request.url.search_params.get("permanent"):
        permanent_redirect("/api/hello")
    redirect("/api/hello")
