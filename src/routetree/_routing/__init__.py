"""Routing: from an ``app/`` folder to the trie that answers "which route.py?".

Everything here runs once, at start-up or in ``routetree build``, never per request,
except `Matcher.match`. A project passes through the modules in this order:

1. `._discovery` walks ``app/`` into `RouteDefinition` values, importing nothing;
   `._segments` parses each folder name (``users``, ``[id]``, ``[...slug]``,
   ``[[...slug]]``, ``(group)``, ``_private``) into a `Segment` with its precedence.
2. `._routetable` validates the whole tree with Next.js's rules (two files for one
   URL, sibling params with different names, a catch-all that is not last) and orders
   it by precedence; every error names both files and the fix.
3. `._loader` imports each ``route.py`` under its own module name and collects its
   handlers; `._segment_config` reads its route segment config (``dynamic``,
   ``max_duration``, ``max_body_size``...).
4. `._project` does 1-3 for a project, with its config, middleware and
   instrumentation, into a frozen `Project`; ``routetree start`` may take the route
   list from the `._manifest` that ``routetree build`` wrote instead of walking.
5. `._matcher` builds the trie from the ordered routes. Per request it returns a
   `RouteMatch` (the route and its decoded params) or ``None``; the route knows its
   methods, so 404, 405 and ``Allow`` come from the same walk. A static path is one
   dict lookup, a dynamic one a walk whose cost grows with the path's depth, never
   with the number of routes.

The request path (`routetree._app`) uses only the `Project` and the `Matcher`.
"""
