"""The exceptions routetree raises, in three families.

::

    RouteTreeError             the project is wrong: raised at start-up and by
                               `routetree build`
    ├── InvalidSegmentError    a folder name that cannot be a URL segment
    ├── RouteConflictError     two routes for one URL, mismatched slug names,
    │                          catch-all misuse
    ├── RouteImportError       a route.py that fails to import or exports
    │                          something invalid
    └── ConfigError            a segment config constant (or project config)
                               with a wrong value

    HTTPError(status, detail)  a request-time failure answered with a JSON error body
                               (malformed JSON -> 400, body too large -> 413,
                               not a form -> 415)
    └── RequestValidationError a typed handler's input failed validation -> 422

    ControlFlowSignal          raised by not_found(), redirect() and friends;
    (BaseException)            derived from BaseException so a user's
                               ``except Exception:`` does not swallow it

Every `RouteTreeError` message names the files involved and how to fix the problem.
`user_traceback` formats the traceback of a user's exception for them to read, in an
import error's message and on the dev-mode 500 page; `user_location` is the file and
line that page points at: the innermost frame of the user's own code, or where
`locate` said the fault is when routetree itself raised the error.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import traceback
from http import HTTPStatus
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from ._response import Response

__all__ = [
    "RFC_9110_PHRASES",
    "ConfigError",
    "ControlFlowSignal",
    "HTTPError",
    "InvalidSegmentError",
    "RequestValidationError",
    "RouteConflictError",
    "RouteImportError",
    "RouteTreeError",
    "code_location",
    "is_user_file",
    "locate",
    "reason_phrase",
    "user_location",
    "user_traceback",
]

# With the separator, so a sibling folder such as routetree_extras/ is not routetree's.
_PACKAGE_DIR = os.path.dirname(__file__) + os.sep
# Set by `locate` on an exception routetree raises about a place in the user's code.
_LOCATION_ATTRIBUTE = "_routetree_location"


#: Python's phrases for these changed in 3.13 ("Unprocessable Entity" before it);
#: routetree says RFC 9110's, in error bodies and in the status lines of its server.
RFC_9110_PHRASES = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}


#: Every status Python knows, with RFC 9110's phrases: a dict lookup, where
#: ``HTTPStatus(status)`` is an enum's slow path on every error answer.
_PHRASES = {status.value: status.phrase for status in HTTPStatus} | RFC_9110_PHRASES


def reason_phrase(status: int) -> str:
    """Return the standard reason phrase of an HTTP status code (``""`` if unknown)."""
    return _PHRASES.get(status, "")


def user_traceback(exc: BaseException, *, chain: bool = True) -> str:
    """Format ``exc`` and its traceback as Python does, without routetree's frames.

    Frames of routetree's own modules (its subpackages too) and importlib's
    ``<frozen ...>`` frames say nothing to the developer reading it, and are left out,
    of ``exc`` and of every exception chained to it or grouped in it alike. With
    ``chain``, its cause or context comes first, as Python prints them.
    """
    summary = traceback.TracebackException.from_exception(exc)
    pending = [summary]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        current.stack = traceback.StackSummary.from_list(
            frame for frame in current.stack if not _is_own_frame(frame.filename)
        )
        pending += [e for e in (current.__cause__, current.__context__) if e]
        pending += current.exceptions or ()
    return "".join(summary.format(chain=chain))


def _is_own_frame(filename: str) -> bool:
    return filename.startswith(("<frozen", _PACKAGE_DIR))


def is_user_file(filename: str) -> bool:
    """Whether code in ``filename`` is the user's own, not a library's.

    A frame is the user's unless it is routetree's, the standard library's, an
    installed package's (``site-packages``), or has no file (``<frozen ...>``,
    ``<string>``).
    """
    if not filename or filename.startswith(("<", _PACKAGE_DIR)):
        return False
    return not filename.startswith(_library_dirs()) and not os.path.realpath(
        filename
    ).startswith(_library_dirs())


@functools.cache
def _library_dirs() -> tuple[str, ...]:
    """The folders of the standard library and of installed packages."""
    import site  # only when an error is shown
    import sysconfig

    base = {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}
    folders = [
        path
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        for path in (sysconfig.get_path(key), sysconfig.get_path(key, vars=base))
    ]
    folders += site.getsitepackages() if hasattr(site, "getsitepackages") else []
    folders.append(site.getusersitepackages())
    found = {os.path.join(f, "") for f in folders if f}
    found |= {os.path.join(os.path.realpath(f), "") for f in found}
    return tuple(sorted(found))


def locate(exc: BaseException, file: str | Path, line: int | None = None) -> None:
    """Say where in the project ``exc`` is about, unless something said so already.

    For an error routetree raises itself (a route conflict, a handler it cannot call,
    a returned value that fits no response), where no frame of the user's code is in
    the traceback; `user_location` reads it.
    """
    if getattr(exc, _LOCATION_ATTRIBUTE, None) is None:
        setattr(exc, _LOCATION_ATTRIBUTE, (str(file), line))


def code_location(func: object) -> tuple[str, int] | None:
    """The file and first line of a function's definition, through decorators."""
    while True:
        target = inspect.unwrap(func)  # type: ignore[arg-type]
        if not isinstance(target, functools.partial):
            break
        func = target.func
    if not (inspect.isfunction(target) or inspect.ismethod(target)):
        target = getattr(type(target), "__call__", target)  # noqa: B004
    code = getattr(getattr(target, "__func__", target), "__code__", None)
    if code is None:
        return None
    return code.co_filename, code.co_firstlineno


def user_location(exc: BaseException) -> tuple[str | None, int | None]:
    """The file and line in the user's code that ``exc`` comes from.

    In this order: a syntax error's own position; where `locate` said; the innermost
    frame of the user's code (`is_user_file`); else the innermost frame, unless
    ``exc`` is a `RouteTreeError`, which routetree raised itself and whose message
    names the files (then none).
    """
    if isinstance(exc, SyntaxError) and exc.filename and exc.filename[0] != "<":
        return exc.filename, exc.lineno
    located = getattr(exc, _LOCATION_ATTRIBUTE, None)
    if located is not None:
        file, line = located
        return file, line
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if is_user_file(frame.filename):
            return frame.filename, frame.lineno
    if frames and not isinstance(exc, RouteTreeError):
        return frames[-1].filename, frames[-1].lineno
    return None, None


class RouteTreeError(Exception):
    """The route tree or the project configuration is invalid.

    Raised by `routetree.create_app`, `routetree start` and `routetree build` before any
    request is served. The message names every file involved and the fix.
    """


class InvalidSegmentError(RouteTreeError):
    """A folder name under ``app/`` cannot be turned into a URL segment."""


class RouteConflictError(RouteTreeError):
    """Two route files clash: same URL, different slug names, or catch-all misuse."""


class RouteImportError(RouteTreeError):
    """A ``route.py`` failed to import, or exports a handler that cannot be called."""


class ConfigError(RouteTreeError):
    """A segment config constant or project setting has a value routetree cannot use."""


class HTTPError(Exception):
    """A request-time failure that routetree answers with a JSON error body.

    The body is ``{"error": "<reason phrase>", "detail": "<detail>"}``. Raise it from a
    handler to answer with any status::

        raise HTTPError(422, "quantity must be positive")

    Every client error routetree answers is one of these when it reaches
    ``handle_error`` of ``instrumentation.py``: a 404 without a route, a 405 (its
    ``Allow`` in ``headers``), malformed JSON, a body too large, a typed handler's 422
    (a `RequestValidationError`) and ``not_found()`` and its kin.

    Args:
        status: The HTTP status code to answer with.
        detail: A human-readable message saying what is wrong and where.
        headers: Extra response headers.
    """

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.detail = detail
        self.headers = dict(headers) if headers else {}
        super().__init__(
            f"{status} {reason_phrase(status)}: {detail}" if detail else str(status)
        )


class RequestValidationError(HTTPError):
    """A typed handler's input did not validate: the 422 with every failing field.

    routetree raises it; ``handle_error`` of ``instrumentation.py`` receives it, to
    answer in a project's own shape. ``errors`` holds the items of the 422 body,
    shaped as FastAPI's (``{"type", "loc", "msg", "input"}``, ``loc`` starting with
    ``"body"``, ``"query"``, ``"path"``, ``"header"`` or ``"cookie"``); ``detail`` says
    the same in one line: ``body.email: Field required; query.page: Input should be a
    valid integer...``.

    Args:
        errors: The failing fields, one item each.
    """

    def __init__(self, errors: Sequence[Mapping[str, object]]) -> None:
        self.errors = list(errors)
        super().__init__(422, "; ".join(map(_describe_item, self.errors)))


def _describe_item(item: Mapping[str, object]) -> str:
    loc = item.get("loc")
    where = ".".join(map(str, loc)) if isinstance(loc, list) else "input"
    return f"{where}: {item.get('msg')}"


class ControlFlowSignal(BaseException):
    """Raised by `not_found()`, `redirect()` and such to stop a handler with a response.

    It derives from `BaseException` so that ``except Exception:`` in user code does not
    swallow it. Differs from Next.js: there, a ``catch`` around ``redirect()``
    swallows it.

    Args:
        response: What the request is answered with.
        error: For the stop functions that answer an error (``not_found()``,
            ``forbidden()``, ``unauthorized()``), that error, for ``handle_error`` of
            ``instrumentation.py``; None for a redirect, which is not an error.
    """

    def __init__(self, response: Response, error: HTTPError | None = None) -> None:
        self.response = response
        self.error = error
        super().__init__(f"{type(self).__name__}({response.status})")
