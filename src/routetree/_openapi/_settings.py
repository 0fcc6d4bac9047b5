"""The ``[openapi]`` settings, and the defaults of the document's title and version.

`OpenAPISettings` is what the config's ``[openapi]`` table validates into (see
`routetree._config._openapi`); a project without config gets its defaults. It is
kept free of pydantic so that deciding whether to serve the document costs a
config-less project nothing at start-up.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from .._routing._project import Project

__all__ = ["DEFAULT_VERSION", "OpenAPISettings", "document_info", "settings_of"]

DEFAULT_VERSION = "0.1.0"


@dataclass(frozen=True, slots=True)
class OpenAPISettings:
    """Whether and where the OpenAPI document and the docs page are served.

    Attributes:
        enabled: Serve them; None leaves it to the mode (on in ``routetree dev``,
            off in ``routetree start``).
        path: The URL path of the document, below ``base_path``.
        docs_path: The URL path of the docs page; its assets are under
            ``<docs_path>/assets/``.
        title: ``info.title``; None for pyproject's project name, else the
            project folder's name.
        version: ``info.version``; None for pyproject's project version, else
            ``"0.1.0"``.
    """

    enabled: bool | None = None
    path: str = "/openapi.json"
    docs_path: str = "/docs"
    title: str | None = None
    version: str | None = None

    def is_served(self, *, dev: bool) -> bool:
        """Whether the app serves the document and the page in this mode."""
        return dev if self.enabled is None else self.enabled


def settings_of(project: Project) -> OpenAPISettings:
    """The project's ``[openapi]`` settings, or the defaults without a config."""
    config = project.config
    return OpenAPISettings() if config is None else config.openapi.settings


def document_info(settings: OpenAPISettings, project_dir: Path) -> tuple[str, str]:
    """The document's title and version: the settings', else the defaults.

    The defaults come from ``[project]`` of the project's ``pyproject.toml``
    (``name``, and ``version`` when it is written there rather than dynamic), else
    the project folder's name and ``"0.1.0"``. A ``pyproject.toml`` that cannot be
    read gives the fallbacks too: a title is no reason to refuse the document.
    """
    title, version = settings.title, settings.version
    if title is None or version is None:
        project = _pyproject_project(project_dir / "pyproject.toml")
        if title is None:
            name = project.get("name")
            title = name if isinstance(name, str) and name else project_dir.name
        if version is None:
            found = project.get("version")
            version = found if isinstance(found, str) and found else DEFAULT_VERSION
    return title, version


def _pyproject_project(pyproject: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    project = data.get("project")
    return project if isinstance(project, dict) else {}
