from opentelemetry import trace

from routetree import Response

tracer = trace.get_tracer("sync")


def GET() -> Response:  # runs in a worker thread
    with tracer.start_as_current_span("in a thread"):
        return Response.json({"ok": True})
