"""Route segment config constants: accepted values, rejected values, byte sizes."""

from __future__ import annotations

from types import ModuleType

import pytest

from routetree._errors import ConfigError
from routetree._forms import FormLimits
from routetree._routing._segment_config import (
    SegmentConfig,
    parse_byte_size,
    parse_count,
    read_segment_config,
)

WHERE = "app/api/x/route.py"


def _module(**constants: object) -> ModuleType:
    module = ModuleType("route")
    for name, value in constants.items():
        setattr(module, name, value)
    return module


def _generate() -> list[dict[str, str]]:
    return [{"slug": "a"}]


def test_module_without_constants_gets_the_defaults() -> None:
    config = read_segment_config(_module(), WHERE)
    assert config == SegmentConfig()
    assert config == SegmentConfig(
        dynamic="auto",
        revalidate=None,
        dynamic_params=True,
        max_duration=None,
        max_body_size=None,
        max_fields=None,
        max_files=None,
        max_part_size=None,
        max_message_size=None,
        generate_static_params=None,
    )


@pytest.mark.parametrize(
    ("name", "value", "field", "expected"),
    [
        ("dynamic", "auto", "dynamic", "auto"),
        ("dynamic", "force-dynamic", "dynamic", "force-dynamic"),
        ("dynamic", "force-static", "dynamic", "force-static"),
        ("dynamic", "error", "dynamic", "error"),
        ("revalidate", False, "revalidate", False),
        ("revalidate", 0, "revalidate", 0),
        ("revalidate", 60, "revalidate", 60),
        ("revalidate", 1.5, "revalidate", 1.5),
        ("dynamic_params", True, "dynamic_params", True),
        ("dynamic_params", False, "dynamic_params", False),
        ("max_duration", 10, "max_duration", 10.0),
        ("max_duration", 0.5, "max_duration", 0.5),
        ("max_body_size", 512, "max_body_size", 512),
        ("max_body_size", "10mb", "max_body_size", 10 * 1024 * 1024),
        ("max_body_size", "1kb", "max_body_size", 1024),
        ("max_fields", 5000, "max_fields", 5000),
        ("max_fields", 0, "max_fields", 0),
        ("max_files", 3, "max_files", 3),
        ("max_part_size", 4096, "max_part_size", 4096),
        ("max_part_size", "2mb", "max_part_size", 2 * 1024 * 1024),
        ("max_message_size", 16, "max_message_size", 16),
        ("max_message_size", "4mb", "max_message_size", 4 * 1024 * 1024),
        ("generate_static_params", _generate, "generate_static_params", _generate),
    ],
    ids=[
        "dynamic-auto",
        "dynamic-force-dynamic",
        "dynamic-force-static",
        "dynamic-error",
        "revalidate-false",
        "revalidate-zero",
        "revalidate-seconds",
        "revalidate-fraction",
        "dynamic-params-true",
        "dynamic-params-false",
        "max-duration-int",
        "max-duration-float",
        "max-body-size-int",
        "max-body-size-mb",
        "max-body-size-kb",
        "max-fields",
        "max-fields-zero",
        "max-files",
        "max-part-size-int",
        "max-part-size-mb",
        "max-message-size-int",
        "max-message-size-mb",
        "generate-static-params",
    ],
)
def test_valid_constant_is_read(
    name: str, value: object, field: str, expected: object
) -> None:
    config = read_segment_config(_module(**{name: value}), WHERE)
    assert getattr(config, field) == expected
    assert type(getattr(config, field)) is type(expected)


def test_max_duration_is_stored_as_float() -> None:
    config = read_segment_config(_module(max_duration=10), WHERE)
    assert config.max_duration == 10.0
    assert isinstance(config.max_duration, float)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "dynamic",
            "static",
            "dynamic = 'static' in app/api/x/route.py is not valid: use one of 'auto', "
            "'force-dynamic', 'force-static', 'error'.",
        ),
        (
            "dynamic",
            "Force-Static",
            "dynamic = 'Force-Static' in app/api/x/route.py is not valid: use one of "
            "'auto', 'force-dynamic', 'force-static', 'error'.",
        ),
        (
            "dynamic",
            True,
            "dynamic = True in app/api/x/route.py is not valid: use one of 'auto', "
            "'force-dynamic', 'force-static', 'error'.",
        ),
        (
            "revalidate",
            -1,
            "revalidate = -1 in app/api/x/route.py is not valid: use False (cache "
            "forever), 0 (never cache) or a number of seconds.",
        ),
        (
            "revalidate",
            True,
            "revalidate = True in app/api/x/route.py is not valid: use False (cache "
            "forever), 0 (never cache) or a number of seconds.",
        ),
        (
            "revalidate",
            "60",
            "revalidate = '60' in app/api/x/route.py is not valid: use False (cache "
            "forever), 0 (never cache) or a number of seconds.",
        ),
        (
            "dynamic_params",
            "false",
            "dynamic_params = 'false' in app/api/x/route.py must be True or False.",
        ),
        (
            "dynamic_params",
            1,
            "dynamic_params = 1 in app/api/x/route.py must be True or False.",
        ),
        (
            "max_duration",
            0,
            "max_duration = 0 in app/api/x/route.py must be a number of seconds "
            "above 0.",
        ),
        (
            "max_duration",
            -5,
            "max_duration = -5 in app/api/x/route.py must be a number of seconds "
            "above 0.",
        ),
        (
            "max_duration",
            True,
            "max_duration = True in app/api/x/route.py must be a number of seconds "
            "above 0.",
        ),
        (
            "max_duration",
            "10",
            "max_duration = '10' in app/api/x/route.py must be a number of seconds "
            "above 0.",
        ),
        (
            "max_body_size",
            "ten",
            "max_body_size in app/api/x/route.py = 'ten' is not a size: use a number "
            "of bytes or a string with a unit b, kb, mb or gb, e.g. "
            'max_body_size = "10mb".',
        ),
        (
            "max_body_size",
            -1,
            "max_body_size in app/api/x/route.py = -1 is not a size: use a number "
            "of bytes or a string with a unit b, kb, mb or gb, e.g. "
            'max_body_size = "10mb".',
        ),
        (
            "max_fields",
            -1,
            "max_fields in app/api/x/route.py = -1 is not a count: use a whole number, "
            "0 or more.",
        ),
        (
            "max_fields",
            "1000",
            "max_fields in app/api/x/route.py = '1000' is not a count: use a whole "
            "number, 0 or more.",
        ),
        (
            "max_files",
            True,
            "max_files in app/api/x/route.py = True is not a count: use a whole "
            "number, 0 or more.",
        ),
        (
            "max_files",
            2.5,
            "max_files in app/api/x/route.py = 2.5 is not a count: use a whole "
            "number, 0 or more.",
        ),
        (
            "max_part_size",
            "huge",
            "max_part_size in app/api/x/route.py = 'huge' is not a size: use a number "
            "of bytes or a string with a unit b, kb, mb or gb, e.g. "
            'max_part_size = "1mb".',
        ),
        (
            "max_message_size",
            "big",
            "max_message_size in app/api/x/route.py = 'big' is not a size: use a "
            "number of bytes or a string with a unit b, kb, mb or gb, e.g. "
            'max_message_size = "1mb".',
        ),
        (
            "generate_static_params",
            [{"slug": "a"}],
            "generate_static_params in app/api/x/route.py must be a function "
            "returning a list of param dicts.",
        ),
    ],
    ids=[
        "dynamic-unknown",
        "dynamic-wrong-case",
        "dynamic-bool",
        "revalidate-negative",
        "revalidate-true",
        "revalidate-string",
        "dynamic-params-string",
        "dynamic-params-int",
        "max-duration-zero",
        "max-duration-negative",
        "max-duration-bool",
        "max-duration-string",
        "max-body-size-word",
        "max-body-size-negative",
        "max-fields-negative",
        "max-fields-string",
        "max-files-bool",
        "max-files-float",
        "max-part-size-word",
        "max-message-size-word",
        "generate-static-params-list",
    ],
)
def test_invalid_constant_is_a_config_error_naming_it_and_the_file(
    name: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        read_segment_config(_module(**{name: value}), WHERE)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "size"),
    [
        (512, 512),
        (0, 0),
        ("512", 512),
        ("512b", 512),
        ("1kb", 1024),
        ("1KB", 1024),
        ("1Kb", 1024),
        ("10mb", 10 * 1024 * 1024),
        (" 10 mb ", 10 * 1024 * 1024),
        ("1gb", 1024**3),
        ("1.5kb", 1536),
    ],
    ids=[
        "int",
        "zero",
        "digits",
        "bytes-unit",
        "kb",
        "kb-upper",
        "kb-mixed-case",
        "mb",
        "spaces",
        "gb",
        "fraction",
    ],
)
def test_byte_size_is_parsed_with_1024_based_units(value: object, size: int) -> None:
    assert parse_byte_size(value, what="max_body_size") == size


@pytest.mark.parametrize(
    "value",
    ["ten", -1, True, False, 1.5, "", "10tb", "-1kb", "kb", None, [1024]],
    ids=[
        "word",
        "negative",
        "true",
        "false",
        "float",
        "empty",
        "unknown-unit",
        "negative-string",
        "unit-only",
        "none",
        "list",
    ],
)
def test_invalid_byte_size_is_a_config_error(value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_byte_size(value, what="max_body_size")
    assert str(caught.value) == (
        f"max_body_size = {value!r} is not a size: use a number of bytes or a string "
        'with a unit b, kb, mb or gb, e.g. max_body_size = "10mb".'
    )


@pytest.mark.parametrize("value", [0, 1, 1000, 10**9], ids=str)
def test_count_is_a_whole_number_from_zero(value: int) -> None:
    assert parse_count(value, what="max_fields") == value


def test_form_limits_take_the_route_constants_over_the_default() -> None:
    default = FormLimits(max_fields=10, max_files=20, max_part_size=30)
    assert SegmentConfig().form_limits(default) == default
    config = read_segment_config(_module(max_files=0, max_part_size="1kb"), WHERE)
    assert config.form_limits(default) == FormLimits(
        max_fields=10, max_files=0, max_part_size=1024
    )
