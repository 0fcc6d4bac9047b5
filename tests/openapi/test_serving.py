"""The document, the docs page and its assets as routes of the app (through ASGI).

The real servers (``routetree dev`` and ``start``) are in test_live.py.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import pytest
from openapi_spec_validator import validate

from routetree import create_app
from routetree._openapi._docs_page import CONTENT_SECURITY_POLICY
from routetree.testing import TestClient
from tests.conftest import APPS

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import MakeProject

OPENAPI_APP = APPS / "openapi"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "docs.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
HELLO = "from routetree import Response\n\ndef GET():\n    return Response('mine')\n"


def _client(project: Path, *, dev: bool) -> TestClient:
    return TestClient(create_app(project, dev=dev))


def test_dev_serves_the_document() -> None:
    with _client(OPENAPI_APP, dev=True) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    validate(document)
    assert document["info"] == {"title": "openapi", "version": "0.1.0"}
    assert "/api/users/{id}" in document["paths"]
    assert "/openapi.json" not in document["paths"]  # the generated routes are not


def test_dev_serves_the_docs_page() -> None:
    with _client(OPENAPI_APP, dev=True) as client:
        response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page = response.text
    assert "<title>openapi - API docs</title>" in page
    assert '{"url": "/openapi.json"}' in page
    for asset in ASSETS:
        assert f'"/docs/assets/{asset}"' in page
    assert "http" not in page.replace('"http', "")  # no absolute URL at all


@pytest.mark.parametrize(("name", "content_type"), ASSETS.items())
def test_the_assets_are_served_with_their_types(name: str, content_type: str) -> None:
    with _client(OPENAPI_APP, dev=True) as client:
        response = client.get(f"/docs/assets/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert len(response.content) > 500


def test_an_unknown_asset_is_404() -> None:
    with _client(OPENAPI_APP, dev=True) as client:
        assert client.get("/docs/assets/swagger-ui.js").status_code == 404
        assert client.get("/docs/assets/NOTICE").status_code == 404


def test_head_and_options_work() -> None:
    with _client(OPENAPI_APP, dev=True) as client:
        head = client.head("/openapi.json")
        options = client.options("/docs")
        post = client.post("/openapi.json")
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) > 1000
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, HEAD, OPTIONS"
    assert post.status_code == 405


def test_production_mode_serves_nothing_by_default() -> None:
    with _client(OPENAPI_APP, dev=False) as client:
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/docs").status_code == 404
        assert client.get("/docs/assets/swagger-ui.css").status_code == 404


def test_enabled_in_production(make_project: MakeProject) -> None:
    project = make_project(
        {
            "routetree.toml": "[openapi]\nenabled = true\n",
            "app/api/hello/route.py": HELLO,
        }
    )
    with _client(project, dev=False) as client:
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/docs").status_code == 200


def test_disabled_in_dev(make_project: MakeProject) -> None:
    project = make_project(
        {
            "routetree.toml": "[openapi]\nenabled = false\n",
            "app/api/hello/route.py": HELLO,
        }
    )
    with _client(project, dev=True) as client:
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/docs").status_code == 404


def test_custom_paths_title_and_version(make_project: MakeProject) -> None:
    project = make_project(
        {
            "routetree.toml": """
                [openapi]
                path = "/api/spec.json"
                docs_path = "/api/reference"
                title = "Shop <API>"
                version = "2.0.0"
            """,
            "app/api/hello/route.py": HELLO,
        }
    )
    with _client(project, dev=True) as client:
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/docs").status_code == 404
        document = client.get("/api/spec.json").json()
        page = client.get("/api/reference").text
        css = client.get("/api/reference/assets/swagger-ui.css")
    assert document["info"] == {"title": "Shop <API>", "version": "2.0.0"}
    assert "<title>Shop &lt;API&gt; - API docs</title>" in page
    assert '{"url": "/api/spec.json"}' in page
    assert '"/api/reference/assets/swagger-ui-bundle.js"' in page
    assert css.status_code == 200


def test_base_path_applies_to_the_routes_and_the_page(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "routetree.toml": 'base_path = "/v1"\n',
            "app/api/hello/route.py": HELLO,
        }
    )
    with _client(project, dev=True) as client:
        assert client.get("/openapi.json").status_code == 404
        document = client.get("/v1/openapi.json").json()
        page = client.get("/v1/docs").text
        js = client.get("/v1/docs/assets/docs.js")
    assert document["servers"] == [{"url": "/v1"}]
    assert '{"url": "/v1/openapi.json"}' in page
    assert '"/v1/docs/assets/swagger-ui.css"' in page
    assert js.status_code == 200


def test_config_headers_and_middleware_apply_to_them(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "routetree.toml": """
                [[headers]]
                source = "/docs"
                headers = [{ key = "x-from-config", value = "yes" }]
            """,
            "middleware.py": """
                from routetree import Response

                def middleware(request):
                    if request.headers.get("x-block"):
                        return Response("blocked", status=403)
                    return Response.next()
            """,
            "app/api/hello/route.py": HELLO,
        }
    )
    with _client(project, dev=True) as client:
        page = client.get("/docs")
        blocked = client.get("/openapi.json", headers={"x-block": "1"})
    assert page.headers["x-from-config"] == "yes"
    assert blocked.status_code == 403
    assert blocked.text == "blocked"


def test_a_project_route_at_the_same_path_wins(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(
        {"app/docs/route.py": HELLO, "app/openapi.json/route.py": HELLO}
    )
    with (
        caplog.at_level(logging.WARNING, "routetree"),
        _client(project, dev=True) as client,
    ):
        assert client.get("/docs").text == "mine"
        assert client.get("/openapi.json").text == "mine"
        # The page is not served, so neither are its assets.
        assert client.get("/docs/assets/docs.js").status_code == 404
    assert (
        "app/docs/route.py answers /docs, so routetree does not serve the API docs "
        "page there. Set docs_path in [openapi] of routetree.toml to serve it at "
        "another path." in caplog.text
    )
    assert (
        "app/openapi.json/route.py answers /openapi.json, so routetree does not "
        "serve the OpenAPI document there. Set path in [openapi]" in caplog.text
    )


def test_an_optional_catch_all_answering_the_path_wins(
    make_project: MakeProject,
) -> None:
    project = make_project({"app/docs/[[...slug]]/route.py": HELLO})
    with _client(project, dev=True) as client:
        assert client.get("/docs").text == "mine"
        assert client.get("/openapi.json").status_code == 200


def test_the_generated_routes_beat_a_dynamic_route(make_project: MakeProject) -> None:
    project = make_project({"app/[slug]/route.py": HELLO})
    with _client(project, dev=True) as client:
        assert client.get("/docs").headers["content-type"].startswith("text/html")
        assert client.get("/other").text == "mine"


def test_the_document_is_built_once(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    from routetree._openapi import _document

    calls: list[object] = []
    build = _document.build_openapi

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_document, "build_openapi", counting)
    project = make_project({"app/api/hello/route.py": HELLO})
    with _client(project, dev=True) as client:
        first = client.get("/openapi.json").content
        second = client.get("/openapi.json").content
    assert first == second
    assert json.loads(first)["paths"]
    assert len(calls) == 1


def test_a_document_that_cannot_be_built_is_a_500_with_the_reason_in_dev(
    make_project: MakeProject,
) -> None:
    handler = """
        from routetree import operation

        @operation(operation_id="same")
        def GET(): ...
    """
    project = make_project({"app/a/route.py": handler, "app/b/route.py": handler})
    with _client(project, dev=True) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 500
    assert (
        "operation_id 'same' is declared by" in response.json()["exception"]["message"]
    )
