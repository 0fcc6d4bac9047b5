"""The code blocks of a page of docs/, as the files of a project a test serves.

A fenced block whose first line is ``# <path>`` is the file at that path of a project:
``# app/api/users/route.py``, ``# middleware.py``, ``# routetree.toml``. Words after
the path are a note for the reader (``# instrumentation.py, next to app/``). The
header line is not written; the rest of the block is, dedented when the block sits in
a list item.

A ```python block is either such a file, run by the page's test module
(``tests/test_docs_<page>.py``, see `TESTED_BY`), or shown on purpose as a piece of
code that does not run alone: its fence follows a ``<!-- fragment -->`` line, which no
renderer shows. `tests/test_docs_blocks.py` fails on a block that is neither.

A page test writes the blocks into a project, adds the few files the page only
mentions (a ``lib/db.py`` the example imports), serves it with
`routetree.testing.live_server`, and sends the requests the page shows::

    PAGE = DocsPage("request.md")

    with serve(write_project(tmp, PAGE.files())) as (client, server):
        assert client.get("/api/search").status_code == 405
"""

from __future__ import annotations

import re
import textwrap
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from routetree.testing import live_server

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from routetree.testing import LiveServer

DOCS = Path(__file__).resolve().parent.parent / "docs"
FRAGMENT = "<!-- fragment -->"

# The page test modules that do not follow tests/test_docs_<page stem>.py.
TESTED_BY = {"porting-from-nextjs.md": "test_docs_porting.py"}

_FENCE = re.compile(
    r"^(?P<indent>[ ]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ ]*$",
    re.MULTILINE | re.DOTALL,
)
# "# app/api/users/[id]/route.py", "# instrumentation.py, next to app/"
_HEADER = re.compile(
    r"# (?P<path>[\w./()\[\]%-]+?\.(?:py|toml|env|txt|json|conf)),?(?: .*)?"
)


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: str
    line: int  # of the opening fence, 1-based
    lang: str
    text: str  # the block's lines, dedented, header included
    fragment: bool  # marked <!-- fragment --> on the line before the fence

    @property
    def path(self) -> str | None:
        """The project file the block is, from its ``# <path>`` first line."""
        first = self.text.split("\n", 1)[0]
        header = _HEADER.fullmatch(first)
        return header["path"] if header else None

    @property
    def source(self) -> str:
        """The file's content: the block without its header line."""
        return self.text.split("\n", 1)[1] if self.path else self.text


class DocsPage:
    """The fenced blocks of one page of docs/, in page order."""

    def __init__(self, name: str, text: str | None = None) -> None:
        self.name = name
        if text is None:
            text = (DOCS / name).read_text("utf-8")
        lines = text.split("\n")
        blocks: list[Block] = []
        for fence in _FENCE.finditer(text):
            line = text.count("\n", 0, fence.start()) + 1
            before = lines[line - 2].strip() if line >= 2 else ""
            blocks.append(
                Block(
                    page=name,
                    line=line,
                    lang=fence["lang"],
                    text=textwrap.dedent(fence["body"]),
                    fragment=before == FRAGMENT,
                )
            )
        self.blocks = tuple(blocks)

    @property
    def file_blocks(self) -> list[Block]:
        """The blocks that are files of a project and not marked as fragments."""
        return [b for b in self.blocks if b.path is not None and not b.fragment]

    def paths(self) -> list[str]:
        """The paths of the file blocks, in page order (a path may repeat)."""
        return [b.path for b in self.file_blocks if b.path is not None]

    def block(self, path: str, nth: int = 1) -> Block:
        """The ``nth`` file block that is ``path`` (1: the first)."""
        found = [b for b in self.file_blocks if b.path == path]
        if len(found) < nth:
            raise LookupError(f"{self.name} has {len(found)} block(s) for {path}")
        return found[nth - 1]

    def files(self, *paths: str, skip: tuple[str, ...] = ()) -> dict[str, str]:
        """``{path: source}`` of the named file blocks, or of all but ``skip``.

        A path the page gives twice must be picked with `block` instead.
        """
        wanted = paths or tuple(p for p in self.paths() if p not in skip)
        files: dict[str, str] = {}
        for path in wanted:
            if self.paths().count(path) > 1:
                raise LookupError(f"{self.name} has {path} twice: use block(path, nth)")
            files[path] = self.block(path).source
        return files


def write_project(root: Path, *files: Mapping[str, str]) -> Path:
    """Write each ``{relative path: source}`` mapping into ``root``; return it."""
    for mapping in files:
        for relative, source in mapping.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return root


@contextmanager
def serve(
    project: Path,
    *,
    base_path: str = "",
    command: str = "start",
    env: Mapping[str, str] | None = None,
) -> Iterator[tuple[httpx.Client, LiveServer]]:
    """Serve ``project`` with a real ``routetree`` server; yield a client and it.

    The client keeps no cookies: each request sends exactly the ones a test gives it.
    """
    keep_none = CookieJar(DefaultCookiePolicy(allowed_domains=[]))
    with (
        live_server(project, command=command, env=env) as server,
        httpx.Client(
            base_url=f"{server}{base_path}", timeout=10, cookies=keep_none
        ) as client,
    ):
        yield client, server
