"""The ``health`` key: its paths, read from the config file, and what it refuses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree._config._health import HealthConfig
from routetree._config._loading import load_config
from routetree._errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path


def _load(tmp_path: Path, toml: str) -> HealthConfig | None:
    (tmp_path / "routetree.toml").write_text(toml, encoding="utf-8")
    return load_config(tmp_path).health


def test_no_health_key_means_no_endpoints(tmp_path: Path) -> None:
    assert load_config(tmp_path).health is None


def test_both_paths(tmp_path: Path) -> None:
    toml = 'health = { live = "/livez", ready = "/readyz" }\n'
    assert _load(tmp_path, toml) == HealthConfig(live="/livez", ready="/readyz")


def test_one_path_alone(tmp_path: Path) -> None:
    assert _load(tmp_path, '[health]\nready = "/-/ready"\n') == HealthConfig(
        ready="/-/ready"
    )


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("health = {}", "health: name at least one endpoint, such as health = "),
        (
            'health = { live = "/h", ready = "/h" }',
            "health: live and ready are both '/h': give them different paths",
        ),
        (
            'health = { live = "livez" }',
            "health.live: 'livez' is not a URL path: it must start with \"/\"",
        ),
        (
            'health = { live = "/livez", startup = "/startz" }',
            "health.startup: unknown key 'startup'",
        ),
    ],
)
def test_invalid_health_names_the_key(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, toml)
    assert f"routetree.toml: {message}" in str(info.value)
