from opentelemetry import trace

from routetree import Request, Response, RouteContext

tracer = trace.get_tracer("users")


async def GET(request: Request, context: RouteContext) -> Response:
    with tracer.start_as_current_span("load user"):
        user_id = context.params["id"]
    return Response.json({"id": user_id})
