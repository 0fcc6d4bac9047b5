"""OpenTelemetry spans for every request, once the project sets up a tracer provider.

A project turns tracing on as it would in Next.js, in ``register()`` of
``instrumentation.py``: it installs an OpenTelemetry SDK ``TracerProvider`` with its
exporter (``trace.set_tracer_provider(...)``). After start-up, `start_tracing` finds
that provider, and from then on each request makes these spans, named as Next.js
names its own:

- ``GET /api/users/[id]``, kind SERVER: the whole request, child of the trace the
  client's ``traceparent`` names (any propagator the project configured). It has the
  HTTP semantic conventions' attributes (``http.request.method``, ``url.path``,
  ``url.scheme``, ``server.address``, ``http.response.status_code``, ``http.route``
  in folder notation, ``error.type``), status ERROR on a 5xx. A request that matches
  no route is named by its method alone (``GET``) and has no ``http.route``.
- ``middleware GET`` (``proxy GET`` for ``proxy.py``), the middleware's call;
- ``executing api route (app) /api/users/[id]``, the handler's call, current while
  it runs, so the spans its code makes are its children. A failure is recorded on it
  (an exception event, status ERROR).

Without ``opentelemetry-api`` (the ``routetree[otel]`` extra), or without a provider,
`start_tracing` returns None and a request does not pay for any of it: the app checks
one attribute (`routetree._app`), the dispatcher one local (`routetree._dispatch`).
This module imports no OpenTelemetry code itself; `routetree._tracing._spans` makes
the spans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._version import __version__

if TYPE_CHECKING:
    from ._spans import Tracing

__all__ = ["SERVER_SPAN", "start_tracing"]

#: The scope key of a traced request's `routetree._tracing._spans.RequestSpan`.
SERVER_SPAN = "routetree.server_span"


def start_tracing(base_path: str = "") -> Tracing | None:
    """A `Tracing` of the global tracer provider; None when none is set up.

    Called once start-up is done: after ``register()``, where a project sets its
    provider. ``base_path`` (routetree.toml's) is the start of every ``http.route``.
    """
    try:
        from opentelemetry import trace
    except ModuleNotFoundError:  # opentelemetry-api is not installed
        return None
    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        return None
    from ._spans import Tracing

    return Tracing(provider.get_tracer("routetree", __version__), base_path)
