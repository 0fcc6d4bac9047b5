"""The ``routetree`` command and the processes that serve a project.

`._cli` is the click group (``dev``, ``build``, ``start``, ``routes``, ``openapi``,
``new``); what it prints goes through `._console` (rich). The commands pass
through here:

- ``routetree dev``: `._dev` binds the port once, then runs the project in a
  `._worker` process that it replaces on every change (watchfiles); `._access_log`
  prints one line per request.
- ``routetree start``: `._serve` binds the socket itself (so ``--port 0`` can print
  the port and "address in use" is one line), then serves the app under uvicorn
  (`._serve`) or granian (`._granian`, ``--server granian``) in this process, or in
  ``--workers N`` `._worker` processes that share the socket. SIGTERM drains the
  same way under both, and `._health` answers the liveness and readiness endpoints
  (readiness 503 once the drain began).
  `._log_format` sets how it logs (text or JSON, timestamped, ``--log-level``);
  with ``--access-log``, `._access_log` writes a line per request and `._request_id`
  gives each request its ``x-request-id``.
  `._limits` subclasses uvicorn's HTTP protocols to bound slow and oversized clients
  (header and body timeouts, header size and count, pipelining, concurrency).
- ``routetree build`` and ``routes`` load the project (`routetree._routing`) and
  print its route table; ``routetree openapi`` prints its OpenAPI document
  (`routetree._openapi`); ``routetree new`` copies the template in ``_scaffold/``
  (`._new_project`).

Nothing here runs per request except `._limits`, `._access_log`, `._request_id`,
`._health` and granian's `._granian.InFlight`;
the request path is `routetree._app`.
"""
