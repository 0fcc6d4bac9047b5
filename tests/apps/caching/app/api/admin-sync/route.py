from routetree import Request, Response, revalidate_path, revalidate_tag


def POST(request: Request) -> Response:
    query = request.url.search_params
    if "tag" in query:
        revalidate_tag(query["tag"])
    if "path" in query:
        revalidate_path(query["path"])
    return Response.json({"revalidated": dict(query.items())})
