"""Read the config file and turn what the models refuse into located errors.

`load_config` reads the file that `routetree._config._file.find_config_file` names
(``routetree.toml``, else ``[tool.routetree]`` in ``pyproject.toml``) once, at
start-up, into a frozen `routetree._config._project_config.ProjectConfig`; every path
pattern and destination is compiled then, so a mistake stops the app before it serves
a request. Every problem is reported at once, one line each, naming the file and the
key::

    routetree.toml: cors.origins[0]: 'https://app.example.com/' ends with "/" ...

An unknown key gets a suggestion, such as the snake_case spelling of a camelCase key.
Without a config file, the defaults apply.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from typing import TYPE_CHECKING, Annotated, cast, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .._errors import ConfigError
from ._file import PYPROJECT_TOML, find_config_file
from ._project_config import ProjectConfig

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["load_config"]


def load_config(project_dir: Path) -> ProjectConfig:
    """Read and validate the project config of ``project_dir``.

    The file is the one `routetree._config._file.find_config_file` names:
    ``routetree.toml``, else ``[tool.routetree]`` in ``pyproject.toml``. Without
    either, the defaults apply.

    Raises:
        ConfigError: The file is not valid TOML (the message gives the line and
            column) or a key is unknown or has a wrong value (the message names the
            file and the key path, such as ``routetree.toml: cors.origins[0]``).
    """
    path = find_config_file(project_dir)
    if path is None:
        return ProjectConfig()
    label = path.name
    table = _read_toml(path)
    data: object = table
    prefix = ""
    if label == PYPROJECT_TOML:
        tool = table.get("tool")
        data = tool.get("routetree") if isinstance(tool, dict) else None
        prefix = "tool.routetree."
        if not isinstance(data, dict):
            raise ConfigError(
                "pyproject.toml: tool.routetree must be a table ([tool.routetree]), "
                f"not {data!r}."
            )
    try:
        return ProjectConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"{label}: {prefix}{_describe(error, data)}" for error in exc.errors()]
        raise ConfigError(
            "\n".join(lines) + f"\nFix {label} and start again."
        ) from None


def _read_toml(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: cannot be read ({exc}).") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: invalid TOML: {exc}.") from None


def _describe(error: Mapping[str, object], data: object) -> str:
    loc = original = cast("tuple[str | int, ...]", error["loc"])
    if (
        isinstance(data, dict)
        and isinstance(data.get("rewrites"), list)
        and loc[:2] == ("rewrites", "after_files")
    ):
        loc = ("rewrites", *loc[2:])  # the file had a plain [[rewrites]] list
    path = _key_path(loc)
    kind = error["type"]
    message = str(error["msg"])
    if kind == "extra_forbidden":
        key = str(loc[-1])
        return f"{path}: unknown key {key!r}{_suggestion(key, original[:-1])}"
    if kind == "missing":
        return f"{path}: missing (required)"
    if kind == "value_error":
        return f"{path}: {message.removeprefix('Value error, ')}"
    return f"{path}: {message} (got {error.get('input')!r})"


def _key_path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else part
    return out or "(top level)"


def _suggestion(key: str, parent: tuple[str | int, ...]) -> str:
    allowed = _allowed_keys(parent)
    if not allowed:
        return ""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()
    if snake in allowed:
        return f": did you mean {snake!r}? (keys are snake_case)"
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f": did you mean {close[0]!r}?" if close else ""
    return f"{hint} (allowed: {', '.join(sorted(allowed))})"


def _allowed_keys(parent: tuple[str | int, ...]) -> list[str]:
    model: type[BaseModel] | None = ProjectConfig
    for part in parent:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        model = _model_in(field.annotation) if field is not None else None
    return list(model.model_fields) if model is not None else []


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is Annotated:
        return _model_in(get_args(annotation)[0])
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
