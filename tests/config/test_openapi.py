"""[openapi] in routetree.toml / [tool.routetree.openapi]: values and located errors."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pytest

from routetree._config._loading import load_config
from routetree._errors import ConfigError
from routetree._openapi._settings import OpenAPISettings

if TYPE_CHECKING:
    from pathlib import Path


def _settings(project: Path, toml: str) -> OpenAPISettings:
    (project / "routetree.toml").write_text(textwrap.dedent(toml).lstrip())
    return load_config(project).openapi.settings


def _error(project: Path, toml: str) -> str:
    with pytest.raises(ConfigError) as info:
        _settings(project, toml)
    return str(info.value)


def test_no_table_gives_the_defaults(tmp_path: Path) -> None:
    assert _settings(tmp_path, 'base_path = "/v1"') == OpenAPISettings(
        enabled=None,
        path="/openapi.json",
        docs_path="/docs",
        title=None,
        version=None,
    )


def test_every_key(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        """
        [openapi]
        enabled = true
        path = "/api/spec.json"
        docs_path = "/api/reference"
        title = "Shop"
        version = "2.1.0"
        """,
    )
    assert settings == OpenAPISettings(
        enabled=True,
        path="/api/spec.json",
        docs_path="/api/reference",
        title="Shop",
        version="2.1.0",
    )


def test_the_table_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.routetree.openapi]\nenabled = false\n"
    )
    assert load_config(tmp_path).openapi.settings.enabled is False


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'enabled = "yes"',
            "routetree.toml: openapi.enabled: Input should be a valid boolean "
            "(got 'yes')",
        ),
        (
            'path = "openapi.json"',
            "routetree.toml: openapi.path: 'openapi.json' is not a URL path: it must "
            'start with "/", not end with "/", and hold only path characters (no "%", '
            'no "." or ".." segment), such as "/openapi.json" or "/api/docs"',
        ),
        ('docs_path = "/docs/"', "routetree.toml: openapi.docs_path: '/docs/' is not"),
        ('docs_path = "/"', "routetree.toml: openapi.docs_path: '/' is not"),
        ('path = "/a/../b"', "routetree.toml: openapi.path: '/a/../b' is not"),
        ('path = "/open%20api"', "routetree.toml: openapi.path: '/open%20api' is not"),
        ('title = " "', "routetree.toml: openapi.title: must not be empty"),
        ("version = 1", "routetree.toml: openapi.version: Input should be a valid"),
        (
            'path = "/docs"',
            "routetree.toml: openapi: path '/docs' is taken by the docs page or its "
            "assets (docs_path '/docs'): give the document another path",
        ),
        (
            'path = "/docs/assets/x.json"',
            "routetree.toml: openapi: path '/docs/assets/x.json' is taken by",
        ),
        (
            'docs = "/x"',
            "routetree.toml: openapi.docs: unknown key 'docs': did you mean "
            "'docs_path'? (allowed: docs_path, enabled, path, title, version)",
        ),
        (
            'docsPath = "/x"',
            "routetree.toml: openapi.docsPath: unknown key 'docsPath': did you mean "
            "'docs_path'? (keys are snake_case)",
        ),
    ],
)
def test_invalid_values_are_located(tmp_path: Path, toml: str, message: str) -> None:
    error = _error(tmp_path, f"[openapi]\n{toml}\n")
    assert error.startswith(message)
    assert error.endswith("Fix routetree.toml and start again.")


def test_a_path_under_the_docs_page_but_not_its_assets_is_fine(tmp_path: Path) -> None:
    settings = _settings(tmp_path, '[openapi]\npath = "/docs/openapi.json"\n')
    assert settings.path == "/docs/openapi.json"
