"""docs/instrumentation.md, run as written: its two instrumentation.py files, served."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from pathlib import Path

PAGE = DocsPage("instrumentation.md")
# What the first example imports: a pool and a tracer that write down their calls.
HOOKED = {
    "lib/events.py": """
        from pathlib import Path

        LOG = Path(__file__).parent.parent / "events.log"


        def write(line: str) -> None:
            with LOG.open("a") as log:
                log.write(line + "\\n")
    """,
    "lib/db.py": """
        from lib.events import write


        class Pool:
            async def open(self) -> None:
                write("pool opened")

            async def close(self) -> None:
                write("pool closed")


        pool = Pool()
    """,
    "lib/tracing.py": """
        from lib.events import write


        def init_tracing(service: str) -> None:
            write(f"tracing {service}")


        async def report_to_tracker(
            error: BaseException, path: object, method: object, route: object
        ) -> None:
            write(f"reported {error!r} {method} {path} {route}")
    """,
    "app/api/users/[id]/route.py": """
        from routetree import Response


        async def GET() -> Response:
            raise ValueError("boom")
    """,
}
# Routes that fail each way handle_error reshapes.
ARTICLES = {
    "app/api/articles/route.py": """
        from pydantic import BaseModel, Field

        from routetree import HTTPError, Response


        class Article(BaseModel):
            title: str = Field(min_length=1)


        async def GET() -> Response:
            raise RuntimeError("a bug")


        async def POST(body: Article) -> Response:
            raise HTTPError(409, "an article with this title exists")
    """
}


def wait_for_lines(log: Path, count: int) -> list[str]:
    deadline = time.monotonic() + 5
    while True:
        lines = log.read_text().splitlines() if log.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == ["instrumentation.py"] * 3


def test_register_on_request_error_and_shutdown(tmp_path: Path) -> None:
    project = write_project(
        tmp_path,
        {"instrumentation.py": PAGE.block("instrumentation.py", 1).source},
        HOOKED,
    )
    log = project / "events.log"
    with serve(project) as (client, _):
        assert wait_for_lines(log, 2) == ["tracing users-api", "pool opened"]
        failed = client.get("/api/users/42?x=1")
        assert (failed.status_code, failed.json()) == (
            500,
            {"error": "Internal Server Error"},
        )
        assert wait_for_lines(log, 3)[2] == (
            "reported ValueError('boom') GET /api/users/42 /api/users/[id]"
        )
    assert log.read_text().splitlines()[3:] == ["pool closed"]


def test_handle_error_answers_in_the_realworld_shape(tmp_path: Path) -> None:
    project = write_project(
        tmp_path,
        {"instrumentation.py": PAGE.block("instrumentation.py", 2).source},
        ARTICLES,
    )
    with serve(project) as (client, _):
        missing = client.get("/api/nowhere")
        assert (missing.status_code, missing.json()) == (
            404,
            {"errors": {"body": ["Not Found"]}},
        )
        not_allowed = client.put("/api/articles")
        assert (not_allowed.status_code, not_allowed.json()) == (
            405,
            {"errors": {"body": ["Method Not Allowed"]}},
        )
        assert not_allowed.headers["allow"] == "GET, HEAD, OPTIONS, POST"
        invalid = client.post("/api/articles", json={"title": ""})
        assert (invalid.status_code, invalid.json()) == (
            422,
            {"errors": {"body": ["title String should have at least 1 character"]}},
        )
        conflict = client.post("/api/articles", json={"title": "Hi"})
        assert (conflict.status_code, conflict.json()) == (
            409,
            {"errors": {"body": ["an article with this title exists"]}},
        )
        bug = client.get("/api/articles")
        assert (bug.status_code, bug.json()) == (
            500,
            {"errors": {"body": ["Internal Server Error"]}},
        )


def test_the_tracing_example_exports_the_spans_of_a_request(tmp_path: Path) -> None:
    project = write_project(
        tmp_path,
        {"instrumentation.py": PAGE.block("instrumentation.py", 3).source},
        {
            "app/api/users/[id]/route.py": """
                from routetree import Response


                async def GET() -> Response:
                    return Response.json({"id": 1})
            """
        },
    )
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    with serve(project) as (client, server):
        response = client.get(
            "/api/users/42",
            headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"},
        )
        assert response.status_code == 200
    # The console exporter printed the batch when shutdown() flushed it.
    printed = server.output
    assert '"name": "GET /api/users/[id]"' in printed
    assert '"name": "executing api route (app) /api/users/[id]"' in printed
    assert '"http.route": "/api/users/[id]"' in printed
    assert '"kind": "SpanKind.SERVER"' in printed
    assert f'"trace_id": "0x{trace_id}"' in printed
    assert '"service.name": "users-api"' in printed
