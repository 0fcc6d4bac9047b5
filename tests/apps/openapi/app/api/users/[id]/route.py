from routetree import Response, operation


async def GET(request, context):
    """Get one user."""
    return Response.json({"id": context.params["id"]})


def PUT(request, context):
    """Replace a user."""
    return Response.json({"id": context.params["id"]})


@operation(
    summary="Remove a user",
    description="Gone for good.",
    deprecated=True,
    tags=["admin", "users"],
    operation_id="remove_user",
    responses={204: None, 404: "No such user"},
)
async def DELETE(request, context):
    """This docstring is replaced by the decorator's summary and description."""
    return Response(None, status=204)
