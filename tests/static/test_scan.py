"""Reading public/ into the list of files to serve, and what is left out."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from routetree._static._scan import scan_public
from tests.static.project import make_static_project

if TYPE_CHECKING:
    from pathlib import Path


def test_a_project_without_public_has_no_files(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    scan = scan_public(tmp_path)
    assert scan.files == []
    assert scan.warnings == []


def test_public_that_is_a_file_has_no_files(tmp_path: Path) -> None:
    (tmp_path / "public").write_text("not a folder")
    assert scan_public(tmp_path).files == []


def test_files_are_listed_in_path_order_with_their_types(tmp_path: Path) -> None:
    project = make_static_project(tmp_path)
    scan = scan_public(project)
    by_path = {file.path: file for file in scan.files}
    pixel = by_path["/images/nested/deep/pixel.png"]
    assert pixel.names == ("images", "nested", "deep", "pixel.png")
    assert pixel.relative_file == "public/images/nested/deep/pixel.png"
    assert pixel.content_type == "image/png"
    assert pixel.real_path == os.path.realpath(
        project / "public/images/nested/deep/pixel.png"
    )
    assert [file.names for file in scan.files] == sorted(
        file.names for file in scan.files
    )


def test_dotfiles_are_skipped_but_well_known_is_served(tmp_path: Path) -> None:
    project = make_static_project(tmp_path)
    paths = {file.path for file in scan_public(project).files}
    assert "/.well-known/security.txt" in paths
    assert "/.env" not in paths
    assert "/.hidden/note.txt" not in paths
    assert "/.well-known/.hidden.txt" not in paths


def test_a_nested_well_known_folder_is_hidden(tmp_path: Path) -> None:
    nested = tmp_path / "public" / "docs" / ".well-known"
    nested.mkdir(parents=True)
    (nested / "x.txt").write_text("x")
    assert scan_public(tmp_path).files == []


def test_links_inside_public_are_served_as_their_target(tmp_path: Path) -> None:
    project = make_static_project(tmp_path)
    by_path = {file.path: file for file in scan_public(project).files}
    link = by_path["/inside-link.txt"]
    assert link.real_path == os.path.realpath(project / "public" / "robots.txt")


def test_links_out_of_public_are_left_out_with_a_warning(tmp_path: Path) -> None:
    project = make_static_project(tmp_path)
    scan = scan_public(project)
    paths = {file.path for file in scan.files}
    for left_out in ("/outside.txt", "/absolute.txt", "/passwd", "/dangling.txt"):
        assert left_out not in paths
    assert not any(path.startswith("/linked-dir") for path in paths)
    outside = os.path.realpath(project / "secret.txt")
    assert (
        f"public/outside.txt is a symbolic link to {outside}, outside public/, so it "
        "is not served: routetree serves only the files inside public/. Copy the "
        "file into public/ instead."
    ) in scan.warnings
    assert any(
        w.startswith("public/absolute.txt is a symbolic link") for w in scan.warnings
    )
    assert any(w.startswith("public/passwd is a symbolic link") for w in scan.warnings)
    assert (
        "public/linked-dir is a symbolic link to a folder, and routetree does not "
        "follow links to folders in public/, so nothing below it is served. Move or "
        "copy the folder into public/."
    ) in scan.warnings
    assert "public/dangling.txt cannot be read, so it is not served." in scan.warnings
    assert len(scan.warnings) == 5


def test_a_public_folder_that_is_a_link_is_read_where_it_points(tmp_path: Path) -> None:
    real = tmp_path / "assets"
    real.mkdir()
    (real / "a.txt").write_text("a")
    project = tmp_path / "project"
    project.mkdir()
    os.symlink(real, project / "public")
    [file] = scan_public(project).files
    assert file.path == "/a.txt"
    assert file.real_path == os.path.realpath(real / "a.txt")


def test_a_name_that_is_not_utf8_is_left_out_with_a_warning(tmp_path: Path) -> None:
    public = tmp_path / "public"
    public.mkdir()
    (public / "ok.txt").write_text("ok")
    os.close(
        os.open(
            os.path.join(os.fsencode(public), b"bad\xff.txt"), os.O_CREAT | os.O_WRONLY
        )
    )
    scan = scan_public(tmp_path)
    assert [file.path for file in scan.files] == ["/ok.txt"]
    assert scan.warnings == [
        "public/bad\\udcff.txt has a name that is not UTF-8, so it has no URL and is "
        "not served. Rename it."
    ]


def test_a_fifo_is_not_a_file(tmp_path: Path) -> None:
    public = tmp_path / "public"
    public.mkdir()
    os.mkfifo(public / "pipe")
    assert scan_public(tmp_path).files == []
