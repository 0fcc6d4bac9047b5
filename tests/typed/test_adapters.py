"""One TypeAdapter per annotation, built at start-up, and the keys an object reads."""

from __future__ import annotations

import dataclasses
import typing

import pytest
import typing_extensions
from pydantic import BaseModel, Field

from routetree import UploadFile  # noqa: TC001 - pydantic reads it at run time
from routetree._errors import RouteImportError
from routetree._typed._adapters import ObjectFields, build_adapter, object_fields

OWNER = "GET in app/api/x/route.py"


class _Item(BaseModel):
    name: str


class _Query(BaseModel):
    limit: int = 20
    tags: list[str] = []
    ids: set[int] | None = None
    token: str = Field(default="", alias="X-Token")
    items: list[_Item] = []
    nested: _Item | None = None


class _Typed(typing_extensions.TypedDict):
    a: int
    b: typing_extensions.NotRequired[list[str]]


@dataclasses.dataclass
class _Data:
    upload: UploadFile
    uploads: list[UploadFile]


class _Plain:
    pass


class _OldTypedDict(typing.TypedDict):
    a: int


class _Tree(BaseModel):
    children: list[_Tree] = []


def _fields(annotation: object) -> ObjectFields:
    return object_fields(build_adapter(annotation, OWNER, "`query`"), OWNER, "`query`")


def test_an_adapter_validates_its_annotation() -> None:
    adapter = build_adapter(list[_Item], OWNER, "`body: list[Item]`")
    assert adapter.validate_python([{"name": "a"}]) == [_Item(name="a")]


@pytest.mark.parametrize(
    ("annotation", "reason"),
    [
        pytest.param(
            _Plain, "Unable to generate pydantic-core schema for", id="plain-class"
        ),
        pytest.param(
            _OldTypedDict,
            "Please use `typing_extensions.TypedDict` instead of `typing.TypedDict`",
            id="typing-TypedDict-on-3.11",
        ),
        pytest.param(
            list["Undefined"],  # type: ignore[name-defined]  # noqa: F821
            "name 'Undefined' is not defined",
            id="undefined-forward-reference",
        ),
    ],
)
def test_a_type_pydantic_cannot_build_is_a_start_up_error(
    annotation: object, reason: str
) -> None:
    with pytest.raises(RouteImportError) as caught:
        build_adapter(annotation, OWNER, "`body: Thing`")
    message = str(caught.value)
    assert message.startswith(f"{OWNER}: pydantic cannot validate `body: Thing`: ")
    assert reason in message
    assert "errors.pydantic.dev" not in message


def test_object_fields_of_a_model_use_aliases_and_find_lists() -> None:
    assert _fields(_Query) == ObjectFields(
        ("limit", "tags", "ids", "X-Token", "items", "nested"),
        frozenset({"tags", "ids", "items"}),
    )


def test_object_fields_of_a_typed_dict_and_a_dataclass() -> None:
    assert _fields(_Typed) == ObjectFields(("a", "b"), frozenset({"b"}))
    assert _fields(_Data) == ObjectFields(("upload", "uploads"), frozenset({"uploads"}))


def test_object_fields_of_a_recursive_model_follow_its_reference() -> None:
    assert _fields(_Tree) == ObjectFields(("children",), frozenset({"children"}))


@pytest.mark.parametrize(
    "annotation",
    [dict[str, str], dict[str, int] | None, typing.Any],
    ids=["dict", "dict-or-None", "Any"],
)
def test_a_mapping_has_no_fixed_keys(annotation: object) -> None:
    assert _fields(annotation) == ObjectFields(None, frozenset())


@pytest.mark.parametrize(
    "annotation", [int, list[str], str | None], ids=["int", "list", "str-or-None"]
)
def test_a_type_that_is_not_an_object_is_a_start_up_error(annotation: object) -> None:
    with pytest.raises(RouteImportError) as caught:
        _fields(annotation)
    assert str(caught.value) == (
        f"{OWNER}: `query` must be an object type (a pydantic model, a TypedDict, a "
        "dataclass or a dict), whose fields are read from the request by name."
    )


def test_a_union_of_objects_reads_the_keys_of_each() -> None:
    assert _fields(_Item | _Typed | None) == ObjectFields(
        ("name", "a", "b"), frozenset({"b"})
    )
