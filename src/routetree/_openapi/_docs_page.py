"""The docs page: Swagger UI on the document, with every file it needs shipped here.

The page is a small HTML file; Swagger UI's script and styles and the favicon are
the `ASSETS` in ``static/``, served under ``<docs_path>/assets/``. Nothing is
fetched from the network: the files are in the wheel, ``static/docs.js`` turns the
validator badge off, and the page's ``Content-Security-Policy`` lets a browser
load and connect to this origin only.
"""

from __future__ import annotations

import html
import json
from importlib import resources

__all__ = ["ASSETS", "CONTENT_SECURITY_POLICY", "read_asset", "render_docs_page"]

#: The files of ``static/`` the page loads, with their content types.
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "docs.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
}

# Swagger UI sets inline styles and draws its icons from data: URLs; everything
# else, scripts and try-it-out requests included, stays on this origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'"
)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script id="routetree-openapi" type="application/json">{config}</script>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/docs.js"></script>
</body>
</html>
"""


def render_docs_page(*, title: str, document_url: str, assets_url: str) -> str:
    """The HTML of the docs page.

    Args:
        title: The API's title, for the browser tab.
        document_url: The URL path of the OpenAPI document (``base_path`` included).
        assets_url: The URL path the assets are under, without a trailing ``/``.
    """
    # "<" escaped, so no value can close the script element early.
    config = json.dumps({"url": document_url}).replace("<", "\\u003c")
    return _PAGE.format(
        title=html.escape(f"{title} - API docs"),
        assets=html.escape(assets_url),
        config=config,
    )


def read_asset(name: str) -> bytes:
    """The bytes of one of the `ASSETS`, from the installed package."""
    return resources.files("routetree._openapi").joinpath("static", name).read_bytes()
