"""routetree._config._file: which file holds a project's config."""

from __future__ import annotations

from pathlib import Path

import pytest

from routetree._config._file import CONFIG_FILE_NAMES, find_config_file

PYPROJECT_CASES: list[tuple[str, bytes, bool]] = [
    ("tool-table", b'[tool.routetree]\nbase_path = "/v1"\n', True),
    ("empty-tool-table", b"[tool.routetree]\n", True),
    ("sub-table-only", b'[tool.routetree.cors]\norigins = ["*"]\n', True),
    ("dotted-key", b'[tool]\nroutetree.base_path = "/v1"\n', True),
    # Not a table: it counts, so that loading says it must be one.
    ("not-a-table", b'[tool]\nroutetree = "yes"\n', True),
    ("no-tool-table", b'[project]\nname = "app"\n[tool.ruff]\n', False),
    (
        "dependency-only",
        b'[project]\nname = "app"\ndependencies = ["routetree>=0.1"]\n',
        False,
    ),
    ("commented-out", b"# [tool.routetree]\n[project]\nname = 'app'\n", False),
    ("empty", b"", False),
    # Broken files: reported by loading when they may hold the config.
    ("invalid-toml-mentioning-routetree", b"[tool.routetree\n", True),
    ("invalid-toml-without-routetree", b"[project\n", False),
    ("not-utf8-mentioning-routetree", b"[tool.routetree]\nx = '\xff'\n", True),
    ("not-utf8-without-routetree", b"[project]\nx = '\xff'\n", False),
]


@pytest.mark.parametrize(
    ("text", "counts"),
    [case[1:] for case in PYPROJECT_CASES],
    ids=[case[0] for case in PYPROJECT_CASES],
)
def test_pyproject_counts_when_it_has_a_tool_routetree_table(
    tmp_path: Path, text: bytes, counts: bool
) -> None:
    (tmp_path / "pyproject.toml").write_bytes(text)
    expected = tmp_path / "pyproject.toml" if counts else None
    assert find_config_file(tmp_path) == expected


def test_no_file_is_no_config(tmp_path: Path) -> None:
    assert find_config_file(tmp_path) is None


@pytest.mark.parametrize("text", ["", 'base_path = "/v1"\n', "not toml ["])
def test_routetree_toml_applies_whatever_it_holds(tmp_path: Path, text: str) -> None:
    (tmp_path / "routetree.toml").write_text(text, encoding="utf-8")
    assert find_config_file(tmp_path) == tmp_path / "routetree.toml"


@pytest.mark.parametrize(
    "pyproject",
    [b'[tool.routetree]\nbase_path = "/v1"\n', b"[tool.routetree\n", b"[project]\n"],
    ids=["valid", "invalid", "no-table"],
)
def test_routetree_toml_wins_over_pyproject(tmp_path: Path, pyproject: bytes) -> None:
    (tmp_path / "pyproject.toml").write_bytes(pyproject)
    (tmp_path / "routetree.toml").write_text("", encoding="utf-8")
    assert find_config_file(tmp_path) == tmp_path / "routetree.toml"


def test_a_folder_named_like_a_config_file_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "routetree.toml").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.routetree]\n", encoding="utf-8")
    assert find_config_file(tmp_path) == tmp_path / "pyproject.toml"
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "pyproject.toml").mkdir()
    assert find_config_file(tmp_path) is None


def test_unreadable_pyproject_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\n", encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert find_config_file(tmp_path) == tmp_path / "pyproject.toml"


def test_config_file_names_in_order_of_precedence() -> None:
    assert CONFIG_FILE_NAMES == ("routetree.toml", "pyproject.toml")
