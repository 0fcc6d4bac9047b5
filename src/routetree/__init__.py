"""routetree: Next.js App Router route handlers for Python.

A folder of ``route.py`` files is the API::

    app/api/users/route.py       GET/POST     /api/users
    app/api/users/[id]/route.py  GET/PUT/...  /api/users/42
                                              (context.params["id"] == "42")

Serve it with ``routetree start`` or ``create_app(project_dir)`` under any ASGI server.
"""

import contextlib

from ._app import RouteTreeApp as RouteTreeApp
from ._app import create_app as create_app
from ._cache._function import cache as cache
from ._cache._ondemand import cache_tag as cache_tag
from ._cache._ondemand import revalidate_path as revalidate_path
from ._cache._ondemand import revalidate_tag as revalidate_tag
from ._cookies import CookieStore as CookieStore
from ._cookies import RequestCookies as RequestCookies
from ._cookies import ResponseCookies as ResponseCookies
from ._errors import ConfigError as ConfigError
from ._errors import HTTPError as HTTPError
from ._errors import InvalidSegmentError as InvalidSegmentError
from ._errors import RequestValidationError as RequestValidationError
from ._errors import RouteConflictError as RouteConflictError
from ._errors import RouteImportError as RouteImportError
from ._errors import RouteTreeError as RouteTreeError
from ._forms import FormData as FormData
from ._forms import UploadFile as UploadFile
from ._functions import after as after
from ._functions import cookies as cookies
from ._functions import forbidden as forbidden
from ._functions import headers as headers
from ._functions import not_found as not_found
from ._functions import permanent_redirect as permanent_redirect
from ._functions import redirect as redirect
from ._functions import unauthorized as unauthorized
from ._headers import Headers as Headers
from ._headers import MutableHeaders as MutableHeaders
from ._pubsub._publish import publish as publish
from ._request import Request as Request
from ._request import RouteContext as RouteContext
from ._response import Response as Response
from ._typed._operation import operation as operation
from ._url import URL as URL
from ._url import SearchParams as SearchParams
from ._version import __version__ as __version__
from ._websocket import WebSocket as WebSocket
from ._websocket import WebSocketClosedError as WebSocketClosedError

__all__ = [
    "URL",
    "ConfigError",
    "CookieStore",
    "FormData",
    "HTTPError",
    "Headers",
    "InvalidSegmentError",
    "MutableHeaders",
    "Request",
    "RequestCookies",
    "RequestValidationError",
    "Response",
    "ResponseCookies",
    "RouteConflictError",
    "RouteContext",
    "RouteImportError",
    "RouteTreeApp",
    "RouteTreeError",
    "SearchParams",
    "UploadFile",
    "WebSocket",
    "WebSocketClosedError",
    "__version__",
    "after",
    "cache",
    "cache_tag",
    "cookies",
    "create_app",
    "forbidden",
    "headers",
    "not_found",
    "operation",
    "permanent_redirect",
    "publish",
    "redirect",
    "revalidate_path",
    "revalidate_tag",
    "unauthorized",
]

for _name in __all__:
    _obj = globals()[_name]
    if hasattr(_obj, "__module__") and not isinstance(_obj, str):
        with contextlib.suppress(AttributeError, TypeError):
            _obj.__module__ = "routetree"
