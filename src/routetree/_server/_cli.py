"""The ``routetree`` commands (a click group): dev, build, start, routes, openapi, new.

Every command takes the project folder (default ``.``). A broken project is one
message naming the file and the fix, with exit code 1; ``--debug`` shows the Python
traceback too.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import anyio
import click
import orjson
from click.core import ParameterSource

from .._app import create_app
from .._cache._prerender import prerender
from .._config._env import env_files, load_env
from .._errors import ConfigError, RouteTreeError
from .._routing._manifest import write_manifest
from .._routing._project import Project, load_project
from .._version import __version__
from ._console import (
    configure_logging,
    print_banner,
    print_error,
    print_route_table,
    project_files,
    route_rows,
    stdout_console,
)
from ._limits import (
    HTTP_PARSERS,
    ServerLimits,
    available_http_parsers,
    default_http_parser,
)
from ._log_format import (
    LOG_FORMATS,
    LOG_LEVELS,
    LogSettings,
    announce,
    configure_server_logging,
    report_error,
)
from ._new_project import create_project
from ._serve import (
    SERVERS,
    PortInUseError,
    bind_socket,
    display_url,
    project_health,
    project_limits,
    run_workers,
    serve,
)

if TYPE_CHECKING:
    import socket

    from ._log_format import LogFormat

__all__ = ["cli", "main"]

_DIRECTORY = click.argument(
    "directory", default=".", type=click.Path(file_okay=False, path_type=Path)
)
_HOST_HELP = "Interface to listen on. [env: HOST]"
_PORT_HELP = "Port to listen on; 0 picks a free one. [env: PORT]"
# Where start keeps its LogSettings in the click context, for _fail.
_LOGS = "routetree.logs"
_HTTP = click.option(
    "--http",
    type=click.Choice(HTTP_PARSERS),
    help="HTTP parser. [default: httptools if installed, else h11]",
)


if TYPE_CHECKING:
    _IntType = click.ParamType[int]
else:  # click before 8.2 has no type parameter
    _IntType = click.ParamType


class _Port(_IntType):
    """A TCP port, 0 to 65535: anything else is a one-line usage error (exit 2)."""

    name = "integer"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number: int | None = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                number = None
        if number is None or not 0 <= number <= 65535:
            from_env = (
                ctx is not None
                and param is not None
                and param.name is not None
                and ctx.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT
            )
            where = " (from the PORT environment variable)" if from_env else ""
            self.fail(
                f"{value}{where} is not a port: use a number from 0 to 65535 "
                "(0 picks a free port).",
                param,
                ctx,
            )
        return number


def _fail(exc: Exception) -> NoReturn:
    context = click.get_current_context()
    if context.find_root().params.get("debug"):
        raise exc
    logs = context.meta.get(_LOGS)
    if isinstance(logs, LogSettings):
        report_error(str(exc), logs)
    else:
        print_error(str(exc))
    sys.exit(1)


def _banner(
    logs: LogSettings,
    mode: str,
    url: str,
    env_files: list[Path],
    routes: int | None,
    using: list[str],
) -> None:
    """The start-up banner: `print_banner`'s lines, or one JSON object."""
    if not logs.is_json:
        print_banner(mode, url, env_files, routes, using=using)
        return
    parts = [f"routetree {__version__} ({mode}) on {url}"]
    if env_files:
        parts.append("environments: " + ", ".join(file.name for file in env_files))
    if using:
        parts.append("using: " + ", ".join(using))
    if routes is not None:
        parts.append(f"routes: {routes}")
    announce("; ".join(parts))


def _bind(host: str, port: int) -> socket.socket:
    try:
        return bind_socket(host, port)
    except PortInUseError as exc:
        _fail(exc)


def _http_parser(choice: str | None) -> str:
    if choice is None:
        return default_http_parser()
    if choice not in available_http_parsers():
        raise click.BadParameter(
            f"{choice} is not installed: pip install {choice}, or use --http h11.",
            param_hint="--http",
        )
    return choice


def _server_limits(directory: Path) -> ServerLimits:
    """Read only the ``[server]`` limits (the workers load the whole project)."""
    from .._config._loading import load_config

    try:
        return load_config(directory).server.limits
    except ConfigError as exc:
        _fail(exc)


def _load(directory: Path) -> Project:
    try:
        return load_project(directory)
    except RouteTreeError as exc:
        _fail(exc)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="routetree")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
def cli(debug: bool) -> None:
    """Serve a folder of Next.js-style route.py files over ASGI.

    \b
    Examples:
      routetree new myapi && routetree dev myapi
      routetree build . && routetree start . --port 8000
      routetree openapi . --output openapi.json
    """


@cli.command()
@_DIRECTORY
@click.option(
    "--host", envvar="HOST", default="127.0.0.1", show_default=True, help=_HOST_HELP
)
@click.option(
    "--port",
    envvar="PORT",
    default=3000,
    show_default=True,
    type=_Port(),
    help=_PORT_HELP,
)
@_HTTP
def dev(directory: Path, host: str, port: int, http: str | None) -> None:
    """Serve in dev mode: reload on every change, tracebacks in 500s, request log.

    \b
    Example:
      routetree dev . --port 3000
    """
    from ._dev import run_dev

    configure_logging()
    http = _http_parser(http)
    directory = directory.resolve()
    if not (directory / "app").is_dir():
        _fail(
            RouteTreeError(
                f"No app/ folder in {directory}: create one, e.g. with "
                "routetree new, or pass the folder that contains app/."
            )
        )
    sock = _bind(host, port)
    print_banner(
        "dev",
        display_url(sock),
        env_files(directory, "development"),
        using=project_files(directory),
    )
    run_dev(directory, sock, http=http)


@cli.command()
@_DIRECTORY
def build(directory: Path) -> None:
    """Import every route, validate the tree, print the table, write .routetree/.

    Exits non-zero on any error, naming the file.

    \b
    Example:
      routetree build .
    """
    configure_logging()
    # build prints each warning itself, under the table: not twice.
    logging.getLogger("routetree").setLevel(logging.ERROR)
    directory = directory.resolve()
    load_env(directory, "production")
    project = _load(directory)
    try:
        prerendered = anyio.run(prerender, project)
    except RouteTreeError as exc:
        _fail(exc)
    public_warnings = print_route_table(project, prerendered)
    path = write_manifest(project)
    console = stdout_console()
    console.print()
    count = len(project.routes)
    rendered = sum(len(paths) for paths in prerendered.values())
    console.print(
        f"✓ Built {count} route{'' if count == 1 else 's'}"
        + (
            f", prerendered {rendered} answer{'' if rendered == 1 else 's'}"
            if rendered
            else ""
        )
        + f"; manifest: {path.relative_to(directory).as_posix()}",
        markup=False,
    )
    for warning in [*project.warnings, *public_warnings]:
        console.print(f"⚠ {warning}", style="yellow", markup=False)


@cli.command()
@_DIRECTORY
@click.option(
    "--host", envvar="HOST", default="0.0.0.0", show_default=True, help=_HOST_HELP
)
@click.option(
    "--port",
    envvar="PORT",
    default=3000,
    show_default=True,
    type=_Port(),
    help=_PORT_HELP,
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes sharing the port.",
)
@click.option(
    "--server",
    type=click.Choice(SERVERS),
    default="uvicorn",
    show_default=True,
    help="The HTTP server: uvicorn, or granian (Rust; faster on GETs).",
)
@_HTTP
@click.option(
    "--access-log",
    is_flag=True,
    help="Write one line per request to stdout, and give each an x-request-id.",
)
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default="text",
    show_default=True,
    help="text: timestamped lines; json: one JSON object per line.",
)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS),
    default="info",
    show_default=True,
    help="The lowest level of log record written to stderr.",
)
def start(
    directory: Path,
    host: str,
    port: int,
    workers: int,
    server: str,
    http: str | None,
    access_log: bool,
    log_format: LogFormat,
    log_level: str,
) -> None:
    """Serve in production mode (uses a fresh .routetree/ from build).

    SIGTERM or SIGINT: the readiness endpoint (config health) answers 503 for
    [server] shutdown_delay (0 s), then the server stops accepting and lets
    in-flight requests finish, for up to [server] shutdown_timeout (30 s), runs
    shutdown() and exits 0.

    \b
    Examples:
      routetree start . --port 8000 --workers 2
      routetree start . --server granian --workers 4
      routetree start . --access-log --log-format json
    """
    logs = LogSettings(log_format, log_level, access_log)
    configure_server_logging(logs)
    click.get_current_context().meta[_LOGS] = logs
    http = _http_parser(http)
    directory = directory.resolve()
    files = env_files(directory, "production")
    if workers > 1:
        if not (directory / "app").is_dir():
            _fail(RouteTreeError(f"No app/ folder in {directory}."))
        limits = _server_limits(directory)
        sock = _bind(host, port)
        _banner(
            logs,
            f"production, {workers} workers",
            display_url(sock),
            files,
            None,
            project_files(directory),
        )
        sys.exit(
            run_workers(
                directory,
                sock,
                workers,
                http=http,
                limits=limits,
                logs=logs,
                server=server,
            )
        )
    try:
        app = create_app(directory, use_manifest=True)
    except RouteTreeError as exc:
        _fail(exc)
    sock = _bind(host, port)
    _banner(
        logs,
        "production",
        display_url(sock),
        files,
        len(app.project.routes),
        project_files(directory),
    )
    limits = project_limits(app.project.config)
    health = project_health(app.project.config)
    if server == "granian":
        from ._granian import serve_granian

        serve_granian(app, sock, limits=limits, logs=logs, health=health)
    serve(
        app,
        sock,
        http=http,
        limits=limits,
        logs=logs,
        health=health,
        ws_max_size=app.max_message_size,
    )


@cli.command()
@_DIRECTORY
@click.option(
    "--json", "as_json", is_flag=True, help="Write the table as JSON to stdout."
)
def routes(directory: Path, as_json: bool) -> None:
    """Print the route table: path, methods, kind and file.

    \b
    Example:
      routetree routes . --json
    """
    configure_logging()
    directory = directory.resolve()
    load_env(directory, "production")  # route modules may read it when imported
    project = _load(directory)
    if as_json:
        sys.stdout.write(
            orjson.dumps(route_rows(project), option=orjson.OPT_INDENT_2).decode()
            + "\n"
        )
        return
    print_route_table(project)


@cli.command()
@_DIRECTORY
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the document to FILE instead of stdout.",
)
def openapi(directory: Path, output: Path | None) -> None:
    """Print the project's OpenAPI 3.1 document as JSON (keys sorted).

    Imports every route as build does. Title and version come from [openapi] in
    routetree.toml, else from pyproject.toml; the document is printed whether or
    not the server serves it.

    \b
    Examples:
      routetree openapi . > openapi.json
      routetree openapi . --output openapi.json
    """
    from .._openapi._document import build_openapi
    from .._openapi._settings import document_info, settings_of

    configure_logging()
    directory = directory.resolve()
    load_env(directory, "production")  # route modules may read it when imported
    project = _load(directory)
    title, version = document_info(settings_of(project), directory)
    try:
        document = build_openapi(project, title=title, version=version)
    except RouteTreeError as exc:
        _fail(exc)
    text = orjson.dumps(
        document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
    ).decode()
    if output is None:
        sys.stdout.write(text + "\n")
        return
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        _fail(OSError(f"Cannot write {output}: {exc.strerror or exc}."))
    count = len(document["paths"])
    stdout_console().print(
        f"✓ Wrote {output} ({count} path{'' if count == 1 else 's'})",
        markup=False,
        soft_wrap=True,
    )


@cli.command()
@click.argument("name", type=click.Path(file_okay=False, path_type=Path))
def new(name: Path) -> None:
    """Create a new project that `routetree dev NAME` serves at once.

    \b
    Example:
      routetree new myapi && routetree dev myapi
    """
    try:
        created = create_project(name)
    except FileExistsError as exc:
        _fail(exc)
    console = stdout_console()
    console.print(f"✓ Created {name}/ with {len(created)} files.", markup=False)
    console.print("  Next: routetree dev " + str(name), markup=False)


def main() -> None:
    """Run the ``routetree`` command line."""
    cli(prog_name="routetree")
