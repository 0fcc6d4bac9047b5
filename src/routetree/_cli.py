"""The ``routetree`` command line (a click group).

``routetree start [DIR]`` serves a project in production mode; ``routetree routes [DIR]``
prints its route table. Errors in the project are one clear message and exit code 1, not a
traceback.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
import orjson
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table
from rich.text import Text

from ._app import RouteTreeApp
from ._errors import RouteTreeError
from ._project import Project, load_project
from ._server import PortInUseError, bind_socket, display_url, serve
from ._version import __version__

__all__ = ["main"]

_KIND_SYMBOLS = {"static": "○", "prerendered": "●", "dynamic": "ƒ"}
_LEGEND = (
    "○  (Static)       cached GET, prerendered on first request\n"
    "●  (Prerendered)  cached GET per param (uses generate_static_params)\n"
    "ƒ  (Dynamic)      runs on every request"
)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def _configure_logging() -> None:
    # Rich formatting for a person at a terminal; one plain line per record for log
    # files, containers and the test suite, which read the log line by line.
    handler: logging.Handler
    if sys.stderr.isatty():
        handler = RichHandler(console=_stderr(), show_path=False, markup=False)
        fmt = "%(message)s"
    else:
        handler = logging.StreamHandler(sys.stderr)
        fmt = "%(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=logging.INFO, format=fmt, handlers=[handler], force=True)


def _load(directory: str) -> Project:
    try:
        return load_project(Path(directory))
    except RouteTreeError as exc:
        _stderr().print(f"[bold red]Error:[/] {exc}", markup=True, soft_wrap=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="routetree")
def cli() -> None:
    """Serve a folder of Next.js-style route.py files over ASGI.

    Example: routetree start ./myproject --port 8000
    """


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option(
    "--host", envvar="HOST", default="0.0.0.0", show_default=True, help="Interface."
)
@click.option(
    "--port",
    envvar="PORT",
    default=3000,
    show_default=True,
    type=int,
    help="Port; 0 picks a free one.",
)
def start(directory: str, host: str, port: int) -> None:
    """Serve the project in production mode.

    Example: routetree start . --port 8000
    """
    _configure_logging()
    project = _load(directory)
    app = RouteTreeApp(project, dev=False)
    try:
        sock = bind_socket(host, port)
    except PortInUseError as exc:
        _stderr().print(f"Error: {exc}")
        sys.exit(1)
    console = Console(highlight=False)
    console.print(f"[bold]▲ routetree {__version__}[/]")
    console.print(f"  - Local:  {display_url(sock)}")
    console.print(f"  - Routes: {len(project.routes)}")
    sys.stdout.flush()
    serve(app, sock)


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option(
    "--json", "as_json", is_flag=True, help="Write the table as JSON to stdout."
)
def routes(directory: str, as_json: bool) -> None:
    """Print the route table: path, methods, kind and file.

    Example: routetree routes . --json
    """
    _configure_logging()
    project = _load(directory)
    rows = [
        {
            "path": route.definition.path,
            "methods": sorted(route.handlers),
            "kind": route.kind,
            "file": route.definition.relative_file,
        }
        for route in project.routes
    ]
    if as_json:
        sys.stdout.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    table = Table(box=None, header_style="bold")
    for column in ("Route", "Methods", "Kind", "File"):
        table.add_column(column, overflow="fold")
    for row in rows:
        kind = str(row["kind"])
        table.add_row(
            Text(f"{_KIND_SYMBOLS[kind]} {row['path']}"),
            Text(", ".join(row["methods"])),
            Text(kind),
            Text(str(row["file"])),
        )
    console = Console(highlight=False)
    console.print(table)
    console.print()
    console.print(_LEGEND)


def main() -> None:
    """Run the ``routetree`` command line."""
    cli(prog_name="routetree")
