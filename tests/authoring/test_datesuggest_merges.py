"""``publish dates --suggest`` on a history with merges: a page a merge commit creates (or
moves) is dated by it; a page added on a branch keeps the date of the commit that wrote it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import git

_MAJOR = "# Major releases\n\n" + "".join(
    f"* Release {n}.0: notes of release {n}.\n" for n in range(20)
)


def _git(repo: Path, *args: str, date: str | None = None) -> str:
    return git(repo, *args, date=f"{date}T12:00:00+00:00" if date else None)


def _write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _merge_repo(tmp_path: Path) -> Path:
    """main: the home page and the major releases page (2021-01-01); a branch adds the guide
    (2021-02-01); main edits the home page (2021-03-01); the merge of the branch (2021-10-14)
    adds the release notes and renames (and edits) the major releases page, as the merges of
    AxonIQ/reference-guide did."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _write(
        repo,
        "publish.toml",
        '[site]\nbase_url = "https://h.example.org/"\ntimezone = "UTC"\n'
        '[content]\nflavour = "gitbook"\n',
    )
    _write(
        repo,
        "content/SUMMARY.md",
        "# Table of contents\n\n* [Home](README.md)\n* [Guide](guide.md)\n"
        "* [Notes](release/notes.md)\n* [Major releases](release/major-releases.md)\n",
    )
    _write(repo, "content/README.md", "# Home\n\nHi.\n")
    _write(repo, "content/release/major-release.md", _MAJOR)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Initial", date="2021-01-01")
    _git(repo, "checkout", "-q", "-b", "side")
    _write(repo, "content/guide.md", "# Guide\n\nStart here.\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Add the guide", date="2021-02-01")
    _git(repo, "checkout", "-q", "main")
    _write(repo, "content/README.md", "# Home\n\nHello.\n")
    _git(repo, "commit", "-q", "-am", "Edit the home page", date="2021-03-01")
    _git(repo, "merge", "-q", "--no-ff", "--no-commit", "side", date="2021-10-14")
    _write(repo, "content/release/notes.md", "# Notes\n\nRelease notes.\n")
    _git(repo, "mv", "content/release/major-release.md", "content/release/major-releases.md")
    _write(repo, "content/release/major-releases.md", _MAJOR + "* Release 20.0: new.\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Merge branch 'side'", date="2021-10-14")
    return repo


def _suggest(repo: Path) -> tuple[str, str]:
    result = CliRunner().invoke(
        main, ["dates", "--suggest", "--config", str(repo / "publish.toml")]
    )
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def _lines(stdout: str) -> dict[str, str]:
    return {line.lstrip("# ").split(":")[0]: line for line in stdout.splitlines()}


def test_a_page_added_in_a_merge_commit_is_dated_by_the_merge(tmp_path: Path) -> None:
    repo = _merge_repo(tmp_path)
    merge, initial = (_git(repo, "rev-parse", "--short=7", rev) for rev in ("HEAD", "HEAD~2"))
    stdout, stderr = _suggest(repo)
    assert yaml.safe_load(stdout) == {
        "release/notes.md": dt.date(2021, 10, 14),  # the merge created it
        "guide.md": dt.date(2021, 2, 1),  # written on the branch, not on the day it merged
        "release/major-releases.md": dt.date(2021, 1, 1),  # moved by the merge, written before
    }
    lines = _lines(stdout)
    assert lines["release/notes.md"] == (
        f"release/notes.md: 2021-10-14  # added in git {merge} \"Merge branch 'side'\" "
        "(sync commit)"
    )
    assert lines["guide.md"].endswith("'Add the guide'")
    assert lines["release/major-releases.md"] == (
        f"release/major-releases.md: 2021-01-01  # added in git {initial} 'Initial' "
        f"(bulk commit, 3 files) as release/major-release.md; moved 1x since ({merge}); "
        "a bulk add may be an import: check"
    )
    assert "Suggested 3 dates" in stderr and "warning" not in stderr


def test_merges_git_cannot_compare_are_left_out_not_the_whole_history(tmp_path: Path) -> None:
    """In a partial clone, what a merge made may need objects the rest of the history does
    not (here the moved page's first version): the history is read as before, with moves of
    edited files, and a warning says what is left out."""
    repo = _merge_repo(tmp_path)
    blob = _git(repo, "rev-parse", "HEAD~2:content/release/major-release.md")
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    stdout, stderr = _suggest(repo)
    assert yaml.safe_load(stdout) == {"guide.md": dt.date(2021, 2, 1)}
    assert _lines(stdout)["release/notes.md"].startswith("# release/notes.md: YYYY-MM-DD")
    assert (
        f"git cannot compare every file of the merge commits (fatal: unable to read {blob}: "
        "a partial clone?)" in " ".join(stderr.split())
    )
