"""docs/environment.md, run as written: its route file and its .env files, served."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from pathlib import Path

PAGE = DocsPage("environment.md")
SHOW = {
    "app/api/env/route.py": """
        import os

        from routetree import Response


        async def GET() -> Response:
            names = ["A", "B", "C", "EXP", "ROUTETREE_ENV"]
            return Response.json({name: os.environ.get(name) for name in names})
    """
}


def env_files() -> dict[str, str]:
    """The page's example .env files: one block, a '# <file>' line before each."""
    [block] = [b for b in PAGE.blocks if b.text.startswith("# .env\n")]
    files: dict[str, str] = {}
    for section in block.text.strip().split("\n\n"):
        name, _, body = section.partition("\n")
        files[name.removeprefix("# ")] = body + "\n"
    return files


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == ["app/api/hello/route.py"]
    assert list(env_files()) == [".env", ".env.local", ".env.production"]


def test_start_reads_the_files_in_nextjs_order(tmp_path: Path) -> None:
    project = write_project(
        tmp_path, PAGE.files(), SHOW, env_files(), {".env.test": "GREETING=Hi\n"}
    )
    (project / ".env").write_text((project / ".env").read_text() + "GREETING=Hej\n")
    with serve(project) as (client, _):
        assert client.get("/api/env").json() == {
            "A": "from-.env.local",
            "B": "from-.env.production",
            "C": "from-.env",
            "EXP": "from-.env.local-expanded",
            "ROUTETREE_ENV": "production",
        }
        hello = client.get("/api/hello?name=Ada")
        assert hello.json() == {"message": "Hej, Ada!"}
