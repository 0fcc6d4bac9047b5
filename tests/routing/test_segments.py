"""Folder names parsed into route segments: kinds, escapes, malformed names."""

from __future__ import annotations

import pytest

from routetree._errors import InvalidSegmentError, RouteTreeError
from routetree._routing._segments import (
    Segment,
    SegmentKind,
    is_private_folder,
    parse_segment,
)

WHERE = "app/api/x/route.py"


@pytest.mark.parametrize(
    ("folder", "kind", "name"),
    [
        ("users", SegmentKind.STATIC, "users"),
        ("[id]", SegmentKind.DYNAMIC, "id"),
        ("[user_id]", SegmentKind.DYNAMIC, "user_id"),
        ("[...path]", SegmentKind.CATCH_ALL, "path"),
        ("[[...slug]]", SegmentKind.OPTIONAL_CATCH_ALL, "slug"),
        ("(admin)", SegmentKind.GROUP, "admin"),
        ("%5Funder", SegmentKind.STATIC, "_under"),
        ("%5funder", SegmentKind.STATIC, "_under"),
        ("rss.xml", SegmentKind.STATIC, "rss.xml"),
        ("hello.json", SegmentKind.STATIC, "hello.json"),
        ("v1.2.3", SegmentKind.STATIC, "v1.2.3"),
        ("caf\u00e9", SegmentKind.STATIC, "caf\u00e9"),
        ("()", SegmentKind.STATIC, "()"),
    ],
    ids=[
        "static",
        "dynamic",
        "dynamic-underscore-name",
        "catch-all",
        "optional-catch-all",
        "group",
        "escaped-underscore",
        "escaped-underscore-lowercase-hex",
        "dotted",
        "dotted-json",
        "several-dots",
        "non-ascii",
        "empty-parentheses-are-static",
    ],
)
def test_folder_parses_to_segment_kind_and_name(
    folder: str, kind: SegmentKind, name: str
) -> None:
    assert parse_segment(folder, where=WHERE) == Segment(kind, name, folder)


@pytest.mark.parametrize(
    ("folder", "is_dynamic"),
    [
        ("users", False),
        ("(admin)", False),
        ("[id]", True),
        ("[...path]", True),
        ("[[...slug]]", True),
    ],
    ids=["static", "group", "dynamic", "catch-all", "optional-catch-all"],
)
def test_only_bracketed_segments_bind_params(folder: str, is_dynamic: bool) -> None:
    assert parse_segment(folder, where=WHERE).is_dynamic is is_dynamic


def test_segment_kinds_rank_static_first() -> None:
    assert (
        SegmentKind.STATIC
        < SegmentKind.DYNAMIC
        < SegmentKind.CATCH_ALL
        < SegmentKind.OPTIONAL_CATCH_ALL
    )


@pytest.mark.parametrize(
    "folder",
    ["[id", "id]", "[...x]]", "[[...x]", "a[b]", "[id]x"],
    ids=[
        "unclosed",
        "unopened",
        "catch-all-extra-bracket",
        "optional-missing-bracket",
        "bracket-inside-name",
        "text-after-bracket",
    ],
)
def test_malformed_brackets_are_rejected_naming_the_folder(folder: str) -> None:
    with pytest.raises(InvalidSegmentError) as caught:
        parse_segment(folder, where=WHERE)
    assert str(caught.value) == (
        f"Invalid folder name {folder!r} in app/api/x/route.py: a dynamic segment is "
        "written [name], [...name] or [[...name]]. Rename the folder to one of these "
        "forms."
    )


def test_double_brackets_without_spread_suggest_both_fixes() -> None:
    with pytest.raises(InvalidSegmentError) as caught:
        parse_segment("[[id]]", where=WHERE)
    assert str(caught.value) == (
        "Invalid folder name '[[id]]' in app/api/x/route.py: double brackets are only "
        "for an optional catch-all. Rename it to [[...id]] or [id]."
    )


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("[user-id]", "user-id"),
        ("[1x]", "1x"),
        ("[a b]", "a b"),
        ("[]", ""),
        ("[...]", ""),
        ("[...file-path]", "file-path"),
        ("[[...my.slug]]", "my.slug"),
    ],
    ids=[
        "hyphen",
        "leading-digit",
        "space",
        "empty",
        "empty-catch-all",
        "catch-all-hyphen",
        "optional-dot",
    ],
)
def test_param_name_must_be_a_python_identifier(folder: str, name: str) -> None:
    with pytest.raises(InvalidSegmentError) as caught:
        parse_segment(folder, where=WHERE)
    assert str(caught.value) == (
        f"Invalid param name {name!r} in folder {folder!r} (app/api/x/route.py): "
        "param names must be Python identifiers so handlers can read context.params. "
        "Rename the folder, e.g. [user_id]."
    )


def test_invalid_segment_error_is_a_route_tree_error() -> None:
    assert issubclass(InvalidSegmentError, RouteTreeError)


@pytest.mark.parametrize(
    ("folder", "private"),
    [
        ("_lib", True),
        ("_private", True),
        ("__pycache__", True),
        ("_", True),
        ("%5Flib", False),
        ("lib_", False),
        ("lib", False),
        ("[_id]", False),
        ("(group)", False),
    ],
    ids=[
        "underscore-prefix",
        "private",
        "dunder",
        "lone-underscore",
        "escaped-underscore",
        "underscore-suffix",
        "plain",
        "param-named-with-underscore",
        "group",
    ],
)
def test_folder_starting_with_underscore_is_private(folder: str, private: bool) -> None:
    assert is_private_folder(folder) is private


@pytest.mark.parametrize(
    ("folder", "notation"),
    [
        ("users", "users"),
        ("[id]", "[id]"),
        ("[...path]", "[...path]"),
        ("[[...slug]]", "[[...slug]]"),
        ("rss.xml", "rss.xml"),
        ("%5Funder", "_under"),
    ],
    ids=["static", "dynamic", "catch-all", "optional", "dotted", "escaped-underscore"],
)
def test_notation_writes_segment_as_route_tables_show_it(
    folder: str, notation: str
) -> None:
    assert parse_segment(folder, where=WHERE).notation() == notation


@pytest.mark.parametrize(
    ("folder", "key"),
    [
        ("users", "users"),
        ("caf\u00e9", "caf%C3%A9"),
        ("rss.xml", "rss.xml"),
        ("%5Funder", "_under"),
        ("a b", "a%20b"),
        ("100%", "100%25"),
        ("a:b@c", "a:b@c"),
        ("x!$&'()*+,;=~-", "x!$&'()*+,;=~-"),
        ("\u2615", "%E2%98%95"),
    ],
    ids=[
        "ascii",
        "non-ascii-utf8-escaped",
        "dot-kept",
        "escaped-underscore",
        "space-escaped",
        "percent-escaped",
        "colon-at-kept",
        "pchar-sub-delims-kept",
        "emoji",
    ],
)
def test_match_key_is_the_raw_path_text_a_client_sends(folder: str, key: str) -> None:
    assert parse_segment(folder, where=WHERE).match_key == key
