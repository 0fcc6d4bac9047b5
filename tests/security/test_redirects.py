"""Redirects on a real server: `Location` is ASCII, one line, and stays on the site."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

import httpx
import pytest

from routetree.testing import live_server
from tests.raw_http import RawResponse, raw_request

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import MakeProject

GOTO = """
from routetree import redirect

def GET(request):
    redirect(request.url.search_params["to"])
"""

MIDDLEWARE = """
from routetree import Response

config = {"matcher": ["/mw/:path*"]}

def middleware(request):
    return Response.redirect("/über/" + request.url.path.rpartition("/")[2], 308)
"""

CONFIG = """
[[redirects]]
source = "/old/:path*"
destination = "/new/:path*"
permanent = false

[[redirects]]
source = "/go/:path*"
destination = "/:path*"
permanent = true

[[redirects]]
source = "/menu"
destination = "/café?q=ü"
permanent = false
"""

FILES = {
    "app/api/goto/route.py": GOTO,
    "middleware.py": MIDDLEWARE,
    "routetree.toml": CONFIG,
}
# Read as another host by browsers ("//", "/\"), or by a proxy that decodes first.
OFF_SITE = ("//", "/\\", "/%2F", "/%5C")


class Site(NamedTuple):
    """A running ``routetree start`` and the ``base_path`` it was configured with."""

    url: str
    base_path: str


@pytest.fixture(scope="module", params=["", "/v1"], ids=["root", "base-path"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    base_path: str = request.param
    root = tmp_path_factory.mktemp("redirects")
    for relative, source in FILES.items():
        if relative == "routetree.toml" and base_path:
            source = f'base_path = "{base_path}"\n{source}'
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(source.lstrip())
    with live_server(root) as url:
        yield Site(url, base_path)


def _location(answer: RawResponse) -> str:
    """The one ``Location`` line, checked to be ASCII on the wire."""
    found = [
        line
        for line in answer.head.split(b"\r\n")[1:]
        if line.lower().startswith(b"location:")
    ]
    assert len(found) == 1, answer.head
    value = found[0].partition(b":")[2].strip()
    assert value.isascii(), value
    return value.decode("ascii")


def _stays_on_the_site(location: str) -> bool:
    return not location.upper().startswith(OFF_SITE) and (
        httpx.URL("http://localhost/").join(location).host == "localhost"
    )


def _goto(site: Site, to: str) -> RawResponse:
    query = str(httpx.QueryParams({"to": to}))
    return raw_request(site.url, "GET", f"{site.base_path}/api/goto?{query}")


@pytest.mark.parametrize(
    ("to", "location"),
    [
        ("/café?q=ü", "/caf%C3%A9?q=%C3%BC"),
        ("/日本", "/%E6%97%A5%E6%9C%AC"),
        ("https://bücher.example/x y", "https://b%C3%BCcher.example/x%20y"),
        ("/a%2Fb?x=1&y=2#top", "/a%2Fb?x=1&y=2#top"),
        ("/\\evil.example", "/%5Cevil.example"),
        ("/\u2028", "/%E2%80%A8"),
        ("../up", "../up"),
    ],
    ids=["latin-1", "not-latin-1", "idn-space", "ascii", "backslash", "u2028", "rel"],
)
def test_redirect_location_is_percent_encoded_ascii(
    site: Site, to: str, location: str
) -> None:
    answer = _goto(site, to)
    assert answer.status == 307
    assert _location(answer) == location


@pytest.mark.parametrize(
    "to",
    ["/x\r\nSet-Cookie: evil=1", "/x\rSet-Cookie: evil=1", "/x\nX-Evil: 1", "/x\x00"],
    ids=["crlf", "cr", "lf", "nul"],
)
def test_redirect_to_a_control_character_is_a_500_with_nothing_injected(
    site: Site, to: str
) -> None:
    answer = _goto(site, to)
    assert answer.status == 500
    assert answer.body == b'{"error":"Internal Server Error"}'
    assert answer.get_list("location") == []
    assert answer.get_list("set-cookie") == []
    assert answer.get_list("x-evil") == []


def test_in_dev_the_500_names_the_control_character(
    make_project: MakeProject,
) -> None:
    project = make_project(FILES)
    with live_server(project, command="dev") as url:
        answer = _goto(Site(url, ""), "/x\r\nSet-Cookie: evil=1")
    assert answer.status == 500
    assert answer.get_list("location") == []
    assert answer.get_list("set-cookie") == []
    details = json.loads(answer.body)["exception"]
    assert details["type"] == "ValueError"
    assert "contains the control character '\\r' at index 2" in details["message"]


def test_middleware_redirect_is_percent_encoded(site: Site) -> None:
    answer = raw_request(site.url, "GET", f"{site.base_path}/mw/caf%C3%A9")
    assert answer.status == 308
    assert _location(answer) == "/%C3%BCber/caf%C3%A9"


def test_config_redirect_to_a_non_ascii_destination(site: Site) -> None:
    answer = raw_request(site.url, "GET", f"{site.base_path}/menu?x=1")
    assert answer.status == 307
    assert _location(answer) == f"{site.base_path}/caf%C3%A9?x=1&q=%C3%BC"


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/old//evil.example", "/new/evil.example"),
        ("/old/%2F%2Fevil.example", "/new/%2F%2Fevil.example"),
        ("/old/%5C%5Cevil.example", "/new/%5C%5Cevil.example"),
        ("/old/\\evil.example", "/new/%5Cevil.example"),
        ("/go//evil.example", "/evil.example"),
        ("/go/%2F%2Fevil.example", "/%2F%2Fevil.example"),
        ("/go/\\\\evil.example", "/%5C%5Cevil.example"),
    ],
)
def test_config_redirect_stays_on_the_site(
    site: Site, target: str, location: str
) -> None:
    answer = raw_request(site.url, "GET", site.base_path + target)
    assert answer.status in (307, 308)
    found = _location(answer)
    assert found == site.base_path + location
    assert not found.startswith(("//", "/\\"))
    assert httpx.URL("http://localhost/").join(found).host == "localhost"


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("//evil.example/", "/evil.example"),
        ("/\\evil.example/", "/evil.example"),
        ("/%2F%2Fevil.example/", "/evil.example"),
        ("/%5Cevil.example/", "/evil.example"),
        ("/%2F/evil.example/", "/evil.example"),
        ("/%5c%2f\\/evil.example/?a=%0D%0A", "/evil.example?a=%0D%0A"),
        ("///", "/"),  # under base_path /v1: /v1/, which is the root
    ],
)
def test_trailing_slash_redirect_never_leaves_the_site(
    site: Site, target: str, location: str
) -> None:
    target, location = site.base_path + target, site.base_path + location
    answer = raw_request(site.url, "GET", target)
    assert answer.status == 308
    found = _location(answer)
    assert found == location
    assert _stays_on_the_site(found)
    assert answer.get_list("refresh") == [f"0;url={location}"]
