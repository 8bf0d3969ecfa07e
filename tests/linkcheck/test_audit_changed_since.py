"""``links --changed-since REF`` passed REF to ``git diff`` as it was: one that starts with
``-`` is an option to git, and ``--changed-since=--output=content/essays/a.md`` emptied that
content file (git diff wrote its output there), then reported no links, exit 0. Such a REF
is refused before git runs (exit 3)."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import git
from tests.hostile.sites import essay, make_site

TEXT = essay(body="See [the missing page](missing.md).\n")


def _repo(root: Path) -> Path:
    config = make_site(root, {"essays/a.md": TEXT})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    return config


def test_a_revision_that_is_an_option_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    config = _repo(tmp_path)
    target = tmp_path / "content/essays/a.md"
    ref = f"--output={target}"
    args = ["links", "--offline", "--config", str(config), f"--changed-since={ref}"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3, result.output
    assert f"--changed-since: {ref!r} is not a git revision" in result.stderr
    assert target.read_text(encoding="utf-8") == TEXT


def test_a_revision_still_selects_the_changed_files(tmp_path: Path) -> None:
    config = _repo(tmp_path)
    (tmp_path / "content/essays/b.md").write_text(TEXT, encoding="utf-8")
    args = ["links", "--offline", "--config", str(config), "--changed-since=HEAD"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "essays/b.md" in result.stdout
    assert "essays/a.md" not in result.stdout


def test_a_changed_file_whose_name_is_not_utf8_is_named_not_a_crash(tmp_path: Path) -> None:
    """git names an untracked ``b\\xff.md`` in bytes: read strictly as UTF-8 they ended the run
    with "unexpected error: UnicodeDecodeError" (exit 1); the file is named as any run names
    it, and the others are checked."""
    config = _repo(tmp_path)
    (tmp_path / "content/essays").joinpath(os.fsdecode(b"b\xff.md")).write_text(TEXT, "utf-8")
    (tmp_path / "content/essays/c.md").write_text(TEXT, encoding="utf-8")
    args = ["links", "--offline", "--config", str(config), "--changed-since", "HEAD"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 2), result.output
    assert "unexpected error" not in result.output
    assert "the file name is not UTF-8 text" in result.stderr
