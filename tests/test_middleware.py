"""The middleware's ``config["matcher"]``, compiled into rules; running it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, cast

import httpx
import pytest

from routetree._config._conditions import Condition
from routetree._errors import ConfigError
from routetree._middleware import (
    MatcherRule,
    Middleware,
    compile_matcher,
    load_middleware,
)
from routetree.testing import live_server
from tests.config.test_conditions import FakeRequest

if TYPE_CHECKING:
    from pathlib import Path

    from routetree._request import Request
    from tests.conftest import MakeProject

WHERE = "middleware.py"


@pytest.mark.parametrize(
    ("config", "sources"),
    [
        ("/api/:path*", ["/api/:path*"]),
        (["/a", "/b/:id"], ["/a", "/b/:id"]),
        (("/a",), ["/a"]),
        ([{"source": "/a", "locale": False}], ["/a"]),
        (["/a", {"source": "/b", "has": [], "missing": []}], ["/a", "/b"]),
    ],
    ids=["string", "list", "tuple", "dict-with-locale", "mixed"],
)
def test_compile_matcher_shapes(config: object, sources: list[str]) -> None:
    rules = compile_matcher(config, WHERE)
    assert [rule.pattern.source for rule in rules] == sources
    assert all(isinstance(rule, MatcherRule) for rule in rules)


def test_compile_matcher_conditions() -> None:
    [rule] = compile_matcher(
        [
            {
                "source": "/api/:path*",
                "has": [
                    {"type": "header", "key": "authorization", "value": "Bearer .+"}
                ],
                "missing": [{"type": "cookie", "key": "skip"}],
            }
        ],
        WHERE,
    )
    assert rule.has == (Condition("header", "authorization", "Bearer .+"),)
    assert rule.missing == (Condition("cookie", "skip"),)
    authorized = FakeRequest(headers={"Authorization": "Bearer t"})
    assert rule.matches("/api/x", authorized)
    assert rule.matches("//API/x/", authorized)
    assert not rule.matches("/other", authorized)
    assert not rule.matches("/api/x", FakeRequest())
    skipped = FakeRequest(headers={"authorization": "Bearer t"}, cookies={"skip": "1"})
    assert not rule.matches("/api/x", skipped)


INVALID_MATCHERS: list[tuple[object, str]] = [
    (42, 'config["matcher"] = 42 is not valid'),
    ({"source": "/a"}, "is not valid"),
    ([], "is empty, so the middleware would never run"),
    ([42], 'config["matcher"][0]: 42 is not a pattern string'),
    (["/a", "api"], "config[\"matcher\"][1]: Invalid path pattern 'api'"),
    ([{"has": []}], 'with a string "source"'),
    ([{"source": "/a", "extra": 1}], "unknown key(s) 'extra'"),
    ([{"source": "/a", "has": "x"}], '"has" must be a list'),
    ([{"source": "/a", "has": [{"type": "header"}]}], 'has[0]: A "header" condition'),
    ([{"source": "/a", "missing": ["x"]}], "missing[0]: 'x' is not a condition"),
    (
        [{"source": "/a", "has": [{"type": "x", "key": "k", "bad": 1}]}],
        "not a condition",
    ),
    (
        ["/api/:path*", "/:x((?:a+)+)"],
        "config[\"matcher\"][1]: Invalid path pattern '/:x((?:a+)+)': the group "
        "((?:a+)+) repeats something that itself repeats",
    ),
    (
        [{"source": "/:x((?:a|a)+)"}],
        "repeats alternatives that can match the same text",
    ),
    (
        [{"source": "/a", "has": [{"type": "header", "key": "x", "value": "(a+)+"}]}],
        "has[0]: Invalid condition value '(a+)+': the regular expression repeats",
    ),
    (["/(a+)+$"], '"$" outside a group is a literal dollar sign'),
    (["^/api/:path*"], 'it must start with "/", not "^"'),
]


@pytest.mark.parametrize(
    ("config", "problem"),
    INVALID_MATCHERS,
    ids=[
        "int",
        "bare-dict",
        "empty",
        "int-entry",
        "bad-pattern",
        "no-source",
        "unknown-key",
        "has-not-list",
        "bad-condition",
        "condition-not-dict",
        "condition-extra-key",
        "nested-repeat",
        "overlapping-alternatives",
        "backtracking-condition",
        "dollar-outside-group",
        "caret-before-slash",
    ],
)
def test_invalid_matcher_is_a_config_error(config: object, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        compile_matcher(config, WHERE)
    assert str(info.value).startswith(f"{WHERE}: ")
    assert problem in str(info.value)


# The matchers of Next.js's docs and templates; none may be refused.
COMMON_MATCHERS = [
    "/((?!api|_next/static|_next/image|favicon.ico).*)",
    "/((?!api|_next/static|_next/image|.*\\.png$).*)",
    "/:path*",
    "/about/:path*",
    "/dashboard/:path*",
    "/:id(\\d+)",
    "/(.*)",
    "/api/:path((?!internal).*)",
    "/:locale(en|fr)/:rest*",
]


def test_common_matchers_compile_and_match() -> None:
    rules = compile_matcher(COMMON_MATCHERS, WHERE)
    assert [rule.pattern.source for rule in rules] == COMMON_MATCHERS
    request = FakeRequest()
    assert rules[0].matches("/users/1", request)
    assert not rules[0].matches("/_next/static/x.js", request)
    assert not rules[1].matches("/logo.png", request)
    assert rules[5].matches("/42", request)
    assert not rules[5].matches("/4a", request)
    assert not rules[7].matches("/api/internal/x", request)
    assert rules[8].matches("/fr/a/b", request)


WHERE_SOURCE = """
import asyncio
import threading


def _where(request):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        on_loop = False
    else:
        on_loop = True
    return {"request": request, "thread": threading.get_ident(), "on_loop": on_loop}


{prefix}def {name}(request):
    return _where(request)
"""


@pytest.mark.anyio
@pytest.mark.parametrize("file", ["middleware.py", "proxy.py"])
@pytest.mark.parametrize(
    ("prefix", "on_loop"), [("async ", True), ("", False)], ids=["async", "sync"]
)
async def test_middleware_runs_async_on_the_loop_and_sync_in_a_thread(
    make_project: MakeProject, file: str, prefix: str, on_loop: bool
) -> None:
    name = file.removesuffix(".py")
    source = WHERE_SOURCE.replace("{prefix}", prefix).replace("{name}", name)
    middleware = load_middleware(make_project({file: source}))
    assert isinstance(middleware, Middleware)
    assert middleware.is_async is on_loop
    request = cast("Request", "the request")

    result = await middleware.run(request)

    assert isinstance(result, dict)
    assert result["request"] == "the request"
    assert result["on_loop"] is on_loop
    assert (result["thread"] == threading.get_ident()) is on_loop


# --- the keys of config ---------------------------------------------------------------

GUARDED = """
from routetree import Response

config = {config}


def middleware(request):
    return Response("guarded", status=401)
"""
OPEN_ROUTE = (
    "from routetree import Response\n\n\ndef GET():\n    return Response('open')\n"
)


def _build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "routetree", "build", str(project)],
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize(
    ("config", "fix"),
    [
        pytest.param(
            "{'matchers': ['/api/admin/:path*']}",
            "unknown key 'matchers' in config: did you mean \"matcher\"?",
            id="matchers",
        ),
        pytest.param(
            "{'Matcher': '/api/admin/:path*'}",
            "unknown key 'Matcher' in config: did you mean \"matcher\"?",
            id="Matcher",
        ),
        pytest.param(
            "{'matcher': '/api/admin/:path*', 'paths': ['/x']}",
            "unknown key 'paths' in config: the key is \"matcher\".",
            id="another-key",
        ),
    ],
)
def test_an_unknown_config_key_fails_the_build_naming_the_fix(
    make_project: MakeProject, config: str, fix: str
) -> None:
    project = make_project(
        {
            "app/api/admin/route.py": OPEN_ROUTE,
            "middleware.py": GUARDED.format(config=config),
        }
    )
    result = _build(project)
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert message.startswith(f"Error: middleware.py: {fix}"), result.stderr
    assert 'Write config = {"matcher": [...]}' in message
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(
            "{'matcher': '/api/admin/:path*', 'runtime': 'nodejs'}", id="runtime"
        ),
        pytest.param(
            "{'matcher': '/api/admin/:path*', 'regions': ['iad1']}", id="regions"
        ),
    ],
)
def test_nextjs_deployment_keys_are_accepted(
    make_project: MakeProject, config: str
) -> None:
    project = make_project(
        {
            "app/api/admin/route.py": OPEN_ROUTE,
            "app/api/open/route.py": OPEN_ROUTE,
            "middleware.py": GUARDED.format(config=config),
        }
    )
    assert _build(project).returncode == 0
    with live_server(project) as server:
        guarded = httpx.get(f"{server}/api/admin", timeout=10)
        open_ = httpx.get(f"{server}/api/open", timeout=10)
    assert (guarded.status_code, guarded.text) == (401, "guarded")
    assert (open_.status_code, open_.text) == (200, "open")
