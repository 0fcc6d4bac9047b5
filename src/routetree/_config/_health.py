"""``health``: the liveness and readiness endpoints that ``routetree start`` answers.

::

    health = { live = "/livez", ready = "/readyz" }

Both are opt-in and either may be left out. They are absolute paths, answered by the
server in front of the app (`routetree._server._health`), so ``base_path``,
``allowed_hosts``, middleware and the access log never see them: a Kubernetes probe
sends the pod's IP as its ``Host``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StrictStr, model_validator

from ._openapi import _url_path
from ._rules import ConfigModel

__all__ = ["HealthConfig"]

_UrlPath = Annotated[StrictStr, AfterValidator(_url_path)]


class HealthConfig(ConfigModel):
    """The ``health`` table; see the module docstring and docs/deployment.md.

    Attributes:
        live: The liveness path: 200 while the process serves, also while it drains.
        ready: The readiness path: 200 until shutdown begins (SIGTERM or SIGINT),
            then 503.
    """

    live: _UrlPath | None = None
    ready: _UrlPath | None = None

    @model_validator(mode="after")
    def _some_distinct_paths(self) -> HealthConfig:
        if self.live is None and self.ready is None:
            raise ValueError(
                'name at least one endpoint, such as health = { live = "/livez", '
                'ready = "/readyz" }'
            )
        if self.live == self.ready:
            raise ValueError(
                f"live and ready are both {self.live!r}: give them different paths"
            )
        return self
