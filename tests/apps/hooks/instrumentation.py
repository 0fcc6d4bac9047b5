"""Every hook of instrumentation.py, recording what it sees under $HOOKS_MARKERS.

``handle_error`` answers errors in RealWorld's shape, ``{"errors": {"body": [...]}}``.
A request header switches it for the tests: ``x-handle-error: raise`` makes it fail,
``none`` makes it keep routetree's answer, ``dict`` makes it return a dict.
$HOOKS_SYNC=1 defines the plain ``def`` versions of the hooks instead of async ones.
"""

import json
import os
from http import HTTPStatus
from pathlib import Path

from routetree import HTTPError, Request, RequestValidationError, Response

MARKERS = Path(os.environ["HOOKS_MARKERS"])


def record(name: str, entry: object) -> None:
    with (MARKERS / name).open("a") as file:
        file.write(json.dumps(entry) + "\n")


def answer(error: BaseException, request: Request) -> Response | None:
    mode = request.headers.get("x-handle-error")
    if mode == "raise":
        raise RuntimeError("handle_error broke")
    if mode == "none":
        return None
    if mode == "dict":
        return {"not": "a response"}
    if isinstance(error, RequestValidationError):
        status = 422
        messages = [f"{item['loc'][-1]} {item['msg']}" for item in error.errors]
    elif isinstance(error, HTTPError):
        status = error.status
        messages = [error.detail or HTTPStatus(status).phrase]
    else:
        status = 500
        messages = ["something went wrong"]
    body = {
        "errors": {"body": messages},
        "kind": type(error).__name__,
        "user": getattr(request.state, "user", None),
    }
    return Response.json(body, status=status)


def on_request_error(error, request, context) -> None:
    record("reported", {"error": type(error).__name__, "path": request["path"]})


if os.environ.get("HOOKS_SYNC") == "1":

    def handle_error(error: BaseException, request: Request) -> Response | None:
        return answer(error, request)

    def shutdown() -> None:
        record("events", {"event": "shutdown", "pid": os.getpid(), "sync": True})

else:

    async def handle_error(error: BaseException, request: Request) -> Response | None:
        return answer(error, request)

    async def shutdown() -> None:
        record("events", {"event": "shutdown", "pid": os.getpid(), "sync": False})
