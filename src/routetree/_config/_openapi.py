"""``[openapi]``: whether and where the OpenAPI document and the docs page are served.

::

    [openapi]
    enabled = true              # default: on in `routetree dev`, off in `start`
    path = "/openapi.json"      # the document, below base_path
    docs_path = "/docs"         # the docs page; its assets under /docs/assets/
    title = "Users API"         # default: pyproject's project name, else the folder
    version = "1.2.0"           # default: pyproject's project version, else 0.1.0

`OpenAPIConfig` validates the table; `routetree._openapi._settings.OpenAPISettings`
holds the defaults and is what the rest of routetree reads.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StrictBool,
    StrictStr,
    model_validator,
)

from .._openapi._settings import OpenAPISettings

__all__ = ["OpenAPIConfig"]

_DEFAULTS = OpenAPISettings()
# Path characters only, no "%": the path is matched as written, like a folder name.
_PATH = re.compile(r"^(/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+\Z")


def _url_path(path: str) -> str:
    if not _PATH.match(path) or any(p in (".", "..") for p in path.split("/")):
        raise ValueError(
            f'{path!r} is not a URL path: it must start with "/", not end with "/", '
            'and hold only path characters (no "%", no "." or ".." segment), such '
            'as "/openapi.json" or "/api/docs"'
        )
    return path


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


_UrlPath = Annotated[StrictStr, AfterValidator(_url_path)]
_Text = Annotated[StrictStr, AfterValidator(_text)]


class OpenAPIConfig(BaseModel):
    """The ``[openapi]`` table; see the module docstring and docs/openapi.md.

    Attributes:
        enabled: Serve the document and the docs page (default: only in dev).
        path: The document's URL path, below ``base_path``.
        docs_path: The docs page's URL path; its assets are below it.
        title: ``info.title`` of the document.
        version: ``info.version`` of the document.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: StrictBool | None = _DEFAULTS.enabled
    path: _UrlPath = _DEFAULTS.path
    docs_path: _UrlPath = _DEFAULTS.docs_path
    title: _Text | None = _DEFAULTS.title
    version: _Text | None = _DEFAULTS.version

    @model_validator(mode="after")
    def _paths_apart(self) -> OpenAPIConfig:
        if self.path == self.docs_path or self.path.startswith(
            self.docs_path + "/assets/"
        ):
            raise ValueError(
                f"path {self.path!r} is taken by the docs page or its assets "
                f"(docs_path {self.docs_path!r}): give the document another path"
            )
        return self

    @property
    def settings(self) -> OpenAPISettings:
        """The settings as the rest of routetree reads them."""
        return OpenAPISettings(**dict(self))  # the fields are its arguments
