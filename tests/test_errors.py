"""routetree._errors: `user_traceback` without routetree's frames; `user_location`."""

from __future__ import annotations

import functools
import importlib
import json
import os
import traceback
from typing import TYPE_CHECKING

import pytest

import routetree
from routetree import (
    HTTPError,
    InvalidSegmentError,
    RequestValidationError,
    Response,
    RouteTreeError,
)
from routetree._errors import (
    code_location,
    is_user_file,
    locate,
    reason_phrase,
    user_location,
    user_traceback,
)
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


# --- chained exceptions ---------------------------------------------------------------


def _raise_through_routetree_twice() -> None:
    try:
        Response.json(object())  # raises inside routetree/_json.py
    except TypeError as exc:
        raise RuntimeError("could not answer") from exc


def test_chained_exceptions_lose_routetree_frames_too() -> None:
    exc = _raised(_raise_through_routetree_twice)
    assert f"{os.sep}_json.py" in "".join(traceback.format_exception(exc))
    text = user_traceback(exc)
    assert "The above exception was the direct cause" in text
    assert "TypeError" in text
    assert text.endswith("RuntimeError: could not answer\n")
    assert PACKAGE_DIR not in text


def test_grouped_exceptions_lose_routetree_frames_too() -> None:
    inner = _raised(Response.json, object())
    assert isinstance(inner, TypeError)
    group = ExceptionGroup("several", [inner])
    text = user_traceback(group)
    assert "TypeError" in text
    assert PACKAGE_DIR not in text


# --- where an error points: user_location ---------------------------------------------


def _call_json_loads() -> None:
    json.loads("{")  # the line user_location points at


JSON_LOADS_LINE = _call_json_loads.__code__.co_firstlineno + 1


def test_user_location_is_the_innermost_frame_of_user_code() -> None:
    exc = _raised(_call_json_loads)
    # Python's own innermost frame is in the json package...
    innermost = traceback.extract_tb(exc.__traceback__)[-1]
    assert innermost.filename.endswith(f"json{os.sep}decoder.py")
    # ...but the place to fix is this file.
    assert user_location(exc) == (__file__, JSON_LOADS_LINE)


def test_user_location_skips_routetree_frames() -> None:
    exc = _raised(Response.json, object())
    file, _ = user_location(exc)
    assert file == __file__


def test_user_location_falls_back_to_the_innermost_frame() -> None:
    exc = _raise_from("<generated>")
    assert exc.__traceback__ is not None
    exc.__traceback__ = exc.__traceback__.tb_next  # only the <generated> frame left
    assert user_location(exc) == ("<generated>", 2)


def test_user_location_of_a_syntax_error_is_its_position() -> None:
    exc = _raised(compile, "x = 1\ndef f(:\n", "/project/app/route.py", "exec")
    assert user_location(exc) == ("/project/app/route.py", 2)


def test_locate_points_an_error_routetree_raised_at_user_code() -> None:
    exc = _raised(functools.partial(parse_segment, "[", where="app/[/route.py"))
    locate(exc, "/project/app/[/route.py")
    locate(exc, "/elsewhere.py", 3)  # the first location said stays
    assert user_location(exc) == ("/project/app/[/route.py", None)


def test_a_routetree_error_without_location_points_nowhere() -> None:
    error = RouteTreeError("No app/ folder")
    try:
        raise error
    except RouteTreeError:
        pass
    assert error.__traceback__ is not None
    frames = traceback.extract_tb(error.__traceback__)
    assert all(frame.filename == __file__ for frame in frames)
    # Raised here, in a test file: that frame is user code and wins.
    assert user_location(error) == (__file__, frames[-1].lineno)
    assert user_location(RouteTreeError("never raised")) == (None, None)


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        pytest.param(__file__, True, id="a-project-file"),
        pytest.param(routetree.__file__, False, id="routetree"),
        pytest.param(json.__file__, False, id="standard-library"),
        pytest.param(pytest.__file__, False, id="site-packages"),
        pytest.param("<frozen importlib._bootstrap>", False, id="frozen"),
        pytest.param("<string>", False, id="no-file"),
    ],
)
def test_is_user_file(filename: str, expected: bool) -> None:
    assert is_user_file(filename) is expected


def _decorated(func: Callable[..., object]) -> Callable[..., object]:
    @functools.wraps(func)
    def wrapper(*args: object, **kwargs: object) -> object:
        return func(*args, **kwargs)

    return wrapper


def _handler() -> None:
    pass


class _CallableObject:
    def __call__(self) -> None:
        pass


def test_code_location_is_the_definition_through_decorators_and_partials() -> None:
    where = (__file__, _handler.__code__.co_firstlineno)
    assert code_location(_handler) == where
    assert code_location(_decorated(_handler)) == where
    assert code_location(functools.partial(_decorated(_handler))) == where
    call = _CallableObject.__call__.__code__
    assert code_location(_CallableObject()) == (__file__, call.co_firstlineno)
    assert code_location(len) is None
