"""Every ```python block of docs/ runs in a test, or is marked as a fragment on purpose.

The convention is in tests/docs_blocks.py and CONTRIBUTING.md: a block whose first line
is ``# <path>`` is a file of a project that the page's test module serves; any other
block follows a ``<!-- fragment -->`` line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs_blocks import DOCS, FRAGMENT, TESTED_BY, DocsPage

TESTS = Path(__file__).resolve().parent
PAGES = sorted(path.name for path in DOCS.glob("*.md"))


def page_test_module(page: str) -> Path:
    """The test module that serves ``page``'s blocks."""
    stem = page.removesuffix(".md").replace("-", "_")
    return TESTS / TESTED_BY.get(page, f"test_docs_{stem}.py")


@pytest.mark.parametrize("page", PAGES)
def test_every_python_block_is_a_file_or_a_fragment(page: str) -> None:
    loose = [
        f"{page}:{block.line}: {block.text.splitlines()[0] if block.text else ''}"
        for block in DocsPage(page).blocks
        if block.lang == "python" and block.path is None and not block.fragment
    ]
    assert not loose, (
        "These ```python blocks neither name the file they are (a first line "
        f"'# app/api/x/route.py') nor follow a '{FRAGMENT}' line:\n" + "\n".join(loose)
    )


@pytest.mark.parametrize("page", PAGES)
def test_a_page_with_python_files_has_a_test_module(page: str) -> None:
    docs = DocsPage(page)
    if not any(block.lang == "python" for block in docs.file_blocks):
        return
    module = page_test_module(page)
    assert module.is_file(), f"{page} has Python files to run: write {module.name}"
    assert f'DocsPage("{page}")' in module.read_text("utf-8"), (
        f"{module.name} does not serve {page} through tests.docs_blocks.DocsPage"
    )


SAMPLE = """\
# A page

```python
# app/api/x/route.py
async def GET() -> None: ...
```

<!-- fragment -->
```python
response.headers["x-a"] = "1"
```

- In a list:

  <!-- fragment -->
  ```python
  cookies().set("a", "1")
  ```

- Another:

  ```python
  # instrumentation.py, next to app/
  def register() -> None:
      pass
  ```

<!-- fragment -->

```python
print("the marker is not on the line before the fence")
```
"""


def test_blocks_their_files_and_the_fragment_marker() -> None:
    page = DocsPage("sample.md", SAMPLE)
    assert [(b.line, b.path, b.fragment) for b in page.blocks] == [
        (3, "app/api/x/route.py", False),
        (9, None, True),
        (16, None, True),
        (22, "instrumentation.py", False),
        (30, None, False),
    ]
    assert page.files() == {
        "app/api/x/route.py": "async def GET() -> None: ...\n",
        "instrumentation.py": "def register() -> None:\n    pass\n",
    }
    assert page.blocks[2].text == 'cookies().set("a", "1")\n'
