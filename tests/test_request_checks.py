"""The checks before routing, on hand-made scopes: Host, version, framing."""

from __future__ import annotations

import orjson
import pytest

from routetree._hosts import HostPolicy
from routetree._request_checks import RequestChecks


def _scope(
    headers: list[tuple[bytes, bytes]], version: str = "1.1"
) -> dict[str, object]:
    return {"type": "http", "http_version": version, "headers": headers}


def _detail(checks: RequestChecks, scope: dict[str, object]) -> str | None:
    refused = checks.refusal(scope)
    if refused is None:
        return None
    assert refused.status == 400
    assert refused.body is not None
    body: dict[str, str] = orjson.loads(refused.body)
    return body["detail"]


CHECKS = RequestChecks(HostPolicy(["*"]))
HOST = (b"host", b"example.com")


@pytest.mark.parametrize(
    ("headers", "version", "problem"),
    [
        ([HOST], "1.1", None),
        ([HOST], "1.0", None),
        ([], "1.0", None),
        ([HOST], "2", None),
        ([], "1.1", "must have a Host"),
        ([HOST, (b"host", b"other.example")], "1.1", "more than one Host"),
        ([HOST], "0.9", "HTTP/0.9 is not supported"),
        ([HOST], "2.0", "HTTP/2.0 is not supported"),
        ([(b"host", b"a@b")], "1.1", "not a valid host"),
        ([HOST, (b"transfer-encoding", b"chunked")], "1.1", None),
        ([HOST, (b"transfer-encoding", b"gzip")], "1.1", "single 'chunked'"),
        (
            [
                HOST,
                (b"transfer-encoding", b"identity"),
                (b"transfer-encoding", b"chunked"),
            ],
            "1.1",
            "single 'chunked'",
        ),
        (
            [HOST, (b"content-length", b"3"), (b"transfer-encoding", b"chunked")],
            "1.1",
            "both Content-Length and Transfer-Encoding",
        ),
        ([HOST, (b"transfer-encoding", b"chunked")], "1.0", "not allowed in HTTP/1.0"),
    ],
)
def test_refusals(
    headers: list[tuple[bytes, bytes]], version: str, problem: str | None
) -> None:
    detail = _detail(CHECKS, _scope(headers, version))
    if problem is None:
        assert detail is None
    else:
        assert detail is not None
        assert problem in detail


def test_refusal_closes_an_http_1_connection_only() -> None:
    refused = CHECKS.refusal(_scope([], "1.1"))
    assert refused is not None
    assert refused.headers.get("connection") == "close"
    refused = CHECKS.refusal(_scope([(b"host", b"a@b")], "2"))
    assert refused is not None
    assert "connection" not in refused.headers


def test_accepted_hosts_are_remembered_and_bounded() -> None:
    checks = RequestChecks(HostPolicy(["*"]))
    assert checks.refusal(_scope([HOST])) is None
    assert HOST[1] in checks.known_hosts
    for i in range(1100):
        checks.refusal(_scope([(b"host", b"h%d.example" % i)]))
    assert len(checks.known_hosts) <= 1024
    assert checks.refusal(_scope([(b"host", b"evil@x")])) is not None
    assert b"evil@x" not in checks.known_hosts
