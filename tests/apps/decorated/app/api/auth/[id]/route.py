from lib.wrappers import with_auth

from routetree import Response


@with_auth
async def GET(request, context, user):
    return Response.json({"user": user, "id": context.params["id"]})
