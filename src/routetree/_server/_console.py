"""What the command line prints: logging set-up, errors, banners and the route table.

Everything goes through rich, and every piece of user text is passed as `Text`, never as
markup, so a folder name like ``[id]`` prints as itself.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table
from rich.text import Text

from .._config._file import PYPROJECT_TOML, find_config_file
from .._request import DEFAULT_MAX_BODY_SIZE
from .._static import PUBLIC_DIR, public_routes
from .._version import __version__

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from .._routing._loader import LoadedRoute
    from .._routing._project import Project

__all__ = [
    "configure_logging",
    "print_banner",
    "print_error",
    "print_route_table",
    "route_rows",
    "stderr_console",
    "stdout_console",
]

logger = logging.getLogger("routetree")

KIND_SYMBOLS = {"static": "○", "prerendered": "●", "dynamic": "ƒ", "file": "□"}
LEGEND = (
    "○  (Static)       a cacheable GET (force-static, error or revalidate)\n"
    "●  (Prerendered)  a cacheable GET per param (uses generate_static_params)\n"
    "ƒ  (Dynamic)      runs on every request"
)
FILE_LEGEND = "□  (File)         a file of public/, served as it is"


def stdout_console() -> Console:
    """A console on stdout that highlights nothing by itself."""
    return Console(highlight=False)


def stderr_console() -> Console:
    """A console on stderr that highlights nothing by itself."""
    return Console(stderr=True, highlight=False)


def configure_logging() -> None:
    """Send routetree's and uvicorn's log records to stderr.

    Rich formatting for a person at a terminal; one plain line per record for log files,
    containers and test suites, which read the log line by line.
    """
    handler: logging.Handler
    if sys.stderr.isatty():
        handler = RichHandler(console=stderr_console(), show_path=False, markup=False)
        fmt = "%(message)s"
    else:
        handler = logging.StreamHandler(sys.stderr)
        fmt = "%(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=logging.INFO, format=fmt, handlers=[handler], force=True)


def print_error(message: str) -> None:
    """Print ``Error: <message>`` to stderr, the message verbatim."""
    text = Text("Error: ", style="bold red")
    text.append(message)
    stderr_console().print(text, soft_wrap=True)


def print_banner(
    mode: str,
    url: str,
    env_files: list[Path],
    routes: int | None = None,
    *,
    using: list[str] | None = None,
) -> None:
    """Print the start-up lines: version, URL, environment files, route count.

    ``using`` names the project files beside ``app/`` that change how requests are
    served (see `project_files`).
    """
    console = stdout_console()
    console.print(Text(f"▲ routetree {__version__} ({mode})", style="bold"))
    console.print(Text(f"  - Local:        {url}"))
    if env_files:
        names = ", ".join(file.name for file in env_files)
        console.print(Text(f"  - Environments: {names}"))
    if using:
        console.print(Text(f"  - Using:        {', '.join(using)}"))
    if routes is not None:
        console.print(Text(f"  - Routes:       {routes}"))
    sys.stdout.flush()


def route_rows(project: Project) -> list[dict[str, object]]:
    """The route table as data: path, methods, kind and file of each route.

    The files of ``public/`` follow the routes, as rows of kind ``"file"``.
    """
    files, _ = public_files(project)
    rows: list[dict[str, object]] = [
        {
            "path": route.definition.path,
            "methods": route.exports,
            "kind": route.kind,
            "file": route.definition.relative_file,
        }
        for route in project.routes
    ]
    rows += [
        {
            "path": file.definition.path,
            "methods": sorted(file.handlers),
            "kind": "file",
            "file": file.definition.relative_file,
        }
        for file in files
    ]
    return rows


def public_files(project: Project) -> tuple[list[LoadedRoute], list[str]]:
    """The files of ``public/`` served beside the routes, and the warnings about it.

    Each warning (a file a route shadows, a link out of ``public/``) is also
    logged, as the routes' lint warnings are when they load.
    """
    files, warnings = public_routes(project.directory, project.routes)
    for warning in warnings:
        logger.warning(warning)
    return files, warnings


def project_files(directory: Path) -> list[str]:
    """The files beside ``app/`` that change how requests are served, by name.

    ``middleware.py``/``proxy.py``, ``instrumentation.py``, ``public/`` and the config
    file (see `routetree._config._file.find_config_file`). Only their presence is
    checked: the banner is printed before they load.
    """
    candidates = ("middleware.py", "proxy.py", "instrumentation.py")
    names = [name for name in candidates if (directory / name).is_file()]
    if (directory / PUBLIC_DIR).is_dir():
        names.append(f"{PUBLIC_DIR}/")
    config_file = find_config_file(directory)
    if config_file is not None:
        names.append(_config_label(config_file))
    return names


def _config_label(config_file: Path) -> str:
    if config_file.name == PYPROJECT_TOML:
        return f"{PYPROJECT_TOML} [tool.routetree]"
    return config_file.name


def project_extras(project: Project) -> list[str]:
    """One line each for the middleware and the config, as ``next build`` lists Proxy.

    For example ``ƒ Middleware  middleware.py, for /api/admin/:path*`` and
    ``⚙ Config      routetree.toml: CORS for 1 origin, 2 redirects``.
    """
    lines = []
    middleware = project.middleware
    if middleware is not None:
        paths = (
            "every path"
            if middleware.rules is None
            else ", ".join(rule.pattern.source for rule in middleware.rules)
        )
        lines.append(f"ƒ Middleware  {middleware.file}, for {paths}")
    config = project.config
    config_file = find_config_file(project.directory)
    if config is not None and config_file is not None:
        parts = [f"base_path {config.base_path}"] if config.base_path else []
        if config.trailing_slash:
            parts.append("trailing_slash")
        if config.max_body_size != DEFAULT_MAX_BODY_SIZE:
            parts.append(f"max_body_size {config.max_body_size:,} bytes")
        if config.trusted_proxies:
            parts.append(_count(len(config.trusted_proxies), "trusted proxy", ""))
        if config.cors is not None:
            parts.append(_count(len(config.cors.origins), "origin", "CORS for "))
        rewrites = config.rewrites
        for number, noun in (
            (len(config.headers), "header rule"),
            (len(config.redirects), "redirect"),
            (
                len(rewrites.before_files + rewrites.after_files + rewrites.fallback),
                "rewrite",
            ),
        ):
            if number:
                parts.append(_count(number, noun))
        lines.append(
            f"⚙ Config      {_config_label(config_file)}: "
            f"{', '.join(parts) or 'defaults'}"
        )
    return lines


def _count(number: int, noun: str, prefix: str = "") -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{prefix}{number} {noun if number == 1 else plural}"


def print_route_table(
    project: Project, prerendered: Mapping[str, list[str]] | None = None
) -> list[str]:
    """Print the route table with ``next build``'s symbols and legend.

    The files of ``public/`` follow the routes, as rows of kind ``file``. The paths
    ``build`` rendered for a dynamic route (``prerendered``, by route file) follow
    its row, one ``prerendered`` row each, as ``next build`` lists them.

    Returns:
        The warnings about ``public/`` (see `public_files`), for ``build`` to list.
    """
    table = Table(box=None, header_style="bold")
    for column in ("Route", "Methods", "Kind", "File"):
        table.add_column(column, overflow="fold")
    files, warnings = public_files(project)
    rows = [(route, route.kind) for route in project.routes]
    rows += [(file, "file") for file in files]
    for route, kind in rows:
        file = route.definition.relative_file
        table.add_row(
            Text(f"{KIND_SYMBOLS[kind]} {route.definition.path}"),
            Text(", ".join(route.exports)),
            Text(kind),
            Text(file),
        )
        paths = (prerendered or {}).get(file, [])
        if route.definition.is_dynamic:
            for number, path in enumerate(paths, 1):
                branch = "└" if number == len(paths) else "├"
                table.add_row(
                    Text(f"  {branch} {path}"),
                    Text("GET"),
                    Text("prerendered"),
                    Text(file),
                )
    # Piped output (CI logs, grep) gets no terminal width: never fold a path there.
    console = (
        stdout_console()
        if sys.stdout.isatty()
        else Console(highlight=False, width=10_000)
    )
    console.print(table)
    extras = project_extras(project)
    if extras:
        console.print()
        for line in extras:
            console.print(Text(line))
    console.print()
    console.print(Text(LEGEND + (f"\n{FILE_LEGEND}" if files else "")))
    return warnings
