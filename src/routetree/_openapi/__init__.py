"""OpenAPI: the document of a route tree, and the docs page that shows it.

Built on what start-up already knows of each route (its URL segments, its
exported handlers and, for typed handlers, the `routetree._typed` signature), so
the document needs no second description of the API:

1. `._settings` holds the ``[openapi]`` settings (`OpenAPISettings`: served or
   not, the two paths, title and version) and their defaults; it imports no
   pydantic, so a project without config pays nothing for it at start-up.
2. `._paths` turns a route into OpenAPI path templates (``/api/users/{id}``; two
   for an optional catch-all), its default tags and ``operationId``.
3. `._schemas` makes the JSON Schemas of every typed input and response model in
   one pass, so models shared between routes are one entry of
   ``components/schemas``; `._error_bodies` describes routetree's own 400 and 422
   bodies.
4. `._document` assembles the OpenAPI 3.1 document (`build_openapi`), used by
   ``routetree openapi`` and by the served document; `._operations` writes each
   operation (summary, tags, parameters, request body, responses).
5. `._serving` adds the document, the docs page and its assets to the route table
   as static routes at start-up, when the settings serve them; the document is
   built on its first request, once. `._docs_page` writes the page: Swagger UI,
   shipped in ``static/`` (see its ``NOTICE``), which loads nothing from the
   network.
"""
