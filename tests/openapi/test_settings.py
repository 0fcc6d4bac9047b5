"""[openapi] settings: served by mode, and the document's title and version."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree._openapi._settings import OpenAPISettings, document_info

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("enabled", "dev", "served"),
    [
        (None, True, True),
        (None, False, False),
        (True, False, True),
        (False, True, False),
    ],
)
def test_served_by_mode_unless_enabled_says(
    enabled: bool | None, dev: bool, served: bool
) -> None:
    assert OpenAPISettings(enabled=enabled).is_served(dev=dev) is served


def test_title_and_version_default_to_the_folder_and_0_1_0(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    assert document_info(OpenAPISettings(), project) == ("shop", "0.1.0")


def test_title_and_version_default_to_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop-api"\nversion = "3.2.1"\n'
    )
    assert document_info(OpenAPISettings(), tmp_path) == ("shop-api", "3.2.1")


def test_a_dynamic_pyproject_version_gives_0_1_0(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop-api"\ndynamic = ["version"]\n'
    )
    assert document_info(OpenAPISettings(), tmp_path) == ("shop-api", "0.1.0")


def test_the_settings_win_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop-api"\nversion = "3.2.1"\n'
    )
    settings = OpenAPISettings(title="Shop", version="9")
    assert document_info(settings, tmp_path) == ("Shop", "9")


def test_an_unreadable_pyproject_gives_the_fallbacks(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\n")
    assert document_info(OpenAPISettings(), tmp_path) == (tmp_path.name, "0.1.0")
