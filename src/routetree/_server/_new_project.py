"""``routetree new NAME``: copy the project template shipped in ``routetree/_scaffold``.

The template is real files (a route, its test, a README, ``.env`` and ``.gitignore``).
Dotfiles are stored without their dot (``env``, ``gitignore``) so that packaging tools
keep them, and get it back when copied.
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from pathlib import Path

__all__ = ["create_project"]

_DOTFILES = {"env": ".env", "gitignore": ".gitignore"}


def create_project(target: Path) -> list[Path]:
    """Copy the template into ``target`` (created); return the files written.

    Raises:
        FileExistsError: ``target`` exists and is not an empty folder.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(
            f"{target} already exists and is not empty. Pick a new name, or remove it."
        )
    written: list[Path] = []
    _copy(files("routetree._server") / "_scaffold", target, written)
    return written


def _copy(source: Traversable, target: Path, written: list[Path]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in sorted(source.iterdir(), key=lambda entry: entry.name):
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            _copy(item, target / item.name, written)
        else:
            destination = target / _DOTFILES.get(item.name, item.name)
            destination.write_bytes(item.read_bytes())
            written.append(destination)
