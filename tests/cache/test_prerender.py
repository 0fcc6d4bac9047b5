"""``routetree build`` renders the cached routes; ``routetree start`` serves them.

The routes answer the ``MARK`` environment variable: ``build`` runs with
``MARK=build``, ``start`` without it, so a body saying ``build`` was rendered at build
time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import httpx

from routetree.testing import live_server
from tests.cache.conftest import cache_status

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import MakeProject

MARKED = """\
import os

from routetree import Request, Response, RouteContext

{config}


async def GET(request: Request, context: RouteContext) -> Response:
    return Response.json({{"mark": os.environ.get("MARK"), **context.params}})
"""

FILES = {
    "app/api/static/route.py": MARKED.format(config='dynamic = "force-static"'),
    "app/api/gsp/[slug]/route.py": MARKED.format(
        config="revalidate = 60\n\n\n"
        "def generate_static_params():\n"
        '    return [{"slug": "a"}, {"slug": "b c"}]'
    ),
    "app/api/docs/[...path]/route.py": MARKED.format(
        config='async def generate_static_params():\n    return [{"path": ["x", "y"]}]'
    ),
    "app/api/on-demand/[id]/route.py": MARKED.format(config="revalidate = False"),
    "app/api/dynamic/route.py": MARKED.format(config=""),
}


def build_with_mark(
    project: Path, mark: str = "build"
) -> subprocess.CompletedProcess[str]:
    """Run ``routetree build`` on ``project`` with ``MARK`` set to ``mark``."""
    return subprocess.run(
        [sys.executable, "-m", "routetree", "build", str(project)],
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "MARK": mark},
    )


def test_build_lists_prerendered_params_under_their_dynamic_route(
    make_project: MakeProject,
) -> None:
    built = build_with_mark(make_project(FILES))
    assert built.returncode == 0, built.stderr
    rows = [line.split() for line in built.stdout.splitlines()]
    gsp = rows.index(
        ["●", "/api/gsp/[slug]", "GET", "prerendered", "app/api/gsp/[slug]/route.py"]
    )
    assert rows[gsp + 1] == [
        "├",
        "/api/gsp/a",
        "GET",
        "prerendered",
        "app/api/gsp/[slug]/route.py",
    ]
    assert rows[gsp + 2] == [
        "└",
        "/api/gsp/b%20c",
        "GET",
        "prerendered",
        "app/api/gsp/[slug]/route.py",
    ]
    docs = rows.index(
        [
            "●",
            "/api/docs/[...path]",
            "GET",
            "prerendered",
            "app/api/docs/[...path]/route.py",
        ]
    )
    assert rows[docs + 1][:2] == ["└", "/api/docs/x/y"]
    assert ["○", "/api/static", "GET", "static", "app/api/static/route.py"] in rows
    assert (
        "✓ Built 5 routes, prerendered 4 answers; manifest: .routetree/manifest.json"
        in (built.stdout)
    )


def test_start_serves_build_answers_as_hits_from_the_first_request(
    make_project: MakeProject,
) -> None:
    project = make_project(FILES)
    assert build_with_mark(project).returncode == 0
    with live_server(project) as url, httpx.Client(base_url=url) as client:
        for path, body in [
            ("/api/static", {"mark": "build"}),
            ("/api/gsp/a", {"mark": "build", "slug": "a"}),
            ("/api/gsp/b%20c", {"mark": "build", "slug": "b c"}),
            ("/api/docs/x/y", {"mark": "build", "path": ["x", "y"]}),
        ]:
            answer = client.get(path)
            assert answer.json() == body
            assert cache_status(answer) == "HIT"
            assert "etag" in answer.headers
        unlisted = client.get("/api/gsp/z")
        assert unlisted.json() == {"mark": None, "slug": "z"}
        assert cache_status(unlisted) == "MISS"
        assert cache_status(client.get("/api/gsp/z")) == "HIT"
        on_demand = client.get("/api/on-demand/1")
        assert on_demand.json() == {"mark": None, "id": "1"}
        assert cache_status(on_demand) == "MISS"
        dynamic = client.get("/api/dynamic")
        assert dynamic.json() == {"mark": None}
        assert cache_status(dynamic) is None


def test_a_changed_tree_drops_the_build_answers(make_project: MakeProject) -> None:
    project = make_project(FILES)
    assert build_with_mark(project).returncode == 0
    route = project / "app/api/static/route.py"
    route.write_text(route.read_text() + "\n# changed\n")
    with live_server(project) as url, httpx.Client(base_url=url) as client:
        answer = client.get("/api/static")
        assert answer.json() == {"mark": None}
        assert cache_status(answer) == "MISS"


def test_dynamic_error_handler_reading_request_data_fails_thebuild_with_mark(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/api/report/route.py": """
                from routetree import Request, Response

                dynamic = "error"


                async def GET(request: Request) -> Response:
                    return Response.json({"q": request.url.search_params.get("q")})
            """
        }
    )
    built = build_with_mark(project)
    assert built.returncode == 1
    assert (
        "app/api/report/route.py failed to render /api/report at build time: Route "
        '/api/report with `dynamic = "error"` couldn\'t be rendered statically because '
        "it used `request.url`." in built.stderr
    )
    assert not (project / ".routetree" / "manifest.json").exists()
