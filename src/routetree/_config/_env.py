"""Load ``.env`` files into `os.environ` in Next.js's order.

For a mode (``development`` for ``routetree dev``, ``production`` for ``start`` and
``build``, ``test`` for the test clients), the first place that defines a variable wins:

1. the real environment;
2. ``.env.$MODE.local``;
3. ``.env.local`` (skipped in ``test``, so tests do not depend on one developer's file);
4. ``.env.$MODE``;
5. ``.env``.

Files use dotenv syntax (python-dotenv's parser): quotes are stripped, ``#`` outside
quotes starts a comment, and ``$VAR`` / ``${VAR}`` expand to the merged result, so a
value in ``.env`` may refer to one that ``.env.local`` sets. ``ROUTETREE_ENV`` is set to
the mode unless the environment already has it.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Literal

from dotenv.main import dotenv_values, resolve_variables

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["MODE_VARIABLE", "Mode", "env_files", "load_env"]

Mode = Literal["development", "production", "test"]
MODE_VARIABLE = "ROUTETREE_ENV"
_BARE_VARIABLE = re.compile(r"(?<!\\)\$([A-Za-z_][A-Za-z0-9_]*)")


def env_files(project_dir: Path, mode: Mode) -> list[Path]:
    """Return the ``.env`` files that exist for ``mode``, highest precedence first."""
    names = [f".env.{mode}.local", ".env.local", f".env.{mode}", ".env"]
    if mode == "test":
        names.remove(".env.local")
    return [project_dir / name for name in names if (project_dir / name).is_file()]


def load_env(project_dir: Path, mode: Mode) -> list[Path]:
    """Load the project's ``.env`` files for ``mode`` into `os.environ`.

    Variables already in the environment are never overwritten.

    Returns:
        The files that were read, highest precedence first (for the start-up banner).
    """
    files = env_files(project_dir, mode)
    merged: dict[str, str | None] = {}
    for file in files:
        for key, value in dotenv_values(file, interpolate=False).items():
            merged.setdefault(key, value)
    # python-dotenv expands ${VAR} only; Next.js also expands $VAR, and \$ stays a
    # literal dollar (hidden from the expansion as a NUL, which no .env value holds).
    prepared = [
        (k, None if v is None else _BARE_VARIABLE.sub(r"${\1}", v.replace("\\$", "\0")))
        for k, v in merged.items()
    ]
    # Expand against the real environment first (override=False), then the merged files.
    for key, value in resolve_variables(prepared, override=False).items():
        if value is not None and key not in os.environ:
            os.environ[key] = value.replace("\0", "$")
    os.environ.setdefault(MODE_VARIABLE, mode)
    return files
