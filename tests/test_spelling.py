"""routetree._spelling: a misspelled name, told from a different one."""

from __future__ import annotations

import pytest

from routetree._spelling import close_match

HOOKS = ("register", "on_request_error", "shutdown", "handle_error")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("Register", "register", id="capitalised"),
        pytest.param("REGISTER", "register", id="upper-case"),
        pytest.param("onRequestError", "on_request_error", id="camel-case"),
        pytest.param("on_request_errors", "on_request_error", id="one-letter-added"),
        pytest.param("on_requst_error", "on_request_error", id="one-letter-missing"),
        pytest.param("on_request_erorr", "on_request_error", id="letters-swapped"),
        pytest.param("shut_down", "shutdown", id="other-underscores"),
        pytest.param("handleError", "handle_error", id="camel-case-new-hook"),
        pytest.param("registry", None, id="a-different-word"),
        pytest.param("unregister", None, id="two-letters-added"),
        pytest.param("on_error", None, id="far"),
        pytest.param("register", None, id="the-name-itself"),
    ],
)
def test_close_match(name: str, expected: str | None) -> None:
    assert close_match(name, HOOKS) == expected


def test_close_match_of_a_config_key() -> None:
    assert close_match("matchers", ["matcher"]) == "matcher"
    assert close_match("Matcher", ["matcher"]) == "matcher"
    assert close_match("paths", ["matcher"]) is None
