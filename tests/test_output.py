"""Atomic writes: the stamp a write returns is the file's, and a failed write leaves nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.output import write_if_changed, write_output


def test_new_file_in_new_folders_and_its_stamp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "index.html"
    written, stamp = write_output(target, b"<p>one</p>", None)
    st = target.stat()
    assert written and target.read_bytes() == b"<p>one</p>"
    assert stamp[:2] == (st.st_size, st.st_mtime_ns)  # a later stat sees the same file
    assert write_output(target, b"<p>one</p>", stamp) == (False, stamp)
    assert write_if_changed(target, b"<p>one</p>") is False
    assert write_if_changed(target, b"<p>two</p>") is True
    assert target.read_bytes() == b"<p>two</p>"
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]  # no temp file left


def test_a_failed_rename_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "page"
    target.mkdir()  # a folder where the file should go: the rename fails
    (target / "keep.txt").write_text("x")
    with pytest.raises(OSError):
        write_output(target, b"data", None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page"]
    assert (target / "keep.txt").read_text() == "x"


@pytest.mark.skipif(os.name != "posix", reason="umask is POSIX")
def test_new_files_get_the_umask_mode_as_open_gives_it(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_output(tmp_path / "f", b"x", None)
    finally:
        os.umask(old)
    assert (tmp_path / "f").stat().st_mode & 0o777 == 0o644
