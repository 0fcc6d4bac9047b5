"""routetree._server._log_format: how ``routetree start`` writes its log records."""

from __future__ import annotations

import io
import logging
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
import orjson
import pytest

from routetree._server._log_format import (
    JSONFormatter,
    LogSettings,
    TextFormatter,
    announce,
    utc_time,
)
from routetree._server._request_id import CURRENT_REQUEST_ID
from tests.server.logged_server import logged_server

if TYPE_CHECKING:
    from tests.conftest import MakeProject

TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00"


def _record(message: str = "hello %s", *, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("boom")
        except ValueError:
            exc_info = sys.exc_info()
    record = logging.LogRecord(
        "app.db", logging.WARNING, __file__, 1, message, ("world",), exc_info
    )
    record.created = 1748779200.1234  # 2025-06-01T12:00:00.123Z
    return record


def test_utc_time_is_iso_8601_with_its_offset_to_the_millisecond() -> None:
    assert utc_time(1748779200.1234) == "2025-06-01T12:00:00.123+00:00"
    now = datetime.now(UTC).timestamp()
    assert re.fullmatch(TIME, utc_time(now))


@pytest.mark.parametrize(
    "seconds",
    [0.0, 0.0004, 0.0005, 59.9995, 1748779200.999, 1748779201.0, 4102444799.9994],
)
def test_utc_time_agrees_with_datetime(seconds: float) -> None:
    expected = datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")
    assert utc_time(seconds) == expected
    assert utc_time(seconds) == expected  # again, from the second it kept


def test_text_record() -> None:
    assert (
        TextFormatter().format(_record())
        == "2025-06-01T12:00:00.123+00:00 WARNING app.db: hello world"
    )


def test_text_record_during_a_request_names_its_id() -> None:
    token = CURRENT_REQUEST_ID.set("abc-1")
    try:
        line = TextFormatter().format(_record())
    finally:
        CURRENT_REQUEST_ID.reset(token)
    assert line == "2025-06-01T12:00:00.123+00:00 WARNING app.db [abc-1]: hello world"


def test_text_record_with_an_exception_has_its_traceback_below() -> None:
    first, *rest = TextFormatter().format(_record(exc=True)).splitlines()
    assert first == "2025-06-01T12:00:00.123+00:00 WARNING app.db: hello world"
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ValueError: boom"


def test_json_record() -> None:
    assert orjson.loads(JSONFormatter().format(_record())) == {
        "time": "2025-06-01T12:00:00.123+00:00",
        "level": "WARNING",
        "logger": "app.db",
        "message": "hello world",
    }


def test_json_record_with_an_id_and_an_exception_is_one_line() -> None:
    token = CURRENT_REQUEST_ID.set("abc-1")
    try:
        line = JSONFormatter().format(_record("multi\nline %s", exc=True))
    finally:
        CURRENT_REQUEST_ID.reset(token)
    assert "\n" not in line
    record = orjson.loads(line)
    assert list(record) == [
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "exception",
    ]
    assert record["message"] == "multi\nline world"
    assert record["request_id"] == "abc-1"
    assert record["exception"].startswith("Traceback (most recent call last):\n")
    assert record["exception"].endswith("ValueError: boom")


def test_json_record_with_a_stack() -> None:
    record = _record()
    record.stack_info = "Stack (most recent call last):\n  File x"
    assert orjson.loads(JSONFormatter().format(record))["exception"] == (
        "Stack (most recent call last):\n  File x"
    )


def test_announce_writes_a_record_shaped_object() -> None:
    buffer = io.StringIO()
    announce("Ready: 2 routes", buffer)
    [line] = buffer.getvalue().splitlines()
    record = orjson.loads(line)
    assert list(record) == ["time", "level", "logger", "message"]
    assert re.fullmatch(TIME, record["time"])
    assert (record["level"], record["logger"], record["message"]) == (
        "INFO",
        "routetree",
        "Ready: 2 routes",
    )


@pytest.mark.parametrize(
    ("settings", "args"),
    [
        pytest.param(
            LogSettings(), ["--log-format", "text", "--log-level", "info"], id="default"
        ),
        pytest.param(
            LogSettings("json", "warning", access_log=True),
            ["--log-format", "json", "--log-level", "warning", "--access-log"],
            id="all",
        ),
    ],
)
def test_settings_pass_to_workers_as_options(
    settings: LogSettings, args: list[str]
) -> None:
    assert settings.worker_args() == args


# Through the real command.

PROJECT = {
    "app/api/levels/route.py": """
    import logging
    import warnings

    from routetree import Response

    log = logging.getLogger("levels")
    warnings.warn("a python warning", stacklevel=1)

    def GET():
        log.debug("a debug record")
        log.info("an info record")
        log.warning("a warning record")
        log.error("an error record")
        return Response("logged")
    """,
}


def _levels(lines: list[str], logger: str) -> list[str]:
    records = [orjson.loads(line) for line in lines]
    return [str(r["level"]) for r in records if r["logger"] == logger]


@pytest.mark.parametrize(
    ("level", "written"),
    [
        pytest.param("debug", ["DEBUG", "INFO", "WARNING", "ERROR"], id="debug"),
        pytest.param("info", ["INFO", "WARNING", "ERROR"], id="info"),
        pytest.param("warning", ["WARNING", "ERROR"], id="warning"),
        pytest.param("error", ["ERROR"], id="error"),
    ],
)
def test_log_level_sets_the_lowest_record_written(
    make_project: MakeProject, level: str, written: list[str]
) -> None:
    project = make_project(PROJECT)
    args = ("--log-format", "json", "--log-level", level, "--access-log")
    with logged_server(project, *args) as server:
        assert httpx.get(f"{server.url}/api/levels", timeout=10).text == "logged"
        assert server.stop() in (0, -signal.SIGTERM)

    assert _levels(server.stderr, "levels") == written
    # Python's warnings are records too (the route is imported once, at start).
    assert _levels(server.stderr, "py.warnings") == (
        ["WARNING"] if level != "error" else []
    )
    uvicorn_info = [line for line in server.stderr if "Application startup" in line]
    assert bool(uvicorn_info) == (level in ("debug", "info"))
    # Neither the banner nor the access log is a record of a level.
    assert server.url in server.stdout[0]
    assert [orjson.loads(line).get("path") for line in server.stdout[1:]] == [
        "/api/levels"
    ]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_project_that_cannot_start_is_a_json_error_record(
    make_project: MakeProject, workers: str
) -> None:
    project = make_project({"app/api/x/route.py": "import missing_module\n"})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "routetree",
            "start",
            str(project),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--workers",
            workers,
            "--log-format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    # The banner of --workers comes first: the workers load the project.
    assert all(orjson.loads(line) for line in result.stdout.splitlines())
    errors = [orjson.loads(line) for line in result.stderr.splitlines()]
    assert errors, result.stderr
    for record in errors:
        assert (record["level"], record["logger"]) == ("ERROR", "routetree")
        assert record["message"].startswith("Failed to import app/api/x/route.py:")
        assert "No module named 'missing_module'" in record["message"]
