from routetree import Request, Response, revalidate_path, revalidate_tag


async def POST(request: Request) -> Response:
    data = await request.json()
    if "tag" in data:
        if data.get("profile"):
            revalidate_tag(data["tag"], data["profile"])
        else:
            revalidate_tag(data["tag"])
    if "path" in data:
        revalidate_path(data["path"])
    return Response.json({"revalidated": data})
