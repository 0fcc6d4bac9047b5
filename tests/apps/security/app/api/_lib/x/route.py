# In a private folder: never a route, whatever the path.
from routetree import Response


async def GET(request):
    return Response.json({"leak": "LIB-S3CRET"})
