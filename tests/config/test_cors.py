"""routetree._config._cors: preflight and response headers from the [cors] config."""

from __future__ import annotations

import pytest

from routetree._config._cors import CorsPolicy, is_preflight
from routetree._headers import Headers

APP = "https://app.example.com"
OTHER = "https://other.example.org"

ALLOW_ORIGIN = b"access-control-allow-origin"
ALLOW_METHODS = b"access-control-allow-methods"
ALLOW_HEADERS = b"access-control-allow-headers"
ALLOW_CREDENTIALS = b"access-control-allow-credentials"
EXPOSE_HEADERS = b"access-control-expose-headers"
MAX_AGE = b"access-control-max-age"
VARY = b"vary"


def listed(
    origins: list[str],
    *,
    expose_headers: list[str] | None = None,
    credentials: bool = False,
    max_age: int | None = None,
) -> CorsPolicy:
    return CorsPolicy(
        origins,
        ["GET", "POST"],
        ["content-type", "authorization"],
        expose_headers=expose_headers or [],
        credentials=credentials,
        max_age=max_age,
    )


def as_dict(headers: list[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    names = [name for name, _ in headers]
    assert len(names) == len(set(names)), f"repeated header in {headers}"
    return dict(headers)


# --- is_preflight ---


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        ("OPTIONS", {"origin": APP, "access-control-request-method": "PUT"}, True),
        ("OPTIONS", {"origin": APP}, False),
        ("OPTIONS", {"access-control-request-method": "PUT"}, False),
        ("OPTIONS", {}, False),
        ("GET", {"origin": APP, "access-control-request-method": "PUT"}, False),
    ],
    ids=["preflight", "no-request-method", "no-origin", "plain-options", "get"],
)
def test_is_preflight(method: str, headers: dict[str, str], expected: bool) -> None:
    raw = [(k.encode(), v.encode()) for k, v in headers.items()]
    assert is_preflight(method, Headers(raw)) is expected


# --- preflight_headers ---

PREFLIGHT_CASES: list[
    tuple[str, CorsPolicy, str | None, str | None, dict[bytes, bytes] | None]
] = [
    (
        "listed-origin-echoed",
        listed([APP]),
        APP,
        "content-type",
        {
            ALLOW_ORIGIN: APP.encode(),
            VARY: b"Origin",
            ALLOW_METHODS: b"GET, POST",
            ALLOW_HEADERS: b"content-type, authorization",
        },
    ),
    ("unlisted-origin-refused", listed([APP]), OTHER, None, None),
    ("no-origin-refused", listed([APP]), None, None, None),
    (
        "star-without-credentials",
        listed(["*"]),
        OTHER,
        None,
        {
            ALLOW_ORIGIN: b"*",
            ALLOW_METHODS: b"GET, POST",
            ALLOW_HEADERS: b"content-type, authorization",
        },
    ),
    (
        "null-origin-allowed-only-by-star",
        listed(["*"]),
        "null",
        None,
        {
            ALLOW_ORIGIN: b"*",
            ALLOW_METHODS: b"GET, POST",
            ALLOW_HEADERS: b"content-type, authorization",
        },
    ),
    ("null-origin-refused-by-list", listed([APP]), "null", None, None),
    (
        "credentials-and-max-age",
        listed([APP], credentials=True, max_age=600),
        APP,
        None,
        {
            ALLOW_ORIGIN: APP.encode(),
            VARY: b"Origin",
            ALLOW_METHODS: b"GET, POST",
            ALLOW_HEADERS: b"content-type, authorization",
            ALLOW_CREDENTIALS: b"true",
            MAX_AGE: b"600",
        },
    ),
    (
        "max-age-zero-is-sent",
        listed([APP], max_age=0),
        APP,
        None,
        {
            ALLOW_ORIGIN: APP.encode(),
            VARY: b"Origin",
            ALLOW_METHODS: b"GET, POST",
            ALLOW_HEADERS: b"content-type, authorization",
            MAX_AGE: b"0",
        },
    ),
    (
        "star-headers-echo-the-request",
        CorsPolicy([APP], ["GET"], ["*"], credentials=True),
        APP,
        "Content-Type, Authorization",
        {
            ALLOW_ORIGIN: APP.encode(),
            ALLOW_METHODS: b"GET",
            ALLOW_HEADERS: b"content-type, authorization",
            VARY: b"Origin, Access-Control-Request-Headers",
            ALLOW_CREDENTIALS: b"true",
        },
    ),
    (
        "star-headers-with-nothing-requested",
        CorsPolicy(["*"], ["GET"], ["*"]),
        APP,
        None,
        {
            ALLOW_ORIGIN: b"*",
            ALLOW_METHODS: b"GET",
            VARY: b"Access-Control-Request-Headers",
        },
    ),
    (
        "star-headers-refuse-to-echo-garbage",
        CorsPolicy(["*"], ["GET"], ["*"]),
        APP,
        "x-a, <script>",
        {
            ALLOW_ORIGIN: b"*",
            ALLOW_METHODS: b"GET",
            VARY: b"Access-Control-Request-Headers",
        },
    ),
    (
        "star-methods-echo-the-request",
        CorsPolicy([APP], ["*"], []),
        APP,
        None,
        {
            ALLOW_ORIGIN: APP.encode(),
            ALLOW_METHODS: b"PATCH",
            VARY: b"Origin, Access-Control-Request-Method",
        },
    ),
    (
        "methods-upper-cased-headers-lower-cased",
        CorsPolicy([APP], ["get", "post"], ["X-Token"]),
        APP,
        None,
        {
            ALLOW_ORIGIN: APP.encode(),
            VARY: b"Origin",
            ALLOW_METHODS: b"GET, POST",
            ALLOW_HEADERS: b"x-token",
        },
    ),
    (
        "empty-lists-send-nothing",
        CorsPolicy([APP], [], []),
        APP,
        None,
        {ALLOW_ORIGIN: APP.encode(), VARY: b"Origin"},
    ),
]


@pytest.mark.parametrize(
    ("policy", "origin", "request_headers", "expected"),
    [case[1:] for case in PREFLIGHT_CASES],
    ids=[case[0] for case in PREFLIGHT_CASES],
)
def test_preflight_headers(
    policy: CorsPolicy,
    origin: str | None,
    request_headers: str | None,
    expected: dict[bytes, bytes] | None,
) -> None:
    headers = policy.preflight_headers(origin, "PATCH", request_headers)

    if expected is None:
        assert headers is None
    else:
        assert headers is not None
        assert as_dict(headers) == expected


def test_preflight_echoes_the_origin_as_sent() -> None:
    # Browsers compare Access-Control-Allow-Origin with their own origin byte for byte.
    policy = listed(["https://APP.Example.com"])

    headers = policy.preflight_headers("https://app.example.com", "GET", None)

    assert headers is not None
    assert as_dict(headers)[ALLOW_ORIGIN] == b"https://app.example.com"


def test_preflight_answers_are_independent_lists() -> None:
    policy = listed([APP])

    first = policy.preflight_headers(APP, "GET", None)
    assert first is not None
    first.append((b"x-extra", b"1"))

    assert (b"x-extra", b"1") not in (policy.preflight_headers(APP, "GET", None) or [])


# --- response_headers ---

RESPONSE_CASES: list[tuple[str, CorsPolicy, str | None, dict[bytes, bytes]]] = [
    (
        "listed-origin",
        listed([APP]),
        APP,
        {ALLOW_ORIGIN: APP.encode(), VARY: b"Origin"},
    ),
    (
        "listed-origin-credentials-expose",
        listed([APP], credentials=True, expose_headers=["X-Total", "ETag"]),
        APP,
        {
            ALLOW_ORIGIN: APP.encode(),
            VARY: b"Origin",
            ALLOW_CREDENTIALS: b"true",
            EXPOSE_HEADERS: b"x-total, etag",
        },
    ),
    # Caches must not serve a header-less answer to a later cross-origin request.
    (
        "unlisted-origin-varies-only",
        listed([APP], credentials=True),
        OTHER,
        {VARY: b"Origin"},
    ),
    ("no-origin-varies-only", listed([APP]), None, {VARY: b"Origin"}),
    ("star", listed(["*"]), APP, {ALLOW_ORIGIN: b"*"}),
    ("star-without-origin-is-static", listed(["*"]), None, {ALLOW_ORIGIN: b"*"}),
    (
        "star-with-expose",
        listed(["*"], expose_headers=["*"]),
        APP,
        {ALLOW_ORIGIN: b"*", EXPOSE_HEADERS: b"*"},
    ),
    (
        "max-age-not-on-responses",
        listed([APP], max_age=600),
        APP,
        {ALLOW_ORIGIN: APP.encode(), VARY: b"Origin"},
    ),
]


@pytest.mark.parametrize(
    ("policy", "origin", "expected"),
    [case[1:] for case in RESPONSE_CASES],
    ids=[case[0] for case in RESPONSE_CASES],
)
def test_response_headers(
    policy: CorsPolicy, origin: str | None, expected: dict[bytes, bytes]
) -> None:
    assert as_dict(policy.response_headers(origin)) == expected


# --- origin matching ---

ORIGIN_CASES: list[tuple[str, list[str], str, bool]] = [
    ("exact", [APP], APP, True),
    ("host-case-insensitive", [APP], "https://App.Example.COM", True),
    ("config-case-insensitive", ["HTTPS://APP.EXAMPLE.COM"], APP, True),
    ("default-port-in-request", [APP], "https://app.example.com:443", True),
    ("other-port", [APP], "https://app.example.com:8443", False),
    ("other-scheme", [APP], "http://app.example.com", False),
    ("port-must-match", ["http://localhost:3000"], "http://localhost:3000", True),
    ("port-differs", ["http://localhost:3000"], "http://localhost:3001", False),
    ("ipv6", ["http://[::1]:3000"], "http://[::1]:3000", True),
    ("prefix-is-not-enough", [APP], APP + ".evil.io", False),
    ("suffix-is-not-enough", [APP], "https://evilapp.example.com", False),
    ("path-is-not-an-origin", [APP], APP + "/x", False),
    ("userinfo-is-not-an-origin", [APP], "https://evil.io@app.example.com", False),
    ("null", [APP], "null", False),
    ("non-ascii-lookalike", [APP], "https://app.exämple.com", False),
    ("empty", [APP], "", False),
    ("star", ["*"], "https://anything.io", True),
    ("wildcard-subdomain", ["https://*.example.com"], "https://a.example.com", True),
    ("wildcard-deep", ["https://*.example.com"], "https://a.b.example.com", True),
    ("wildcard-case", ["https://*.example.com"], "https://A.Example.com", True),
    ("wildcard-not-apex", ["https://*.example.com"], "https://example.com", False),
    (
        "wildcard-dash-lookalike",
        ["https://*.example.com"],
        "https://evil-example.com",
        False,
    ),
    (
        "wildcard-suffix-lookalike",
        ["https://*.example.com"],
        "https://example.com.evil.io",
        False,
    ),
    (
        "wildcard-subdomain-of-lookalike",
        ["https://*.example.com"],
        "https://a.example.com.evil.io",
        False,
    ),
    ("wildcard-scheme", ["https://*.example.com"], "http://a.example.com", False),
    ("wildcard-port", ["https://*.example.com"], "https://a.example.com:8443", False),
    (
        "wildcard-with-port",
        ["http://*.example.com:8080"],
        "http://a.example.com:8080",
        True,
    ),
    (
        "wildcard-path-trick",
        ["https://*.example.com"],
        "https://evil.io/.example.com",
        False,
    ),
    (
        "wildcard-fragment-trick",
        ["https://*.example.com"],
        "https://evil.io#.example.com",
        False,
    ),
    (
        "wildcard-userinfo-trick",
        ["https://*.example.com"],
        "https://a.example.com@evil.io",
        False,
    ),
    ("wildcard-empty-label", ["https://*.example.com"], "https://.example.com", False),
]


@pytest.mark.parametrize(
    ("origins", "origin", "allowed"),
    [case[1:] for case in ORIGIN_CASES],
    ids=[case[0] for case in ORIGIN_CASES],
)
def test_origin_matching(origins: list[str], origin: str, allowed: bool) -> None:
    policy = listed(origins)

    assert policy.is_allowed_origin(origin) is allowed
    assert (policy.preflight_headers(origin, "GET", None) is not None) is allowed


# --- config errors ---

INVALID_CASES: list[tuple[str, dict[str, object], str]] = [
    (
        "star-with-credentials",
        {"origins": ["*"], "credentials": True},
        "browsers refuse a wildcard origin on credentialed requests",
    ),
    (
        "star-among-others-with-credentials",
        {"origins": [APP, "*"], "credentials": True},
        "cannot be combined with credentials",
    ),
    (
        "expose-star-with-credentials",
        {"origins": [APP], "expose_headers": ["*"], "credentials": True},
        'literally named "*"',
    ),
    ("path", {"origins": [APP + "/api"]}, "scheme://host[:port]"),
    ("no-scheme", {"origins": ["app.example.com"]}, "scheme://host[:port]"),
    ("null", {"origins": ["null"]}, '"null" is not allowed'),
    ("bare-tld-wildcard", {"origins": ["https://*.com"]}, "leading subdomain"),
    ("partial-label-wildcard", {"origins": ["https://*example.com"]}, "leading"),
    ("inner-wildcard", {"origins": ["https://a.*.example.com"]}, "leading"),
    ("negative-max-age", {"origins": [APP], "max_age": -1}, "max_age"),
    ("bool-max-age", {"origins": [APP], "max_age": True}, "max_age"),
    ("bad-method", {"origins": [APP], "methods": ["GET POST"]}, "HTTP token"),
    ("padded-method", {"origins": [APP], "methods": [" post"]}, "HTTP token"),
    ("padded-header", {"origins": [APP], "headers": ["x-a "]}, "not a header name"),
    ("padded-origin", {"origins": [APP + " "]}, "white space around it"),
    ("default-port", {"origins": [APP + ":443"]}, "names the default port"),
    ("trailing-slash", {"origins": [APP + "/"]}, 'ends with "/"'),
    ("other-scheme", {"origins": ["ftp://app.example.com"]}, "is not an origin"),
]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [case[1:] for case in INVALID_CASES],
    ids=[case[0] for case in INVALID_CASES],
)
def test_invalid_config_raises(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"methods": ["GET"], "headers": [], **kwargs}

    with pytest.raises(ValueError, match="Invalid CORS") as info:
        CorsPolicy(**arguments)  # type: ignore[arg-type]

    assert message in str(info.value)


def test_repr_shows_the_config() -> None:
    policy = listed([APP], credentials=True, max_age=60)

    assert repr(policy) == (
        "CorsPolicy(origins=['https://app.example.com'], methods=['GET', 'POST'], "
        "headers=['content-type', 'authorization'], expose_headers=[], "
        "credentials=True, max_age=60)"
    )
