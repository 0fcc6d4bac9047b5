"""Route segment config: the module-level constants a ``route.py`` may export.

==========================  ==========================================  ===============
constant                    values                                      default
==========================  ==========================================  ===============
``dynamic``                 "auto", "force-dynamic", "force-static",    "auto"
                            "error"
``revalidate``              False, 0, or seconds > 0                    None (not set)
``dynamic_params``          bool                                        True
``max_duration``            seconds > 0 (504 past it)                   None (no limit)
``max_body_size``           int bytes, or "512b", "1kb", "10mb", "1gb"  the app's
                                                                        (10 MB)
``max_fields``              int >= 0: non-file fields in a form         the app's (1000)
``max_files``               int >= 0: files in a form                   the app's (1000)
``max_part_size``           a size, like max_body_size: one non-file    the app's
                            field of a form                             (1 MB)
``max_message_size``        a size, like max_body_size: the largest         the app's
                            incoming WebSocket message (close 1009)     (1 MB)
``generate_static_params``  a function returning a list of param dicts  None
==========================  ==========================================  ===============

They are read once, when the route is loaded; a wrong value is a `ConfigError` naming
the file, the constant and the accepted values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._errors import ConfigError
from .._forms import FormLimits

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

__all__ = [
    "DYNAMIC_MODES",
    "SegmentConfig",
    "parse_byte_size",
    "parse_count",
    "read_segment_config",
]

DYNAMIC_MODES = ("auto", "force-dynamic", "force-static", "error")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}


@dataclass(frozen=True, slots=True)
class SegmentConfig:
    """The segment config of one route file, validated."""

    dynamic: str = "auto"
    revalidate: float | bool | None = None
    dynamic_params: bool = True
    max_duration: float | None = None
    max_body_size: int | None = None
    max_fields: int | None = None
    max_files: int | None = None
    max_part_size: int | None = None
    max_message_size: int | None = None
    generate_static_params: Callable[[], object] | None = None

    def form_limits(self, default: FormLimits) -> FormLimits:
        """The route's form limits: its own constants, else ``default``'s."""
        return FormLimits(
            max_fields=default.max_fields
            if self.max_fields is None
            else self.max_fields,
            max_files=default.max_files if self.max_files is None else self.max_files,
            max_part_size=default.max_part_size
            if self.max_part_size is None
            else self.max_part_size,
        )


def parse_byte_size(
    value: object, *, what: str, example: str = 'max_body_size = "10mb"'
) -> int:
    """Turn ``1048576``, ``"1kb"`` or ``"10mb"`` into a number of bytes.

    Units are 1024-based.

    Raises:
        ConfigError: The value is not a non-negative int or a size string; ``what``
            names it, and ``example`` shows a valid setting.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and (found := _SIZE.match(value)):
        unit = (found.group(2) or "b").lower()
        return int(float(found.group(1)) * _UNITS[unit])
    raise ConfigError(
        f"{what} = {value!r} is not a size: use a number of bytes or a string with a "
        f"unit b, kb, mb or gb, e.g. {example}."
    )


def parse_count(value: object, *, what: str) -> int:
    """Check that ``value`` is a whole number, 0 or more (``max_fields = 1000``).

    Raises:
        ConfigError: It is not; ``what`` names it.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ConfigError(
        f"{what} = {value!r} is not a count: use a whole number, 0 or more."
    )


def read_segment_config(module: ModuleType, where: str) -> SegmentConfig:
    """Read and validate the segment config constants of a loaded route module.

    Raises:
        ConfigError: A constant has a value routetree cannot use.
    """
    dynamic = getattr(module, "dynamic", "auto")
    if dynamic not in DYNAMIC_MODES:
        raise ConfigError(
            f"dynamic = {dynamic!r} in {where} is not valid: use one of "
            + ", ".join(repr(m) for m in DYNAMIC_MODES)
            + "."
        )
    revalidate = getattr(module, "revalidate", None)
    if (
        revalidate is not None
        and revalidate is not False
        and (
            isinstance(revalidate, bool)
            or not isinstance(revalidate, int | float)
            or revalidate < 0
        )
    ):
        raise ConfigError(
            f"revalidate = {revalidate!r} in {where} is not valid: use False "
            "(cache forever), 0 (never cache) or a number of seconds."
        )
    dynamic_params = getattr(module, "dynamic_params", True)
    if not isinstance(dynamic_params, bool):
        raise ConfigError(
            f"dynamic_params = {dynamic_params!r} in {where} must be True or False."
        )
    max_duration = getattr(module, "max_duration", None)
    if max_duration is not None and (
        isinstance(max_duration, bool)
        or not isinstance(max_duration, int | float)
        or max_duration <= 0
    ):
        raise ConfigError(
            f"max_duration = {max_duration!r} in {where} must be a number of seconds "
            "above 0."
        )
    raw_size = getattr(module, "max_body_size", None)
    max_body_size = (
        None
        if raw_size is None
        else parse_byte_size(raw_size, what=f"max_body_size in {where}")
    )
    counts = {
        name: None
        if (raw := getattr(module, name, None)) is None
        else parse_count(raw, what=f"{name} in {where}")
        for name in ("max_fields", "max_files")
    }
    raw_part_size = getattr(module, "max_part_size", None)
    max_part_size = (
        None
        if raw_part_size is None
        else parse_byte_size(
            raw_part_size,
            what=f"max_part_size in {where}",
            example='max_part_size = "1mb"',
        )
    )
    raw_message_size = getattr(module, "max_message_size", None)
    max_message_size = (
        None
        if raw_message_size is None
        else parse_byte_size(
            raw_message_size,
            what=f"max_message_size in {where}",
            example='max_message_size = "1mb"',
        )
    )
    generate = getattr(module, "generate_static_params", None)
    if generate is not None and not callable(generate):
        raise ConfigError(
            f"generate_static_params in {where} must be a function returning a list of "
            "param dicts."
        )
    return SegmentConfig(
        dynamic=dynamic,
        revalidate=revalidate,
        dynamic_params=dynamic_params,
        max_duration=None if max_duration is None else float(max_duration),
        max_body_size=max_body_size,
        max_fields=counts["max_fields"],
        max_files=counts["max_files"],
        max_part_size=max_part_size,
        max_message_size=max_message_size,
        generate_static_params=generate,
    )
