"""Project config: routetree.toml / [tool.routetree], every key valid and invalid."""

from __future__ import annotations

import ipaddress
import textwrap
from typing import TYPE_CHECKING

import pytest

from routetree._config._conditions import Condition
from routetree._config._loading import load_config
from routetree._config._patterns import PathPattern
from routetree._config._project_config import (
    DEFAULT_CORS_METHODS,
    CorsConfig,
    ProjectConfig,
)
from routetree._config._rules import HeaderEntry, RewritesConfig
from routetree._errors import ConfigError
from routetree._request import DEFAULT_MAX_BODY_SIZE
from routetree._server._limits import ServerLimits

if TYPE_CHECKING:
    from pathlib import Path

    from routetree._types import Params


def _write(project: Path, name: str, text: str) -> Path:
    (project / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return project


def _load(tmp_path: Path, toml: str) -> ProjectConfig:
    return load_config(_write(tmp_path, "routetree.toml", toml))


def _error(tmp_path: Path, toml: str) -> str:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, toml)
    return str(info.value)


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == ProjectConfig()
    assert config.base_path == ""
    assert config.trailing_slash is False
    assert config.max_body_size == DEFAULT_MAX_BODY_SIZE == 10 * 1024 * 1024
    assert config.max_fields == 1000
    assert config.max_files == 1000
    assert config.max_part_size == 1024 * 1024
    assert config.trusted_proxies == ()
    assert config.cors is None
    assert config.headers == ()
    assert config.redirects == ()
    assert config.rewrites == RewritesConfig()


def test_spec_example_loads(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        """
        base_path = "/v1"
        trailing_slash = false
        max_body_size = "10mb"
        trusted_proxies = ["127.0.0.1"]

        [cors]
        origins = ["https://app.example.com"]
        methods = ["GET", "POST"]
        headers = ["content-type", "authorization"]
        credentials = true
        max_age = 600

        [[headers]]
        source = "/api/:path*"
        headers = [{ key = "x-frame-options", value = "DENY" }]

        [[redirects]]
        source = "/api/old/:id"
        destination = "/api/users/:id"
        permanent = true

        [[rewrites]]
        source = "/api/alias/:id"
        destination = "/api/users/:id"
        """,
    )
    assert config.base_path == "/v1"
    assert config.cors == CorsConfig(
        origins=("https://app.example.com",),
        methods=("GET", "POST"),
        headers=("content-type", "authorization"),
        credentials=True,
        max_age=600,
    )
    [header_rule] = config.headers
    assert header_rule.pattern == PathPattern("/api/:path*")
    assert header_rule.headers == (HeaderEntry(key="x-frame-options", value="DENY"),)
    [redirect] = config.redirects
    assert redirect.status == 308
    params = redirect.pattern.match("/api/old/42") or {}
    assert redirect.fill_url(params, "") == "/api/users/42"
    [rewrite] = config.rewrites.after_files
    assert config.rewrites.before_files == config.rewrites.fallback == ()
    assert rewrite.fill_url({"id": "a b"}, "") == "/api/users/a%20b"
    assert rewrite.fill_url({"id": "7"}, "x=1") == "/api/users/7?x=1"


VALID: list[tuple[str, str, object]] = [
    ('base_path = ""', "base_path", ""),
    ('base_path = "/v1"', "base_path", "/v1"),
    ('base_path = "/docs/v2"', "base_path", "/docs/v2"),
    ("trailing_slash = true", "trailing_slash", True),
    ("max_body_size = 1024", "max_body_size", 1024),
    ("max_body_size = 0", "max_body_size", 0),
    ('max_body_size = "512kb"', "max_body_size", 512 * 1024),
    ('max_body_size = "1GB"', "max_body_size", 1024**3),
    ("max_fields = 5000", "max_fields", 5000),
    ("max_fields = 0", "max_fields", 0),
    ("max_files = 10", "max_files", 10),
    ("max_files = 0", "max_files", 0),
    ("max_part_size = 4096", "max_part_size", 4096),
    ('max_part_size = "2mb"', "max_part_size", 2 * 1024 * 1024),
    ("max_message_size = 4096", "max_message_size", 4096),
    ('max_message_size = "20mb"', "max_message_size", 20 * 1024 * 1024),
    ("trusted_proxies = []", "trusted_proxies", ()),
    (
        'trusted_proxies = ["127.0.0.1", "::1", "10.0.0.0/8", "fd00::/8"]',
        "trusted_proxies",
        ("127.0.0.1", "::1", "10.0.0.0/8", "fd00::/8"),
    ),
]


@pytest.mark.parametrize(
    ("toml", "key", "expected"), VALID, ids=[toml for toml, _, _ in VALID]
)
def test_valid_top_level_value(
    tmp_path: Path, toml: str, key: str, expected: object
) -> None:
    assert getattr(_load(tmp_path, toml), key) == expected


def test_server_defaults_are_the_server_limits(tmp_path: Path) -> None:
    assert load_config(tmp_path).server.limits == ServerLimits(
        header_timeout=10,
        body_timeout=30,
        keep_alive_timeout=5,
        max_header_size=16 * 1024,
        max_headers=100,
        max_pipelined=16,
        limit_concurrency=None,
        shutdown_delay=0,
        shutdown_timeout=30,
        ws_ping_interval=20,
        ws_ping_timeout=20,
    )


def test_server_table_sets_every_limit(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        """
        [server]
        header_timeout = 2.5
        body_timeout = 60
        keep_alive_timeout = 0
        max_header_size = "8kb"
        max_headers = 50
        max_pipelined = 0
        limit_concurrency = 200
        shutdown_delay = 5
        shutdown_timeout = 10
        ws_ping_interval = 0
        ws_ping_timeout = 2.5
        """,
    )
    assert config.server.limits == ServerLimits(
        header_timeout=2.5,
        body_timeout=60,
        keep_alive_timeout=0,
        max_header_size=8192,
        max_headers=50,
        max_pipelined=0,
        limit_concurrency=200,
        shutdown_delay=5,
        shutdown_timeout=10,
        ws_ping_interval=0,
        ws_ping_timeout=2.5,
    )


def test_server_table_is_read_from_pyproject(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", "[tool.routetree.server]\nmax_headers = 20\n")
    assert load_config(tmp_path).server.max_headers == 20


def test_trusted_networks(tmp_path: Path) -> None:
    config = _load(tmp_path, 'trusted_proxies = ["127.0.0.1", "10.0.0.0/8"]')
    assert config.trusted_networks == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
    )


CORS_VALID: list[tuple[str, str, object]] = [
    ('origins = ["*"]', "origins", ("*",)),
    ('origins = ["https://App.Example.com"]', "origins", ("https://app.example.com",)),
    ('origins = ["http://localhost:3000"]', "origins", ("http://localhost:3000",)),
    ('origins = ["http://[::1]:8000"]', "origins", ("http://[::1]:8000",)),
    ('origins = ["https://*.A.test"]', "origins", ("https://*.a.test",)),
    ('origins = ["*"]', "methods", DEFAULT_CORS_METHODS),
    ('origins = ["*"]\nmethods = ["get", "post"]', "methods", ("GET", "POST")),
    ('origins = ["*"]\nheaders = ["Content-Type"]', "headers", ("content-type",)),
    ('origins = ["*"]\nexpose_headers = ["X-Total"]', "expose_headers", ("x-total",)),
    ('origins = ["*"]', "credentials", False),
    ('origins = ["https://a.test"]\ncredentials = true', "credentials", True),
    ('origins = ["*"]\nmax_age = 0', "max_age", 0),
    ('origins = ["*"]', "max_age", None),
]


@pytest.mark.parametrize(
    ("toml", "key", "expected"),
    CORS_VALID,
    ids=[f"{key}: {toml}" for toml, key, _ in CORS_VALID],
)
def test_valid_cors_value(
    tmp_path: Path, toml: str, key: str, expected: object
) -> None:
    cors = _load(tmp_path, f"[cors]\n{toml}").cors
    assert cors is not None
    assert getattr(cors, key) == expected


INVALID: list[tuple[str, str]] = [
    # base_path
    (
        'base_path = "v1"',
        "base_path: 'v1' is not a base path: it must start with \"/\"",
    ),
    ('base_path = "/v1/"', "base_path: '/v1/' is not a base path"),
    ('base_path = "/"', "base_path: '/' is not a base path"),
    ('base_path = "/a//b"', "base_path: '/a//b' is not a base path"),
    ('base_path = "/a b"', "base_path: '/a b' is not a base path"),
    ("base_path = 1", "base_path: Input should be a valid string (got 1)"),
    # trailing_slash
    (
        'trailing_slash = "yes"',
        "trailing_slash: Input should be a valid boolean (got 'yes')",
    ),
    ("trailing_slash = 1", "trailing_slash: Input should be a valid boolean (got 1)"),
    # max_body_size
    (
        'max_body_size = "10 potatoes"',
        "max_body_size: max_body_size = '10 potatoes' is not a size",
    ),
    ("max_body_size = -1", "max_body_size: max_body_size = -1 is not a size"),
    ("max_body_size = true", "max_body_size: max_body_size = True is not a size"),
    # form limits
    (
        "max_fields = -1",
        "max_fields: max_fields = -1 is not a count: use a whole number, 0 or more.",
    ),
    (
        'max_fields = "1000"',
        "max_fields: max_fields = '1000' is not a count: use a whole number, 0 or "
        "more.",
    ),
    ("max_fields = 1.5", "max_fields: max_fields = 1.5 is not a count"),
    ("max_files = true", "max_files: max_files = True is not a count"),
    ("max_files = -3", "max_files: max_files = -3 is not a count"),
    (
        'max_part_size = "big"',
        "max_part_size: max_part_size = 'big' is not a size: use a number of bytes or "
        'a string with a unit b, kb, mb or gb, e.g. max_part_size = "1mb".',
    ),
    ("max_part_size = -1", "max_part_size: max_part_size = -1 is not a size"),
    (
        'max_message_size = "lots"',
        "max_message_size: max_message_size = 'lots' is not a size",
    ),
    # trusted_proxies
    (
        'trusted_proxies = ["localhost"]',
        "trusted_proxies[0]: 'localhost' is not an IP address",
    ),
    (
        'trusted_proxies = ["*"]',
        "trusted_proxies[0]: '*' is not an IP address or CIDR network (such as "
        '"127.0.0.1", "::1" or "10.0.0.0/8"); to trust every address, list '
        '"0.0.0.0/0" and "::/0"',
    ),
    (
        'trusted_proxies = ["::1", "10.0.0.1/8"]',
        "trusted_proxies[1]: '10.0.0.1/8' has host bits set",
    ),
    ('trusted_proxies = "127.0.0.1"', "trusted_proxies: Input should be a valid tuple"),
    # cors
    ('cors = "*"', "cors: Input should be a valid dictionary"),
    ("[cors]\nmethods = []", "cors.origins: missing (required)"),
    ("[cors]\norigins = []", "cors.origins: list at least one origin"),
    (
        '[cors]\norigins = ["https://a.test/"]',
        "cors.origins[0]: 'https://a.test/' ends with \"/\"",
    ),
    ('[cors]\norigins = ["null"]', 'cors.origins[0]: "null" is not allowed'),
    ('[cors]\norigins = ["a.test"]', "cors.origins[0]: 'a.test' is not an origin"),
    (
        '[cors]\norigins = ["ftp://a.test"]',
        "cors.origins[0]: 'ftp://a.test' is not an origin",
    ),
    (
        '[cors]\norigins = ["https://*a.test"]',
        "cors.origins[0]: 'https://*a.test' is not an origin pattern: only a "
        "leading subdomain wildcard is supported",
    ),
    (
        '[cors]\norigins = ["https://*.test"]',
        "cors.origins[0]: 'https://*.test' is not an origin pattern",
    ),
    (
        '[cors]\norigins = ["https://a.test"]\nexpose_headers = ["*"]\n'
        "credentials = true",
        'cors: expose_headers = ["*"] cannot be combined with credentials = true',
    ),
    (
        '[cors]\norigins = ["https://a.test/app"]',
        "cors.origins[0]: 'https://a.test/app' is not an origin",
    ),
    (
        '[cors]\norigins = ["https://a.test:x"]',
        "cors.origins[0]: 'https://a.test:x' is not an origin",
    ),
    (
        '[cors]\norigins = ["https://a.test:443"]',
        "cors.origins[0]: 'https://a.test:443' names the default port, which browsers "
        "leave out of the Origin header, so it would never match. Write 'https://a.test'.",
    ),
    (
        '[cors]\norigins = [" https://a.test"]',
        "cors.origins[0]: ' https://a.test' has white space around it, which browsers "
        "never send, so it would never match. Write 'https://a.test'.",
    ),
    (
        '[cors]\norigins = ["https://a.test:65536"]',
        "cors.origins[0]: 'https://a.test:65536' is not an origin",
    ),
    (
        '[cors]\norigins = ["https://*.a.test:443"]',
        "cors.origins[0]: 'https://*.a.test:443' names the default port",
    ),
    (
        '[cors]\norigins = ["ftp://*.a.test"]',
        "cors.origins[0]: 'ftp://*.a.test' is not an origin pattern",
    ),
    (
        '[cors]\norigins = ["*"]\nmethods = ["GET POST"]',
        "cors.methods[0]: 'GET POST' is not an HTTP method",
    ),
    (
        '[cors]\norigins = ["*"]\nheaders = ["a b"]',
        "cors.headers[0]: 'a b' is not a header name",
    ),
    ('[cors]\norigins = ["*"]\nexpose_headers = ["a:b"]', "cors.expose_headers[0]"),
    (
        '[cors]\norigins = ["*"]\ncredentials = "true"',
        "cors.credentials: Input should be a valid boolean",
    ),
    (
        '[cors]\norigins = ["*"]\nmax_age = -1',
        "cors.max_age: Input should be greater than or equal to 0",
    ),
    (
        '[cors]\norigins = ["*"]\nmax_age = 1.5',
        "cors.max_age: Input should be a valid integer",
    ),
    ('[cors]\norigins = ["*"]\nallow = 1', "cors.allow: unknown key 'allow'"),
    # headers
    ('[[headers]]\nsource = "/a"', "headers[0].headers: missing (required)"),
    (
        '[[headers]]\nsource = "/a"\n'
        'headers = [{ key = "Content-Length", value = "1" }]',
        "headers[0].headers[0].key: 'Content-Length' describes how the bytes of each "
        "response are sent, so the server sets it",
    ),
    (
        '[[headers]]\nsource = "/a/:id"\nheaders = [{ key = "x-:nope", value = "1" }]',
        "headers[0]: headers[0].key 'x-:nope' is not a header name: only params of "
        'the source (:id) may follow a ":"',
    ),
    (
        '[[headers]]\nsource = "/a"\nheaders = [{ key = "x\\n", value = "1" }]',
        "headers[0].headers[0].key: 'x\\n' is not a header name",
    ),
    (
        '[[headers]]\nsource = "/a"\nheaders = []',
        "headers[0].headers: list at least one",
    ),
    (
        '[[headers]]\nsource = "a"\nheaders = [{ key = "x", value = "1" }]',
        "headers[0].source: Invalid path pattern 'a': it must start with \"/\"",
    ),
    (
        '[[headers]]\nsource = "/a("\nheaders = [{ key = "x", value = "1" }]',
        "headers[0].source: Invalid path pattern '/a(': unbalanced parentheses",
    ),
    (
        '[[redirects]]\nsource = "/old/:x((?:a|a)+)"\ndestination = "/new"\n'
        "permanent = true",
        "redirects[0].source: Invalid path pattern '/old/:x((?:a|a)+)': the group "
        "((?:a|a)+) repeats alternatives that can match the same text",
    ),
    (
        '[[rewrites]]\nsource = "/old$"\ndestination = "/new"',
        "rewrites[0].source: Invalid path pattern '/old$': \"$\" outside a group",
    ),
    (
        '[[headers]]\nsource = "/a"\nheaders = [{ key = "x y", value = "1" }]',
        "headers[0].headers[0].key: 'x y' is not a header name",
    ),
    (
        '[[headers]]\nsource = "/a"\n'
        'headers = [{ key = "x", value = "a\\r\\nSet-Cookie: b=c" }]',
        "headers[0].headers[0].value: 'a\\r\\nSet-Cookie: b=c' contains a "
        "control character",
    ),
    (
        '[[headers]]\nsource = "/a"\nheaders = [{ key = "x", value = "a\\u0000" }]',
        "headers[0].headers[0].value: 'a\\x00' contains a control character",
    ),
    (
        '[[headers]]\nsource = "/a"\nheaders = [{ key = "x", value = "1", extra = 2 }]',
        "headers[0].headers[0].extra: unknown key 'extra' (allowed: key, value)",
    ),
    (
        '[[headers]]\nsource = "/a"\nheaders = [{ key = "x", value = "1" }]\n'
        'has = [{ type = "body", key = "x" }]',
        "headers[0].has[0].type: Input should be 'header', 'cookie', 'query' or 'host'",
    ),
    (
        '[[headers]]\nsource = "/a"\nheaders = [{ key = "x", value = "1" }]\n'
        'missing = [{ type = "query" }]',
        'headers[0].missing[0]: A "query" condition needs a key',
    ),
    (
        '[[headers]]\nsource = "/a"\nheaders = [{ key = "x", value = "1" }]\n'
        'has = [{ type = "header", key = "x", value = "(" }]',
        "headers[0].has[0]: Invalid condition value '(': it is not a valid "
        "regular expression",
    ),
    # redirects
    (
        '[[redirects]]\nsource = "/a"\npermanent = true',
        "redirects[0].destination: missing (required)",
    ),
    (
        '[[redirects]]\ndestination = "/b"\npermanent = true',
        "redirects[0].source: missing (required)",
    ),
    (
        '[[redirects]]\nsource = "/a"\ndestination = "/b"',
        "redirects[0]: set exactly one of permanent (true -> 308, false -> 307) "
        "or status_code",
    ),
    (
        '[[redirects]]\nsource = "/a"\ndestination = "/b"\npermanent = true\n'
        "status_code = 301",
        "redirects[0]: set exactly one of permanent",
    ),
    (
        '[[redirects]]\nsource = "/a"\ndestination = "/b"\nstatus_code = 200',
        "redirects[0].status_code: 200 is not a redirect status: use one of "
        "301, 302, 303, 307, 308",
    ),
    (
        '[[redirects]]\nsource = "/a"\ndestination = "/b"\npermanent = "yes"',
        "redirects[0].permanent: Input should be a valid boolean",
    ),
    (
        '[[redirects]]\nsource = "/a"\ndestination = "/b"\nstatusCode = 301',
        "redirects[0].statusCode: unknown key 'statusCode': "
        "did you mean 'status_code'?",
    ),
    (
        '[[redirects]]\nsource = "/a/:id"\ndestination = "/b/:slug"\npermanent = true',
        "redirects[0].destination: Invalid destination '/b/:slug': :slug is not "
        "a param of the source or its has conditions (params: :id)",
    ),
    (
        '[[redirects]]\nsource = "/a/:h"\ndestination = "https://:h/x"\n'
        "permanent = true",
        "redirects[0].destination: Invalid destination 'https://:h/x': "
        "a param in the host",
    ),
    (
        '[[redirects]]\nsource = "/a"\ndestination = "//evil.example"\n'
        "permanent = true",
        "redirects[0].destination: Invalid destination '//evil.example': "
        'it must start with a single "/"',
    ),
    (
        '[[redirects]]\nsource = "/a"\ndestination = "/b\\r\\nX: y"\npermanent = true',
        "redirects[0].destination: Invalid destination '/b\\r\\nX: y': "
        "it contains a control character",
    ),
    # rewrites
    ('[[rewrites]]\nsource = "/a"', "rewrites[0].destination: missing (required)"),
    (
        '[[rewrites]]\nsource = "/a"\ndestination = "/b"\npermanent = true',
        "rewrites[0].permanent: unknown key 'permanent' "
        "(allowed: destination, has, missing, source)",
    ),
    (
        '[[rewrites]]\nsource = "/a"\ndestination = "https://other.example/b"',
        "rewrites[0].destination: 'https://other.example/b' is not a path of this app",
    ),
    (
        '[rewrites]\nbefore_files = [{ source = "/a", destination = "/b/:x" }]',
        "rewrites.before_files[0].destination: Invalid destination '/b/:x'",
    ),
    (
        "[rewrites]\nbeforeFiles = []",
        "rewrites.beforeFiles: unknown key 'beforeFiles': did you mean 'before_files'?",
    ),
    ("rewrites = 1", "rewrites: Input should be a valid dictionary"),
    # unknown keys
    (
        'basePath = "/v1"',
        "basePath: unknown key 'basePath': did you mean 'base_path'? "
        "(keys are snake_case)",
    ),
    (
        "maxFields = 10",
        "maxFields: unknown key 'maxFields': did you mean 'max_fields'? "
        "(keys are snake_case)",
    ),
    (
        "trailing_slashes = true",
        "trailing_slashes: unknown key 'trailing_slashes': "
        "did you mean 'trailing_slash'?",
    ),
    (
        "bogus = 1",
        "bogus: unknown key 'bogus' (allowed: allowed_hosts, base_path, "
        "cache_max_entries, cache_max_size, cache_url, cors, headers, health, "
        "max_body_size, max_fields, max_files, max_message_size, max_part_size, "
        "openapi, pubsub_url, redirects, rewrites, server, trailing_slash, "
        "trusted_proxies)",
    ),
    # server
    (
        "[server]\nheader_timeout = 0",
        "server.header_timeout: Input should be greater than 0 (got 0)",
    ),
    (
        '[server]\nbody_timeout = "30s"',
        "server.body_timeout: Input should be a valid number (got '30s')",
    ),
    (
        "[server]\nkeep_alive_timeout = -1",
        "server.keep_alive_timeout: Input should be greater than or equal to 0 "
        "(got -1)",
    ),
    (
        '[server]\nmax_header_size = "big"',
        "server.max_header_size: max_header_size = 'big' is not a size",
    ),
    (
        "[server]\nmax_header_size = 0",
        "server.max_header_size: max_header_size = 0 would refuse every request",
    ),
    (
        "[server]\nmax_headers = 0",
        "server.max_headers: Input should be greater than or equal to 1 (got 0)",
    ),
    (
        "[server]\nmax_pipelined = 1.5",
        "server.max_pipelined: Input should be a valid integer (got 1.5)",
    ),
    (
        "[server]\nlimit_concurrency = 0",
        "server.limit_concurrency: Input should be greater than or equal to 1 (got 0)",
    ),
    (
        "[server]\nws_ping_interval = -1",
        "server.ws_ping_interval: Input should be greater than or equal to 0 (got -1)",
    ),
    (
        "[server]\nshutdown_delay = -1",
        "server.shutdown_delay: Input should be greater than or equal to 0 (got -1)",
    ),
    (
        "[server]\nshutdown_timeout = true",
        "server.shutdown_timeout: Input should be a valid number (got True)",
    ),
    (
        "[server]\nheaderTimeout = 5",
        "server.headerTimeout: unknown key 'headerTimeout': did you mean "
        "'header_timeout'? (keys are snake_case)",
    ),
]


@pytest.mark.parametrize(
    ("toml", "message"), INVALID, ids=[toml.replace("\n", " | ") for toml, _ in INVALID]
)
def test_invalid_value_names_file_and_key(
    tmp_path: Path, toml: str, message: str
) -> None:
    error = _error(tmp_path, toml)
    assert f"routetree.toml: {message}" in error
    assert error.endswith("Fix routetree.toml and start again.")


def test_cors_wildcard_with_credentials_is_refused(tmp_path: Path) -> None:
    error = _error(
        tmp_path, '[cors]\norigins = ["*", "https://a.test"]\ncredentials = true'
    )
    assert error.startswith(
        'routetree.toml: cors: origins = ["*"] cannot be combined with '
        "credentials = true"
    )
    assert "browsers refuse a wildcard origin on credentialed requests" in error
    assert "List the trusted origins" in error


def test_every_error_is_reported_at_once(tmp_path: Path) -> None:
    error = _error(tmp_path, 'base_path = "x"\ntrailing_slash = 3\nbogus = 1')
    lines = error.splitlines()
    assert [line.split(":")[1].strip() for line in lines[:-1]] == [
        "base_path",
        "trailing_slash",
        "bogus",
    ]


@pytest.mark.parametrize(
    ("toml", "location"),
    [
        ('base_path = "/v1"\ntrailing_slash = \n', "at line 2, column 18"),
        ('[cors]\norigins = ["a" "b"]\n', "Unclosed array (at line 2, column 16)"),
        ("x = 1\n[cors\n", "(at line 2, column 6)"),
        ("a = 1\na = 2\n", "at line 2"),
    ],
    ids=["missing-value", "unclosed-array", "table-header", "duplicate-key"],
)
def test_toml_syntax_error_gives_line_and_column(
    tmp_path: Path, toml: str, location: str
) -> None:
    error = _error(tmp_path, toml)
    assert error.startswith("routetree.toml: invalid TOML: ")
    assert location in error


def test_pyproject_tool_table_is_read(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "pyproject.toml",
        """
        [project]
        name = "app"

        [tool.routetree]
        base_path = "/v2"

        [[tool.routetree.redirects]]
        source = "/a"
        destination = "/b"
        status_code = 301
        """,
    )
    config = load_config(tmp_path)
    assert config.base_path == "/v2"
    assert config.redirects[0].status == 301


def test_pyproject_without_tool_table_gives_defaults(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[project]\nname = "app"\n[tool.ruff]\n')
    assert load_config(tmp_path) == ProjectConfig()


def test_pyproject_that_only_depends_on_routetree_gives_defaults(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "pyproject.toml", '[project]\ndependencies = ["routetree"]\n')
    assert load_config(tmp_path) == ProjectConfig()


def test_invalid_pyproject_without_routetree_is_not_read(tmp_path: Path) -> None:
    # Not routetree's file to judge: the app ignores it, so the server limits do too.
    _write(tmp_path, "pyproject.toml", "[project\n")
    assert load_config(tmp_path) == ProjectConfig()


def test_invalid_pyproject_mentioning_routetree_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", "[tool.routetree\nbase_path = 1\n")
    with pytest.raises(ConfigError, match=r"^pyproject\.toml: invalid TOML: "):
        load_config(tmp_path)


def test_pyproject_error_names_the_tool_table(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "pyproject.toml",
        '[tool.routetree]\n[tool.routetree.cors]\norigins = ["null"]\n',
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(
        'pyproject.toml: tool.routetree.cors.origins[0]: "null" is not allowed'
    )


def test_pyproject_tool_routetree_must_be_a_table(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[tool]\nroutetree = "yes"\n')
    with pytest.raises(ConfigError, match=r"tool\.routetree must be a table"):
        load_config(tmp_path)


def test_routetree_toml_wins_over_pyproject(tmp_path: Path) -> None:
    _write(
        tmp_path, "pyproject.toml", '[tool.routetree]\nbase_path = "/from-pyproject"\n'
    )
    _write(tmp_path, "routetree.toml", 'base_path = "/from-routetree"\n')
    assert load_config(tmp_path).base_path == "/from-routetree"


def test_routetree_toml_wins_even_when_pyproject_is_invalid(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", "[tool.routetree]\nbogus = 1\n")
    _write(tmp_path, "routetree.toml", "trailing_slash = true\n")
    assert load_config(tmp_path).trailing_slash is True


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "routetree.toml").write_bytes(b"base_path = '\xff'\n")
    with pytest.raises(ConfigError, match=r"routetree\.toml: cannot be read"):
        load_config(tmp_path)


def test_rewrites_table_keeps_the_three_phases(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        """
        [rewrites]
        before_files = [{ source = "/a", destination = "/b" }]
        after_files = [{ source = "/c/:id", destination = "/d/:id" }]
        fallback = [{ source = "/:path*", destination = "/api/fallback" }]
        """,
    )
    phases = config.rewrites
    assert [r.source for r in phases.before_files] == ["/a"]
    assert [r.source for r in phases.after_files] == ["/c/:id"]
    assert [r.destination for r in phases.fallback] == ["/api/fallback"]
    # A rewrite whose destination uses no param passes them on in the query.
    assert phases.fallback[0].fill_url({"path": ["a", "b"]}, "") == (
        "/api/fallback?path=a&path=b"
    )


def test_plain_rewrites_list_means_after_files(tmp_path: Path) -> None:
    config = _load(tmp_path, '[[rewrites]]\nsource = "/a"\ndestination = "/b"\n')
    assert config.rewrites.before_files == ()
    assert [r.source for r in config.rewrites.after_files] == ["/a"]


@pytest.mark.parametrize(
    ("permanent", "status_code", "status"),
    [("true", None, 308), ("false", None, 307)]
    + [(None, code, code) for code in (301, 302, 303, 307, 308)],
    ids=["permanent", "temporary", "301", "302", "303", "307", "308"],
)
def test_redirect_status(
    tmp_path: Path, permanent: str | None, status_code: int | None, status: int
) -> None:
    extra = f"permanent = {permanent}" if permanent else f"status_code = {status_code}"
    config = _load(
        tmp_path, f'[[redirects]]\nsource = "/a"\ndestination = "/b"\n{extra}'
    )
    assert config.redirects[0].status == status


@pytest.mark.parametrize(
    ("destination", "params", "expected"),
    [
        ("/:path*", {"path": ["", "evil.example"]}, "/evil.example"),
        ("/:path*", {"path": ["a", "b"]}, "/a/b"),
        ("/x/:path*", {"path": []}, "/x"),
        ("/:path*", {"path": ["%2F", "evil.example"]}, "/%252F/evil.example"),
        ("https://example.com/:path*", {"path": ["a b"]}, "https://example.com/a%20b"),
    ],
    ids=["double-slash-collapsed", "segments", "empty", "encoded", "absolute"],
)
def test_redirect_fill_is_safe(
    tmp_path: Path, destination: str, params: Params, expected: str
) -> None:
    config = _load(
        tmp_path,
        f'[[redirects]]\nsource = "/go/:path*"\ndestination = "{destination}"\n'
        "permanent = false",
    )
    assert config.redirects[0].fill_url(params, "") == expected


def test_rule_conditions_are_compiled(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        """
        [[headers]]
        source = "/api/:path*"
        headers = [{ key = "x-a", value = "1" }, { key = "x-b", value = "tab\\tok" }]
        has = [
            { type = "header", key = "x-tenant", value = "\\\\w+" },
            { type = "host", value = "api\\\\.example\\\\.com" },
        ]
        missing = [{ type = "cookie", key = "preview" }]
        """,
    )
    [rule] = config.headers
    assert rule.headers[1].value == "tab\tok"
    assert rule.has_conditions == (
        Condition("header", "x-tenant", "\\w+"),
        Condition("host", None, "api\\.example\\.com"),
    )
    assert rule.missing_conditions == (Condition("cookie", "preview"),)


def test_config_is_frozen(tmp_path: Path) -> None:
    config = _load(tmp_path, 'base_path = "/v1"')
    with pytest.raises(ValueError, match="frozen"):
        config.base_path = "/v2"
    assert hash(config) == hash(_load(tmp_path, 'base_path = "/v1"'))


def test_destinations_and_header_values_may_use_has_params(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        """
        [[redirects]]
        source = "/home"
        destination = "/t/:tenant"
        permanent = false
        has = [{ type = "header", key = "x-tenant", value = "(?<tenant>[a-z]+)" }]

        [[headers]]
        source = "/:path*"
        has = [{ type = "host", value = '[a-z]+\\.test' }]
        headers = [{ key = "x-host", value = ":host" }]
        """,
    )
    [redirect] = config.redirects
    assert redirect.param_names == ("tenant",)
    [rule] = config.headers
    assert rule.header_pairs({"host": "a.test"}) == ((b"x-host", b"a.test"),)
    error = _error(
        tmp_path,
        """
        [[redirects]]
        source = "/home"
        destination = "/t/:tenant"
        permanent = false
        """,
    )
    assert ":tenant is not a param of the source or its has conditions" in error


def test_cache_keys_default_and_parse(tmp_path: Path) -> None:
    defaults = ProjectConfig()
    assert defaults.cache_url is None
    assert defaults.cache_max_entries == 1000
    assert defaults.cache_max_size == 64 * 1024 * 1024
    config = _load(
        tmp_path,
        """
        cache_url = "redis://127.0.0.1:6379/0"
        cache_max_entries = 10
        cache_max_size = "1mb"
        """,
    )
    assert config.cache_url == "redis://127.0.0.1:6379/0"
    assert config.cache_max_entries == 10
    assert config.cache_max_size == 1024 * 1024


def test_cache_url_must_be_a_redis_url(tmp_path: Path) -> None:
    message = _error(tmp_path, 'cache_url = "http://cache:6379"\n')
    assert "cache_url" in message
    assert "is not a Redis URL: use redis://host:6379/0" in message


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",
        "rediss://:secret@redis.internal:6380/1",
        "unix:///run/redis/redis.sock?db=2",
    ],
)
def test_pubsub_url_takes_a_redis_url(tmp_path: Path, url: str) -> None:
    assert ProjectConfig().pubsub_url is None
    assert _load(tmp_path, f'pubsub_url = "{url}"\n').pubsub_url == url


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            'pubsub_url = "http://redis:6379"',
            "pubsub_url: 'http://redis:6379' is not a Redis URL: use "
            "redis://host:6379/0, rediss://host:6380/0 (TLS) or "
            "unix:///path/to/redis.sock",
        ),
        ('pubsub_url = ""', "pubsub_url: '' is not a Redis URL"),
        ("pubsub_url = 6379", "pubsub_url: Input should be a valid string"),
        (
            'pubsubUrl = "redis://r:6379/0"',
            "pubsubUrl: unknown key 'pubsubUrl': did you mean 'pubsub_url'?",
        ),
    ],
)
def test_pubsub_url_errors_name_the_key(
    tmp_path: Path, toml: str, expected: str
) -> None:
    assert expected in _error(tmp_path, toml + "\n")
