"""``routetree new NAME``: copy the project template shipped in ``routetree/_scaffold``.

The template is real files: a route, its test, a README, ``pyproject.toml``
(routetree as the dependency, pytest and mypy in a ``dev`` extra, the mypy settings
that suit a route tree), ``.env`` and ``.gitignore``. Dotfiles are stored without their
dot (``env``, ``gitignore``) so that packaging tools keep them, and get it back when
copied. A file named ``*.template`` is filled in (`string.Template`: ``${name}``, the
project's name, and ``${routetree_version}``) and loses that suffix; ``pyproject.toml``
is stored that way too, so that no tool takes the template for the configuration of
routetree itself.
"""

from __future__ import annotations

import re
from importlib.resources import files
from string import Template
from typing import TYPE_CHECKING

from .._version import __version__

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from pathlib import Path

__all__ = ["create_project", "project_name"]

_DOTFILES = {"env": ".env", "gitignore": ".gitignore"}
_TEMPLATE_SUFFIX = ".template"
_NOT_IN_A_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def create_project(target: Path) -> list[Path]:
    """Copy the template into ``target`` (created); return the files written.

    Raises:
        FileExistsError: ``target`` exists and is not an empty folder.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(
            f"{target} already exists and is not empty. Pick a new name, or remove it."
        )
    values = {
        "name": project_name(target.resolve().name),
        "routetree_version": __version__,
    }
    written: list[Path] = []
    _copy(files("routetree._server") / "_scaffold", target, values, written)
    return written


def project_name(folder: str) -> str:
    """The distribution name for a project in ``folder``: what PEP 508 allows of it.

    Runs of other characters become one ``-``, and the name starts and ends with a
    letter or digit (``"my api!"`` -> ``"my-api"``); ``"app"`` if nothing is left.
    """
    return _NOT_IN_A_NAME.sub("-", folder).strip("-._") or "app"


def _copy(
    source: Traversable, target: Path, values: dict[str, str], written: list[Path]
) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in sorted(source.iterdir(), key=lambda entry: entry.name):
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            _copy(item, target / item.name, values, written)
        elif item.name.endswith(_TEMPLATE_SUFFIX):
            destination = target / item.name.removesuffix(_TEMPLATE_SUFFIX)
            text = Template(item.read_text(encoding="utf-8")).substitute(values)
            destination.write_text(text, encoding="utf-8")
            written.append(destination)
        else:
            destination = target / _DOTFILES.get(item.name, item.name)
            destination.write_bytes(item.read_bytes())
            written.append(destination)
