"""``dates --suggest`` on what real repositories and hostile ones hold: a page that is a
symlink out of the space (its prose was read: "Published …" in a file outside), a named pipe
(the read waited for ever) or ``/dev/zero`` (14 GB read); and a commit dated as git allows
and Python does not (an offset of +99:59, the year 11476), which ended the run with
"unexpected error: ValueError"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import git
from tests.gitbook.conftest import write_space

SUMMARY = "# Table of contents\n\n* [Intro](README.md)\n* [Out](out.md)\n* [Pipe](pipe.md)\n"


def _space(root: Path) -> Path:
    write_space(root, {"SUMMARY.md": SUMMARY, "README.md": "# Intro\n\nHello.\n"})
    git(root, "init", "-q", "-b", "main")
    return root


def test_a_page_that_is_no_regular_file_inside_the_space_is_not_read(tmp_path: Path) -> None:
    root = _space(tmp_path / "space")
    outside = tmp_path / "outside.md"
    outside.write_text("# Out\n\nPublished Jan 27, 2020.\n", encoding="utf-8")
    (root / "out.md").symlink_to(outside)
    os.mkfifo(root / "pipe.md")
    git(root, "add", "README.md", "SUMMARY.md", "out.md", "publish.toml")
    git(root, "commit", "-q", "-m", "start", date="2024-03-01T10:00:00+00:00")
    cmd = [sys.executable, "-m", "pipeline", "dates", "--suggest", "--config", "publish.toml"]
    cmd += ["--content", "."]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "2020-01-27" not in done.stdout  # the prose of a file outside the space
    assert "out.md: 2024-03-01" in done.stdout  # dated by the commit that added it


@pytest.mark.parametrize("date", ["@1000000000 +9959", "@1000000000 -2400", "@300000000000 +0000"])
def test_a_commit_dated_past_what_python_reads_is_left_out(tmp_path: Path, date: str) -> None:
    root = _space(tmp_path / "space")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "odd", date=date)
    (root / "out.md").write_text("# Out\n\nText.\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "later", date="2024-03-01T10:00:00+00:00")
    config = ["--config", str(root / "publish.toml"), "--content", str(root)]
    result = CliRunner().invoke(main, ["dates", "--suggest", *config])
    assert result.exit_code == 0, result.output
    assert "unexpected error" not in result.output
    assert "out.md: 2024-03-01" in result.stdout
