"""Which file holds a project's config: ``routetree.toml``, else ``pyproject.toml``.

`find_config_file` is the one answer, for loading the config, for the lines
``routetree dev``, ``start``, ``build`` and ``routes`` print about it, and for
deciding whether a project has a config at all. It only reads TOML, so a project
without a config never imports the validation (pydantic).
"""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["CONFIG_FILE_NAMES", "PYPROJECT_TOML", "ROUTETREE_TOML", "find_config_file"]

ROUTETREE_TOML = "routetree.toml"
PYPROJECT_TOML = "pyproject.toml"
# The files that may hold the config, the one that wins first.
CONFIG_FILE_NAMES = (ROUTETREE_TOML, PYPROJECT_TOML)


def find_config_file(project_dir: Path) -> Path | None:
    """Return the config file of the project in ``project_dir``, or None.

    ``routetree.toml`` applies when it exists, and then ``pyproject.toml`` is not
    read. Otherwise ``pyproject.toml`` applies when it has a ``[tool.routetree]``
    table (``[tool.routetree.cors]`` alone counts too). A ``pyproject.toml`` that
    cannot be read, or is not valid TOML but mentions ``routetree``, is returned as
    well, so that loading it reports the problem instead of ignoring the config.

    Never raises: reading a file that is there is left to the caller.
    """
    routetree_toml = project_dir / ROUTETREE_TOML
    if routetree_toml.is_file():
        return routetree_toml
    pyproject = project_dir / PYPROJECT_TOML
    if not pyproject.is_file():
        return None
    try:
        raw = pyproject.read_bytes()
    except OSError:
        return pyproject
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return pyproject if b"routetree" in raw else None
    tool = data.get("tool")
    return pyproject if isinstance(tool, dict) and "routetree" in tool else None
