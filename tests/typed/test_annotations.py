"""Resolving a handler's annotations one by one, and what each one asks for."""

from __future__ import annotations

import functools
from typing import Annotated, Any, Never, NoReturn, Optional, Union

import pytest

from routetree import Request, Response, RouteContext
from routetree._response import ContinueDirective
from routetree._typed._annotations import (
    describe,
    is_context_annotation,
    is_response_annotation,
    namespace_of,
    resolve_annotation,
)


class _Model:
    pass


class _MyRequest(Request):
    pass


def _handler(request: Request, body: _Model) -> list[_Model]:
    raise NotImplementedError


class _Callable:
    async def __call__(self, request: Request) -> Response:
        raise NotImplementedError


def test_a_string_annotation_resolves_in_the_function_module() -> None:
    namespace = namespace_of(_handler)
    assert resolve_annotation("_Model", namespace) is _Model
    assert resolve_annotation("list[_Model]", namespace) == list[_Model]


def test_strings_nested_in_an_annotation_resolve_too() -> None:
    assert resolve_annotation(list["_Model"], namespace_of(_handler)) == list[_Model]


def test_annotated_is_kept() -> None:
    resolved = resolve_annotation("Annotated[int, 'meta']", {"Annotated": Annotated})
    assert resolved == Annotated[int, "meta"]


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        pytest.param("Undefined", NameError, id="undefined-name"),
        pytest.param("list[int", SyntaxError, id="not-an-expression"),
    ],
)
def test_an_unresolvable_annotation_raises(raw: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        resolve_annotation(raw, {})


def test_namespace_of_a_partial_a_callable_object_and_a_wrapper() -> None:
    @functools.wraps(_handler)
    def wrapper(*args: object) -> object:
        raise NotImplementedError

    for func in (
        functools.partial(_handler),
        _Callable(),
        wrapper,
        _Callable().__call__,
    ):
        assert namespace_of(func) is globals()


@pytest.mark.parametrize(
    ("annotation", "strict", "loose"),
    [
        pytest.param(Request, True, True, id="Request"),
        pytest.param(RouteContext, True, True, id="RouteContext"),
        pytest.param(_MyRequest, True, True, id="a-subclass"),
        pytest.param(Optional[Request], True, True, id="Optional"),  # noqa: UP045
        pytest.param(RouteContext | None, True, True, id="or-None"),
        pytest.param(Annotated[Request, "x"], True, True, id="Annotated"),
        pytest.param(Any, False, True, id="Any"),
        pytest.param(object, False, True, id="object"),
        pytest.param(Union[Request, int], False, False, id="union-with-int"),  # noqa: UP007
        pytest.param(dict[str, str], False, False, id="dict"),
        pytest.param(_Model, False, False, id="a-model"),
        pytest.param(None, False, False, id="None"),
    ],
)
def test_context_annotations(annotation: object, strict: bool, loose: bool) -> None:
    assert is_context_annotation(annotation, loose=False) is strict
    assert is_context_annotation(annotation, loose=True) is loose


@pytest.mark.parametrize(
    ("annotation", "no_model"),
    [
        pytest.param(Response, True, id="Response"),
        pytest.param(ContinueDirective, True, id="a-subclass"),
        pytest.param(Response | None, True, id="Response-or-None"),
        pytest.param(Union[Response, dict[str, int]], True, id="union-with-Response"),  # noqa: UP007
        pytest.param(Annotated[Response, "x"], True, id="Annotated-Response"),
        pytest.param(Any, True, id="Any"),
        pytest.param(object, True, id="object"),
        pytest.param(None, True, id="None"),
        pytest.param(type(None), True, id="NoneType"),
        pytest.param(NoReturn, True, id="NoReturn"),
        pytest.param(Never, True, id="Never"),
        pytest.param(_Model, False, id="a-model"),
        pytest.param(list[_Model], False, id="a-list"),
        pytest.param(_Model | None, False, id="a-model-or-None"),
        pytest.param(dict[str, int], False, id="a-dict"),
    ],
)
def test_response_annotations(annotation: object, no_model: bool) -> None:
    assert is_response_annotation(annotation) is no_model


@pytest.mark.parametrize(
    ("annotation", "text"),
    [
        pytest.param("UserIn", "UserIn", id="a-string-as-written"),
        pytest.param(_Model, "_Model", id="a-class"),
        pytest.param(list[_Model], "list[_Model]", id="module-prefix-dropped"),
        pytest.param(dict[str, int], "dict[str, int]", id="builtins"),
        pytest.param(Optional[int], "Optional[int]", id="typing-prefix-dropped"),  # noqa: UP045
    ],
)
def test_describe_shows_an_annotation_as_written(annotation: object, text: str) -> None:
    assert describe(annotation) == text
