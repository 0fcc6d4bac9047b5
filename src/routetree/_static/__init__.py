"""Static files: the ``public/`` folder beside ``app/``, served at the root path.

As in Next.js, ``public/logo.png`` is ``/logo.png``. The folder is read once, at
start-up (`routetree._static._scan`): the files to serve, each with the resolved path
it is opened by and its ``Content-Type`` (`routetree._static._media_types`). Each file
then becomes a static route of the app (`routetree._static._routes`), so a request
for a file is one lookup in the matcher's dict of static paths, and it goes through
every stage a route does: ``base_path``, config ``headers``, CORS, ``redirects``, the
trailing slash, middleware, ``rewrites`` (a rewrite may name a file), gzip. A path
that is not in the table never touches the disk, and no path is ever built from the
URL, so ``..``, encoded slashes or backslashes cannot reach outside ``public/``.

Per request, the file's handler (`routetree._static._sending`) opens it in a worker
thread, answers conditional and range requests (`routetree._static._conditional`)
and streams it in chunks.

Precedence: a fully static route at a file's path wins (the file is left out, with a
warning at start-up and in ``routetree build`` naming both); a file wins over dynamic
and catch-all routes. ``routetree dev`` reloads when a file is added to or removed from
``public/``; an edited file needs no reload, since each request reads the file as it is
then.
"""

from __future__ import annotations

from ._routes import public_routes
from ._scan import PUBLIC_DIR

__all__ = ["PUBLIC_DIR", "public_routes"]
