"""Reading a handler's signature at start-up: typed inputs, response models, errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import typing

import httpx
import pytest

from routetree._errors import RouteImportError
from routetree._routing._discovery import discover_routes
from routetree._routing._loader import Handler, load_route
from routetree._typed._operation import Operation
from routetree.testing import live_server
from tests.conftest import APPS

if typing.TYPE_CHECKING:
    from tests.conftest import MakeProject

FILE = "app/api/x/route.py"
MODELS = """
from __future__ import annotations

from typing import Any, NoReturn, TYPE_CHECKING

from pydantic import BaseModel
from typing_extensions import TypedDict

from routetree import Request, Response, RouteContext, operation

if TYPE_CHECKING:
    from decimal import Decimal


class UserIn(BaseModel):
    name: str


class User(UserIn):
    id: int


class Page(BaseModel):
    limit: int = 20
    tags: list[str] = []


class Plain:
    pass
"""


def _handler(
    make_project: MakeProject, source: str, method: str = "GET", file: str = FILE
) -> Handler:
    project = make_project({file: MODELS + textwrap.dedent(source)})
    [definition] = discover_routes(project)
    return load_route(project, definition).handlers[method]


def _error(
    make_project: MakeProject, source: str, method: str = "GET", file: str = FILE
) -> str:
    with pytest.raises(RouteImportError) as caught:
        _handler(make_project, source, method, file)
    return str(caught.value)


# --- plain handlers stay plain --------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("async def GET(): ...", id="no-parameters"),
        pytest.param(
            "async def GET(request: Request, context: RouteContext) -> Response: ...",
            id="Request-RouteContext-Response",
        ),
        pytest.param(
            "def GET(request: Request) -> Response | None: ...", id="Response-or-None"
        ),
        pytest.param(
            "async def GET(request: Any, context: object) -> Any: ...",
            id="Any-and-object",
        ),
        pytest.param("def GET() -> None: ...", id="returns-None"),
        pytest.param("def GET() -> NoReturn: ...", id="returns-NoReturn"),
        pytest.param(
            "def GET(request: Decimal) -> Decimal: ...",
            id="imported-for-type-checking-only",
        ),
        pytest.param("def GET(request, body): ...", id="unannotated-body-is-context"),
        pytest.param(
            "def GET(request, headers: Request): ...", id="headers-annotated-Request"
        ),
        pytest.param(
            "def GET(request, context, limit: int = 3): ...",
            id="a-third-parameter-with-a-default",
        ),
        pytest.param(
            "def GET(request, *, debug: bool = False): ...",
            id="keyword-only-with-a-default",
        ),
        pytest.param(
            "def GET(request, context, *rest: int): ...",
            id="var-positional-after-both",
        ),
        pytest.param(
            "@operation(status=201)\ndef GET(request: Request) -> Response: ...",
            id="operation-alone",
        ),
    ],
)
def test_a_handler_without_typed_inputs_or_model_stays_plain(
    make_project: MakeProject, source: str
) -> None:
    handler = _handler(make_project, source)
    assert handler.signature is None
    assert handler.func is handler.endpoint


def test_plain_handlers_keep_the_arity_checks(make_project: MakeProject) -> None:
    message = _error(make_project, "def GET(request, context, extra): ...")
    assert message == (
        f"GET in {FILE} takes more than two parameters. A handler takes (), "
        "(request) or (request, context): def GET(request, context)."
    )


# --- typed handlers -------------------------------------------------------------------


def test_typed_inputs_and_response_model_are_read(make_project: MakeProject) -> None:
    handler = _handler(
        make_project,
        """
        @operation(status=201, tags=["users"])
        async def POST(request: Request, body: UserIn, query: Page) -> list[User]:
            ...
        """,
        "POST",
    )
    signature = handler.signature
    assert signature is not None
    assert [typed.source for typed in signature.inputs] == ["body", "query"]
    body, query = signature.inputs
    assert body.annotation.__name__ == "UserIn"
    assert body.list_fields == frozenset()
    assert query.list_fields == frozenset({"tags"})
    assert body.adapter.validate_python({"name": "Ada"}).name == "Ada"
    assert signature.context_arity == 1
    assert repr(signature.returns).endswith(".User]")
    assert typing.get_origin(signature.returns) is list
    assert signature.return_adapter is not None
    assert signature.operation == Operation(status=201, tags=("users",))
    # The request path calls a wrapper of (request, context), on the event loop.
    assert handler.endpoint is not None
    assert handler.endpoint.__name__ == "POST"
    assert handler.func is not handler.endpoint
    assert (handler.arity, handler.is_async) == (2, True)


@pytest.mark.parametrize(
    ("parameters", "arity"),
    [
        pytest.param("query: Page", 0, id="input-only"),
        pytest.param("request, query: Page", 1, id="request"),
        pytest.param("request, context, query: Page", 2, id="request-context"),
        pytest.param("request, context, *, query: Page", 2, id="keyword-only-input"),
        pytest.param("*args, query: Page", 2, id="var-positional"),
        pytest.param(
            "request, context, query: Page, extra=None", 2, id="a-later-default"
        ),
    ],
)
def test_context_arity_leaves_typed_inputs_out(
    make_project: MakeProject, parameters: str, arity: int
) -> None:
    handler = _handler(make_project, f"def GET({parameters}) -> Response: ...")
    assert handler.signature is not None
    assert handler.signature.context_arity == arity


def test_a_sync_typed_handler_still_runs_in_its_wrapper_on_the_loop(
    make_project: MakeProject,
) -> None:
    handler = _handler(make_project, "def GET(query: Page) -> Response: ...")
    assert handler.is_async  # the wrapper; it runs the def in a worker thread


def test_a_response_model_alone_makes_a_typed_handler(
    make_project: MakeProject,
) -> None:
    handler = _handler(make_project, "async def GET() -> dict[str, int]: ...")
    assert handler.signature is not None
    assert handler.signature.inputs == ()
    assert handler.signature.returns == dict[str, int]


def test_models_defined_after_the_handler_resolve(make_project: MakeProject) -> None:
    handler = _handler(
        make_project,
        """
        async def POST(body: Later) -> list[Later]: ...


        class Later(BaseModel):
            child: Later | None = None
        """,
        "POST",
    )
    assert handler.signature is not None
    [body] = handler.signature.inputs
    assert body.adapter.validate_python({"child": {}}).child.child is None


def test_params_fields_may_be_the_route_segments(make_project: MakeProject) -> None:
    handler = _handler(
        make_project,
        """
        class Where(BaseModel):
            org: str
            path: list[str]

        def GET(params: Where) -> Response: ...
        """,
        file="app/api/[org]/files/[...path]/route.py",
    )
    assert handler.signature is not None
    assert handler.signature.inputs[0].source == "params"


# --- start-up errors ------------------------------------------------------------------


def test_an_annotated_parameter_with_another_name_is_an_error(
    make_project: MakeProject,
) -> None:
    message = _error(
        make_project,
        "async def POST(request: Request, payload: UserIn) -> Response: ...",
        "POST",
    )
    assert message == (
        f"POST in {FILE}: parameter `payload: UserIn` is not one routetree can fill. "
        "Typed inputs are named body, form, query, params, headers or cookies "
        "(`body: UserIn` for a JSON body, say); the other parameters are request and "
        "context, unannotated or annotated Request and RouteContext."
    )


@pytest.mark.parametrize(
    "parameters",
    [
        pytest.param("payload: UserIn", id="first"),
        pytest.param("request, context, payload: UserIn", id="required-third"),
        pytest.param("request, *, payload: UserIn", id="required-keyword-only"),
        pytest.param("request, context: dict[str, str]", id="context-as-dict"),
        pytest.param("request, *args: int", id="var-positional-gets-context"),
    ],
)
def test_every_annotated_parameter_routetree_would_pass_is_checked(
    make_project: MakeProject, parameters: str
) -> None:
    message = _error(make_project, f"def GET({parameters}) -> Response: ...")
    assert message.startswith(f"GET in {FILE}: parameter `")
    assert "body, form, query, params, headers or cookies" in message


def test_an_unresolvable_typed_input_is_an_error(make_project: MakeProject) -> None:
    message = _error(make_project, "def POST(body: Missing) -> Response: ...", "POST")
    assert message == (
        f"POST in {FILE}: the annotation of `body` (Missing) cannot be resolved: "
        "name 'Missing' is not defined. Define or import it at module level, not "
        "only under `if TYPE_CHECKING:`."
    )


def test_a_type_pydantic_cannot_validate_is_an_error(
    make_project: MakeProject,
) -> None:
    message = _error(make_project, "def POST(body: Plain) -> Response: ...", "POST")
    assert message.startswith(
        f"POST in {FILE}: pydantic cannot validate `body: Plain`: Unable to generate "
        "pydantic-core schema for"
    )
    returns = _error(make_project, "def GET() -> Plain: ...")
    assert returns.startswith(
        f"GET in {FILE}: pydantic cannot validate the return annotation `Plain`: "
    )


@pytest.mark.parametrize(
    ("file", "segments"),
    [
        pytest.param(
            "app/api/users/[id]/route.py", "its segments are id", id="dynamic-route"
        ),
        pytest.param(FILE, "it has no dynamic segment", id="static-route"),
    ],
)
def test_a_params_field_that_is_no_segment_is_an_error(
    make_project: MakeProject, file: str, segments: str
) -> None:
    source = """
    class Where(BaseModel):
        user_id: int

    def GET(params: Where) -> Response: ...
    """
    message = _error(make_project, source, file=file)
    assert message == (
        f"GET in {file}: the `params` field 'user_id' is not a dynamic segment of "
        f"this route ({segments}). Name each field for a [segment] folder of the "
        "route's path."
    )


def test_an_input_that_is_not_an_object_is_an_error(make_project: MakeProject) -> None:
    message = _error(make_project, "def GET(query: int) -> Response: ...")
    assert message == (
        f"GET in {FILE}: `query: int` must be an object type (a pydantic model, a "
        "TypedDict, a dataclass or a dict), whose fields are read from the request "
        "by name."
    )


def test_body_and_form_together_are_an_error(make_project: MakeProject) -> None:
    message = _error(
        make_project, "def POST(body: UserIn, form: UserIn) -> Response: ...", "POST"
    )
    assert message == (
        f"POST in {FILE} takes both `body` (JSON) and `form`, but a request has one "
        "body: keep one of them."
    )


def test_a_typed_input_before_request_is_an_error(make_project: MakeProject) -> None:
    message = _error(
        make_project,
        "def POST(body: UserIn, request: Request) -> Response: ...",
        "POST",
    )
    assert message == (
        f"POST in {FILE}: the typed input `body` comes before `request`, but request "
        "and context are passed first, by position. Put them first: "
        "def POST(request, context, body: ...)."
    )


def test_a_positional_only_typed_input_is_an_error(make_project: MakeProject) -> None:
    message = _error(make_project, "def POST(body: UserIn, /) -> Response: ...", "POST")
    assert message == (
        f"POST in {FILE}: `body` is positional-only, but typed inputs are passed by "
        "name. Remove the `/` before it."
    )


# --- pydantic is imported only when needed --------------------------------------------


def _imports_pydantic(project: str) -> bool:
    code = (
        "import sys\n"
        "from routetree import create_app\n"
        f"create_app({project!r})\n"
        "print('pydantic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip() == "True"


def test_a_project_without_typed_handlers_never_imports_pydantic(
    make_project: MakeProject,
) -> None:
    source = """
    from __future__ import annotations

    from routetree import Request, Response, RouteContext

    async def GET(request: Request, context: RouteContext) -> Response:
        return Response("plain")
    """
    assert _imports_pydantic(str(make_project({FILE: source}))) is False


def test_a_typed_handler_imports_pydantic(make_project: MakeProject) -> None:
    source = """
    from typing_extensions import TypedDict

    from routetree import Response

    class Page(TypedDict, total=False):
        limit: int

    def GET(query: Page) -> Response:
        return Response("typed")
    """
    assert _imports_pydantic(str(make_project({FILE: source}))) is True


def test_an_unresolvable_return_model_warns_that_none_applies(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    handler = _handler(make_project, "async def GET() -> Decimal:\n    ...\n")
    assert handler.signature is None
    [record] = [r for r in caplog.records if "return annotation" in r.getMessage()]
    assert record.levelname == "WARNING"
    assert "GET in app/api/x/route.py" in record.getMessage()
    assert "Decimal" in record.getMessage()
    assert "no response model applies" in record.getMessage()


@pytest.mark.parametrize(
    "annotation", ["web.Response", "web.Response | None", "Missing | web.Response"]
)
def test_an_unresolvable_response_annotation_stays_silent(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture, annotation: str
) -> None:
    # `web` and `Missing` are never imported: none of these resolves.
    handler = _handler(make_project, f"async def GET() -> {annotation}:\n    ...\n")
    assert handler.signature is None
    assert not [r for r in caplog.records if "return annotation" in r.getMessage()]


# --- decorated typed handlers ---------------------------------------------------------


def test_decorated_typed_handlers_through_a_real_server() -> None:
    with (
        live_server(APPS / "decorated") as server,
        httpx.Client(base_url=server, timeout=10) as client,
    ):
        passed = client.post("/api/typed/passing", json={"name": "Ada"})
        invalid = client.post("/api/typed/passing", json={"nick": "Ada"})
        wrapped = client.post("/api/typed/wrapped", content=b"not json")
    # Through a pass-through wrapper the wrapped signature decides: its body is
    # validated and its response model filters the answer.
    assert (passed.status_code, passed.json()) == (200, {"name": "Ada"})
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["body", "name"]
    # Any other wrapper is called as it is: the wrapped annotations do not apply
    # (no body is read from the request), the wrapper supplies `body` itself.
    assert (wrapped.status_code, wrapped.json()) == (200, {"name": "from the wrapper"})
