"""cookies() lines on whatever response the request ends with (?how=...).

GET is async def, PUT def.
"""

from routetree import (
    HTTPError,
    Response,
    cookies,
    forbidden,
    not_found,
    permanent_redirect,
    redirect,
    unauthorized,
)


def scenario(request):
    how = request.url.search_params.get("how")
    cookies().set("flash", "saved")
    cookies().delete("old")
    if how == "redirect":
        redirect("/api/items?x=1")
    if how == "permanent_redirect":
        permanent_redirect("../elsewhere")
    if how == "not_found":
        not_found()
    if how == "forbidden":
        forbidden()
    if how == "unauthorized":
        unauthorized()
    if how == "http_error":
        raise HTTPError(422, "quantity must be positive")
    if how == "raise":
        raise RuntimeError("secret detail /etc/passwd")
    if how == "no_response":
        return {"not": "a response"}
    return Response.json({"how": how})


async def GET(request):
    return scenario(request)


def PUT(request):
    return scenario(request)
