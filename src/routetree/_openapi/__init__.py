"""OpenAPI: the document of a route tree.

Built on what start-up already knows of each route (its URL segments, its
exported handlers and, for typed handlers, the `routetree._typed` signature), so
the document needs no second description of the API:

1. `._paths` turns a route into OpenAPI path templates (``/api/users/{id}``; two
   for an optional catch-all), its default tags and ``operationId``.
2. `._schemas` makes the JSON Schemas of every typed input and response model in
   one pass, so models shared between routes are one entry of
   ``components/schemas``; `._error_bodies` describes routetree's own 400 and 422
   bodies.
3. `._document` assembles the OpenAPI 3.1 document (`build_openapi`);
   `._operations` writes each operation (summary, tags, parameters, request body,
   responses).
"""
