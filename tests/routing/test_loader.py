"""Importing route.py files: handlers, arity, async-ness, import errors, lint, kind.

And importing any project file under its module name (`import_project_file`).
"""

from __future__ import annotations

import logging
import sys
import typing
from pathlib import Path

import pytest

from routetree._errors import RouteImportError
from routetree._routing._discovery import discover_routes
from routetree._routing._loader import (
    HTTP_METHODS,
    LoadedRoute,
    import_project_file,
    load_route,
    module_name_for,
)
from routetree._routing._project import load_project

if typing.TYPE_CHECKING:
    from tests.conftest import MakeProject

FILE = "app/api/x/route.py"


def _load(make_project: MakeProject, source: str, file: str = FILE) -> LoadedRoute:
    project = make_project({file: source})
    [definition] = discover_routes(project)
    return load_route(project, definition)


def _import_error(make_project: MakeProject, source: str) -> str:
    with pytest.raises(RouteImportError) as caught:
        _load(make_project, source)
    return str(caught.value)


def test_all_seven_methods_are_found(make_project: MakeProject) -> None:
    source = "".join(
        f"async def {m}(request, context):\n    pass\n\n" for m in HTTP_METHODS
    )
    route = _load(make_project, source)
    assert list(route.handlers) == [
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "OPTIONS",
    ]
    for method, handler in route.handlers.items():
        assert handler.method == method
        assert handler.func.__name__ == method
        assert handler.arity == 2
        assert handler.is_async
    assert route.warnings == []


def test_only_exported_methods_become_handlers(make_project: MakeProject) -> None:
    route = _load(
        make_project,
        """
        async def GET():
            pass

        def POST(request):
            pass

        def helper():
            pass

        FETCH = helper
        """,
    )
    assert list(route.handlers) == ["GET", "POST"]


@pytest.mark.parametrize(
    ("signature", "arity"),
    [
        ("()", 0),
        ("(request)", 1),
        ("(request, context)", 2),
        ("(req, ctx)", 2),
        ("(*args)", 2),
        ("(request, *args)", 2),
        ("(request=None)", 1),
        ("(request=None, context=None)", 2),
        ("(request, context, extra=None)", 2),
        ("(request, *, debug=False)", 1),
        ("(**kwargs)", 0),
        ("(request, /)", 1),
        ("(request, context, /)", 2),
    ],
    ids=[
        "none",
        "request",
        "request-context",
        "other-names",
        "star-args",
        "request-star-args",
        "request-default",
        "both-defaults",
        "third-with-default",
        "keyword-only-default",
        "star-kwargs",
        "positional-only-one",
        "positional-only-two",
    ],
)
def test_handler_arity_is_detected(
    make_project: MakeProject, signature: str, arity: int
) -> None:
    route = _load(make_project, f"async def GET{signature}:\n    pass\n")
    assert route.handlers["GET"].arity == arity


def test_lambda_and_callable_object_handlers(make_project: MakeProject) -> None:
    route = _load(
        make_project,
        """
        class Handler:
            async def __call__(self, request):
                pass

        GET = lambda: None
        POST = Handler()
        """,
    )
    get, post = route.handlers["GET"], route.handlers["POST"]
    assert (get.arity, get.is_async) == (0, False)
    assert (post.arity, post.is_async) == (1, True)


def test_async_and_sync_handlers_are_told_apart(make_project: MakeProject) -> None:
    route = _load(
        make_project,
        """
        import functools

        async def GET(request):
            pass

        def POST(request):
            pass

        async def _put(request, context):
            pass

        PUT = functools.partial(_put)
        """,
    )
    assert route.handlers["GET"].is_async is True
    assert route.handlers["POST"].is_async is False
    assert route.handlers["PUT"].is_async is True


@pytest.mark.parametrize(
    ("value", "type_name"),
    [('"hello"', "str"), ("42", "int"), ("{'a': 1}", "dict")],
    ids=["str", "int", "dict"],
)
def test_non_callable_handler_is_an_import_error(
    make_project: MakeProject, value: str, type_name: str
) -> None:
    message = _import_error(make_project, f"GET = {value}\n")
    assert message == (
        f"GET in {FILE} is a {type_name}, not a function. Export "
        "`async def GET(request, context)` or remove the name."
    )


def test_three_required_params_is_an_import_error(make_project: MakeProject) -> None:
    message = _import_error(
        make_project, "def POST(request, context, extra):\n    pass\n"
    )
    assert message == (
        f"POST in {FILE} takes more than two parameters. A handler takes (), (request) "
        "or (request, context): def POST(request, context)."
    )


def test_required_keyword_only_param_is_an_import_error(
    make_project: MakeProject,
) -> None:
    message = _import_error(
        make_project, "async def GET(request, *, user):\n    pass\n"
    )
    assert message == (
        f"GET in {FILE} has a required keyword-only parameter 'user' that routetree "
        "cannot pass. A handler takes (), (request) or (request, context)."
    )


def test_syntax_error_names_file_and_line(make_project: MakeProject) -> None:
    source = "from routetree import Response\n\nasync def GET(:\n    pass\n"
    project = make_project({FILE: source})
    [definition] = discover_routes(project)
    with pytest.raises(RouteImportError) as caught:
        load_route(project, definition)
    message = str(caught.value)
    assert message.startswith(f"Failed to import {FILE}:\n")
    assert f'File "{definition.file}", line 3' in message
    assert "async def GET(:" in message
    assert "SyntaxError" in message
    assert isinstance(caught.value.__cause__, SyntaxError)


def test_import_error_inside_route_shows_its_traceback(
    make_project: MakeProject,
) -> None:
    source = "import json\nimport routetree_no_such_module_xyz\n"
    project = make_project({FILE: source})
    [definition] = discover_routes(project)
    with pytest.raises(RouteImportError) as caught:
        load_route(project, definition)
    message = str(caught.value)
    assert message.startswith(
        f"Failed to import {FILE}:\nTraceback (most recent call last):\n"
    )
    assert f'File "{definition.file}", line 2, in <module>' in message
    assert "    import routetree_no_such_module_xyz" in message
    assert message.endswith(
        "ModuleNotFoundError: No module named 'routetree_no_such_module_xyz'"
    )
    # Only the user's frames: none of importlib's or the loader's.
    assert "<frozen" not in message
    assert "_loader.py" not in message


def test_error_raised_in_a_helper_shows_both_frames(make_project: MakeProject) -> None:
    project = make_project(
        {
            # A top-level module (not a package) so the import purge removes it.
            "rt_loader_settings.py": "def load():\n    raise KeyError('DB_URL')\n",
            FILE: "import sys\nfrom rt_loader_settings import load\n\nload()\n",
        }
    )
    sys.path.insert(0, str(project))
    [definition] = discover_routes(project)
    with pytest.raises(RouteImportError) as caught:
        load_route(project, definition)
    message = str(caught.value)
    assert f'File "{definition.file}", line 4, in <module>' in message
    assert f'File "{project / "rt_loader_settings.py"}", line 2, in load' in message
    assert message.endswith("KeyError: 'DB_URL'")


def test_failed_import_leaves_nothing_in_sys_modules(make_project: MakeProject) -> None:
    project = make_project({FILE: "raise RuntimeError('boom')\n"})
    [definition] = discover_routes(project)
    with pytest.raises(RouteImportError):
        load_route(project, definition)
    assert module_name_for(project, FILE) not in sys.modules


def test_lowercase_method_is_a_warning(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="routetree"):
        route = _load(
            make_project,
            "async def GET():\n    pass\n\nasync def post():\n    pass\n",
        )
    expected = (
        f"Detected lowercase method 'post' in '{FILE}'. Export the uppercase 'POST' "
        "method name to fix this error."
    )
    assert route.warnings == [expected]
    assert list(route.handlers) == ["GET"]
    assert [r.getMessage() for r in caplog.records if r.name == "routetree"] == [
        expected
    ]


def test_only_lowercase_get_warns_twice(make_project: MakeProject) -> None:
    route = _load(make_project, "def get(request):\n    pass\n")
    assert route.handlers == {}
    assert route.warnings == [
        f"Detected lowercase method 'get' in '{FILE}'. Export the uppercase 'GET' "
        "method name to fix this error.",
        f"No HTTP methods exported in '{FILE}'. Export a function named for each HTTP "
        "method it answers (GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS).",
    ]


@pytest.mark.parametrize(
    ("name", "kind", "method"),
    [
        pytest.param("Get", "mixed-case", "GET", id="Get"),
        pytest.param("Post", "mixed-case", "POST", id="Post"),
        pytest.param("delete", "lowercase", "DELETE", id="delete"),
        pytest.param("gET", "mixed-case", "GET", id="gET"),
        pytest.param("Options", "mixed-case", "OPTIONS", id="Options"),
    ],
)
def test_any_casing_of_a_method_name_is_a_warning(
    make_project: MakeProject, name: str, kind: str, method: str
) -> None:
    source = f"async def GET():\n    pass\n\n\nasync def {name}():\n    pass\n"
    route = _load(make_project, source)
    assert route.warnings == [
        f"Detected {kind} method '{name}' in '{FILE}'. Export the uppercase "
        f"'{method}' method name to fix this error."
    ]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("from lib.sql import delete, get\n", id="imported-function"),
        pytest.param("from operator import delitem as delete\n", id="imported-builtin"),
        pytest.param(
            "from dataclasses import dataclass\n\n\n@dataclass\nclass Post:\n"
            "    title: str\n",
            id="class",
        ),
        pytest.param("from lib.sql import Patch\n", id="imported-class"),
    ],
)
def test_a_method_name_the_file_does_not_define_is_no_warning(
    make_project: MakeProject, source: str
) -> None:
    project = make_project(
        {
            "lib/__init__.py": "",  # a regular package: the fixture unloads it
            "lib/sql.py": (
                "def delete(table):\n    return table\n\n\n"
                "def get(table):\n    return table\n\n\nclass Patch:\n    pass\n"
            ),
            FILE: source + "\n\nasync def GET():\n    pass\n",
        }
    )
    assert load_project(project).warnings == []  # the folder on sys.path: lib.sql


@pytest.mark.parametrize(
    "source",
    ["", "X = 1\n", "def helper():\n    pass\n", "get = 'not a function'\n"],
    ids=["empty", "constant", "helper-only", "lowercase-non-callable"],
)
def test_no_handler_is_a_warning(make_project: MakeProject, source: str) -> None:
    route = _load(make_project, source)
    assert route.handlers == {}
    assert route.warnings == [
        f"No HTTP methods exported in '{FILE}'. Export a function named for each HTTP "
        "method it answers (GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS)."
    ]


def test_module_is_in_sys_modules_under_its_name(make_project: MakeProject) -> None:
    route = _load(make_project, "async def GET():\n    pass\n")
    module = sys.modules[route.module_name]
    assert module.GET is route.handlers["GET"].func
    assert module.__file__ == str(route.definition.file)


def test_module_name_is_derived_from_the_path(make_project: MakeProject) -> None:
    project = make_project(
        {"app/api/users/[id]/route.py": "async def GET():\n    pass\n"}
    )
    name = module_name_for(project, "app/api/users/[id]/route.py")
    prefix, _, rest = name.partition(".")
    assert prefix.startswith("_routetree_routes_")
    assert rest == "api.users._5bid_5d.route"
    assert all(part.isidentifier() for part in name.split("."))


def test_module_name_differs_between_projects(make_project: MakeProject) -> None:
    one, two = make_project({}), make_project({})
    assert module_name_for(one, FILE) != module_name_for(two, FILE)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("app/api/[id]/route.py", "app/api/_id_/route.py"),
        ("app/api/[id]/route.py", "app/api/id/route.py"),
        ("app/api/[id]/route.py", "app/api/(id)/route.py"),
        ("app/api/[...id]/route.py", "app/api/[[...id]]/route.py"),
        ("app/(a)/api/x/route.py", "app/(b)/api/x/route.py"),
        ("app/api/a.b/route.py", "app/api/a-b/route.py"),
        ("app/rss.xml/route.py", "app/rss_2exml/route.py"),
        ("app/caf\u00e9/route.py", "app/caf_e9/route.py"),
    ],
    ids=[
        "param-vs-underscored",
        "param-vs-static",
        "param-vs-group",
        "catch-all-vs-optional",
        "two-groups",
        "dot-vs-hyphen",
        "dot-vs-its-escape-spelled-out",
        "non-ascii-vs-its-escape-spelled-out",
    ],
)
def test_module_names_are_unique_per_file(
    make_project: MakeProject, first: str, second: str
) -> None:
    project = make_project({})
    assert module_name_for(project, first) != module_name_for(project, second)


def test_module_name_of_a_top_level_file_is_its_kind(make_project: MakeProject) -> None:
    project = make_project({})
    digest = module_name_for(project, FILE).partition(".")[0].rpartition("_")[2]
    assert len(digest) == 10
    assert module_name_for(project, "middleware.py", "middleware") == (
        f"_routetree_middleware_{digest}"
    )
    assert module_name_for(project, "proxy.py", "middleware") == (
        f"_routetree_middleware_{digest}"
    )
    assert module_name_for(project, "instrumentation.py", "instrumentation") == (
        f"_routetree_instrumentation_{digest}"
    )


def test_import_project_file_imports_under_its_module_name(
    make_project: MakeProject,
) -> None:
    project = make_project({"instrumentation.py": "HOOKED = True\n"})
    module = import_project_file(project, "instrumentation.py", "instrumentation")
    name = module_name_for(project, "instrumentation.py", "instrumentation")
    assert module.__name__ == name
    assert sys.modules[name] is module
    assert module.HOOKED is True
    assert module.__file__ == str(project / "instrumentation.py")


def test_import_project_file_takes_a_path_found_already(
    make_project: MakeProject,
) -> None:
    project = make_project({"elsewhere/real.py": "WHO = 'real'\n"})
    module = import_project_file(project, FILE, file=project / "elsewhere/real.py")
    assert module.WHO == "real"
    assert module.__name__ == module_name_for(project, FILE)
    assert module.__file__ == str(project / "elsewhere/real.py")


def test_import_project_file_failure_names_the_relative_file(
    make_project: MakeProject,
) -> None:
    project = make_project({"middleware.py": "raise RuntimeError('boom')\n"})
    with pytest.raises(RouteImportError) as caught:
        import_project_file(project, "middleware.py", "middleware")
    message = str(caught.value)
    assert message.startswith(
        "Failed to import middleware.py:\nTraceback (most recent call last):\n"
    )
    assert f'File "{project / "middleware.py"}", line 1, in <module>' in message
    assert message.endswith("RuntimeError: boom")
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert module_name_for(project, "middleware.py", "middleware") not in sys.modules


def test_route_files_that_escape_alike_keep_their_own_modules(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/rss.xml/route.py": "async def GET():\n    pass\n",
            "app/rss_2exml/route.py": "async def GET():\n    pass\n",
        }
    )
    routes = [load_route(project, d) for d in discover_routes(project)]
    assert routes[0].module_name != routes[1].module_name
    for route in routes:
        assert sys.modules[route.module_name].GET is route.handlers["GET"].func


def test_dataclass_and_pydantic_model_in_a_route_file_work(
    make_project: MakeProject,
) -> None:
    route = _load(
        make_project,
        """
        from __future__ import annotations

        from dataclasses import dataclass, field
        from typing import ClassVar

        from pydantic import BaseModel


        @dataclass
        class Item:
            name: str
            tags: list[str] = field(default_factory=list)
            kind: ClassVar[str] = "item"


        class Body(BaseModel):
            quantity: int
            item: Item


        PARSED = Body.model_validate({"quantity": "3", "item": {"name": "pen"}})


        async def GET():
            pass
        """,
    )
    module = sys.modules[route.module_name]
    assert module.PARSED.quantity == 3
    assert module.PARSED.item == module.Item("pen")
    assert typing.get_type_hints(module.Item)["name"] is str


def _kind(make_project: MakeProject, source: str, file: str = FILE) -> str:
    return _load(make_project, source, file).kind


GET = "async def GET():\n    pass\n"
POST = "async def POST():\n    pass\n"


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        (GET, "dynamic"),
        (GET + 'dynamic = "auto"\n', "dynamic"),
        (GET + 'dynamic = "force-dynamic"\n', "dynamic"),
        (GET + 'dynamic = "force-static"\n', "static"),
        (GET + 'dynamic = "error"\n', "static"),
        (GET + "revalidate = 60\n", "static"),
        (GET + "revalidate = 0.5\n", "static"),
        (GET + "revalidate = False\n", "static"),
        (GET + "revalidate = 0\n", "dynamic"),
        (GET + 'dynamic = "force-static"\n' + POST, "dynamic"),
        (GET + "revalidate = 60\n" + POST.replace("POST", "PUT"), "dynamic"),
        (GET + "revalidate = False\n" + POST.replace("POST", "PATCH"), "dynamic"),
        (GET + 'dynamic = "error"\n' + POST.replace("POST", "DELETE"), "dynamic"),
        (
            GET + 'dynamic = "force-static"\n' + POST.replace("POST", "OPTIONS"),
            "dynamic",
        ),
        (GET + 'dynamic = "force-static"\n' + POST.replace("POST", "HEAD"), "static"),
        (POST + 'dynamic = "force-static"\n', "dynamic"),
    ],
    ids=[
        "plain-get",
        "auto",
        "force-dynamic",
        "force-static",
        "dynamic-error",
        "revalidate-seconds",
        "revalidate-fraction",
        "revalidate-false",
        "revalidate-zero",
        "force-static-with-post",
        "revalidate-with-put",
        "revalidate-false-with-patch",
        "dynamic-error-with-delete",
        "force-static-with-options",
        "force-static-with-head",
        "force-static-without-get",
    ],
)
def test_route_kind_follows_nextjs_caching_rule(
    make_project: MakeProject, source: str, kind: str
) -> None:
    assert _kind(make_project, source) == kind


GSP = "def generate_static_params():\n    return [{'slug': 'a'}]\n"


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        (GET + GSP, "prerendered"),
        (GET + GSP + 'dynamic = "force-static"\n', "prerendered"),
        (GET + GSP + POST, "dynamic"),
    ],
    ids=["generate-static-params", "with-force-static", "with-post"],
)
def test_generate_static_params_makes_route_prerendered(
    make_project: MakeProject, source: str, kind: str
) -> None:
    assert _kind(make_project, source, "app/api/gsp/[slug]/route.py") == kind


def test_segment_config_is_read_with_the_route(make_project: MakeProject) -> None:
    route = _load(
        make_project,
        GET + 'dynamic = "force-static"\nrevalidate = 30\nmax_body_size = "1kb"\n',
    )
    assert route.config.dynamic == "force-static"
    assert route.config.revalidate == 30
    assert route.config.max_body_size == 1024


def test_project_dir_given_relative_or_absolute_loads_alike(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project({FILE: GET})
    monkeypatch.chdir(project.parent)
    [definition] = discover_routes(Path(project.name))
    route = load_route(Path(project.name), definition)
    assert route.handlers["GET"].arity == 0


# --- WEBSOCKET ---------------------------------------------------------------------


def test_websocket_export_is_kept_apart_from_the_methods(
    make_project: MakeProject,
) -> None:
    route = _load(
        make_project,
        "async def WEBSOCKET(socket, context):\n    pass\n\ndef GET():\n    pass\n",
    )
    assert sorted(route.handlers) == ["GET"]
    assert route.websocket is not None
    assert (route.websocket.method, route.websocket.arity) == ("WEBSOCKET", 2)
    assert route.exports == ["GET", "WEBSOCKET"]


def test_a_file_exporting_only_websocket_is_not_warned_about(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="routetree"):
        route = _load(make_project, "async def WEBSOCKET(socket):\n    pass\n")
    assert route.handlers == {}
    assert route.warnings == []
    assert caplog.records == []
    assert route.exports == ["WEBSOCKET"]


def test_a_sync_websocket_handler_is_an_import_error(
    make_project: MakeProject,
) -> None:
    message = _import_error(make_project, "def WEBSOCKET(socket):\n    pass\n")
    assert message.startswith(f"WEBSOCKET in {FILE} is a sync function")
    assert "async def WEBSOCKET(socket, context)" in message


def test_lowercase_websocket_is_warned_about(make_project: MakeProject) -> None:
    route = _load(
        make_project, "def GET():\n    pass\n\nasync def websocket(socket):\n    pass\n"
    )
    assert route.warnings == [
        f"Detected lowercase method 'websocket' in '{FILE}'. Export the uppercase "
        "'WEBSOCKET' method name to fix this error."
    ]
