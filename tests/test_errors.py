"""routetree._errors: `user_traceback`, an exception without routetree's frames."""

from __future__ import annotations

import functools
import importlib
import os
import traceback
from typing import TYPE_CHECKING

import pytest

import routetree
from routetree import HTTPError, InvalidSegmentError, RequestValidationError, Response
from routetree._errors import reason_phrase, user_traceback
from routetree._routing._segments import parse_segment

if TYPE_CHECKING:
    from collections.abc import Callable

PACKAGE_DIR = os.path.dirname(routetree.__file__)


def _raised(func: Callable[..., object], *args: object) -> BaseException:
    """Call ``func`` from this file and return what it raised."""
    try:
        func(*args)
    except BaseException as exc:
        return exc
    raise AssertionError("nothing was raised")


def _raise_from(filename: str) -> BaseException:
    """An exception raised in a function whose frame says it is in ``filename``."""
    namespace: dict[str, Callable[[], object]] = {}
    code = compile(
        "def fail():\n    raise KeyError('from elsewhere')\n", filename, "exec"
    )
    exec(code, namespace)
    return _raised(namespace["fail"])


def test_routetree_frames_are_left_out() -> None:
    exc = _raised(Response.json, object())  # raises in routetree/_json.py
    assert f"{os.sep}routetree{os.sep}_json.py" in "".join(
        traceback.format_exception(exc, chain=False)
    )
    text = user_traceback(exc, chain=False)
    assert text.startswith("Traceback (most recent call last):\n")
    assert f'File "{__file__}"' in text
    assert PACKAGE_DIR not in text
    assert text.endswith(
        "".join(traceback.format_exception_only(exc)),
    )


def test_frames_of_routetree_subpackages_are_left_out() -> None:
    exc = _raised(functools.partial(parse_segment, "[", where="app/[/route.py"))
    assert isinstance(exc, InvalidSegmentError)
    full = "".join(traceback.format_exception(exc))
    assert f"{os.sep}_routing{os.sep}_segments.py" in full
    text = user_traceback(exc)
    assert f'File "{__file__}"' in text
    assert "_segments.py" not in text
    assert PACKAGE_DIR not in text


@pytest.mark.parametrize(
    ("folder", "kept"),
    [
        pytest.param(PACKAGE_DIR, False, id="routetree"),
        pytest.param(os.path.join(PACKAGE_DIR, "_sub"), False, id="subpackage"),
        pytest.param(PACKAGE_DIR + "_extras", True, id="sibling-named-alike"),
    ],
)
def test_only_frames_inside_routetree_count_as_its_own(folder: str, kept: bool) -> None:
    filename = os.path.join(folder, "plugin.py")
    text = user_traceback(_raise_from(filename))
    assert (f'File "{filename}", line 2, in fail' in text) is kept
    assert text.endswith("KeyError: 'from elsewhere'\n")


def test_frozen_importlib_frames_are_left_out() -> None:
    exc = _raised(importlib.import_module, "routetree_no_such_module_xyz")
    assert "<frozen" in "".join(traceback.format_exception(exc))
    text = user_traceback(exc)
    assert "<frozen" not in text
    assert f'File "{__file__}"' in text
    assert text.endswith(
        "ModuleNotFoundError: No module named 'routetree_no_such_module_xyz'\n"
    )


def test_without_user_frames_only_the_exception_line_is_left() -> None:
    assert user_traceback(ValueError("never raised")) == "ValueError: never raised\n"


def _raise_chained() -> None:
    try:
        int("missing")
    except ValueError as exc:
        raise ValueError("wrapped") from exc


def test_chain_shows_the_cause_first_unless_turned_off() -> None:
    exc = _raised(_raise_chained)
    chained = user_traceback(exc)
    assert chained.index("ValueError: invalid literal") < chained.index(
        "ValueError: wrapped"
    )
    assert "The above exception was the direct cause" in chained
    alone = user_traceback(exc, chain=False)
    assert "invalid literal" not in alone
    assert alone.startswith("Traceback (most recent call last):\n")
    assert alone.endswith("ValueError: wrapped\n")


def test_syntax_error_shows_its_position() -> None:
    exc = _raised(compile, "def f(:\n    pass\n", "broken.py", "exec")
    text = user_traceback(exc, chain=False)
    assert 'File "broken.py", line 1' in text
    assert "def f(:" in text
    assert text.rstrip().endswith("SyntaxError: invalid syntax")


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        (404, "Not Found"),
        (413, "Content Too Large"),
        (422, "Unprocessable Content"),
        (418, "I'm a Teapot"),
        (599, ""),
    ],
)
def test_reason_phrase_is_rfc_9110s(status: int, phrase: str) -> None:
    assert reason_phrase(status) == phrase


def test_request_validation_error_is_a_422_http_error_summing_up_its_fields() -> None:
    errors: list[dict[str, object]] = [
        {"type": "missing", "loc": ["body", "email"], "msg": "Field required"},
        {"type": "int_parsing", "loc": ["query", "page"], "msg": "Not an int"},
    ]
    error = RequestValidationError(errors)
    assert isinstance(error, HTTPError)
    assert error.status == 422
    assert error.errors == errors
    assert error.detail == "body.email: Field required; query.page: Not an int"
