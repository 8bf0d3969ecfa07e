"""``publish dates --suggest``: dates from "Published ..." lines and from git history."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.authoring.datesuggest import (
    Change,
    Commit,
    Rules,
    Suggestion,
    choose,
    date_in_prose,
    merge_text,
    parse_log,
    render_yaml,
    skip_reason,
)
from pipeline.cli import main


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("_Published Jan 27, 2020_", dt.date(2020, 1, 27)),
        ("Published on 27 January 2020", dt.date(2020, 1, 27)),
        ("*Published: Sept. 3rd, 2019*", dt.date(2019, 9, 3)),
        ("First published on 3rd of March 2021.", dt.date(2021, 3, 3)),
        ("Published 2018-11-02 in the zine", dt.date(2018, 11, 2)),
        ("**Published** on March 5 2022", dt.date(2022, 3, 5)),
    ],
)
def test_date_in_prose(text: str, expected: dt.date) -> None:
    found = date_in_prose(f"# Title\n\n{text}\n")
    assert found is not None
    assert found[0] == expected
    assert found[1] == 3


@pytest.mark.parametrize(
    "text",
    [
        "We published a book.",
        "Published Feb 30, 2020",
        "Unpublished Jan 1, 2020",
        "Published in the zine.",
    ],
)
def test_no_date_in_prose(text: str) -> None:
    assert date_in_prose(text) is None


def _commit(sha: str, day: str, subject: str, *changes: Change) -> Commit:
    return Commit(sha, dt.datetime.fromisoformat(f"{day}T12:00:00+01:00"), subject, changes)


def test_skip_reasons() -> None:
    rules = Rules(bulk_files=3, bulk_share=0.5)
    one = (Change("M", "a.md"),)
    assert (
        skip_reason(_commit("1", "2020-01-01", "GitBook: [#12] No subject", *one), 10, rules)
        == "sync commit"
    )
    assert (
        skip_reason(_commit("1", "2020-01-01", "GITBOOK-34: edit", *one), 10, rules)
        == "sync commit"
    )
    assert (
        skip_reason(_commit("1", "2020-01-01", "Merge branch 'x'", *one), 10, rules)
        == "sync commit"
    )
    many = tuple(Change("M", f"{n}.md") for n in range(4))
    assert skip_reason(_commit("1", "2020-01-01", "tidy", *many), 100, rules).startswith("bulk")
    half = tuple(Change("M", f"{n}.md") for n in range(3))
    assert skip_reason(_commit("1", "2020-01-01", "tidy", *half), 4, rules).startswith("bulk")
    assert skip_reason(_commit("1", "2020-01-01", "Add essay", *one), 10, rules) == ""
    custom = Rules(sync_patterns=(r"^sync:",))
    assert skip_reason(_commit("1", "2020-01-01", "GitBook: [#1] x", *one), 10, custom) == ""


def test_renames_are_followed_and_prose_wins() -> None:
    commits = [  # newest first, as git prints them
        _commit(
            "c3",
            "2021-05-05",
            "Restructure",
            Change("R", "essays/a.md", "a.md"),
            Change("R", "essays/b.md", "b.md"),
            Change("M", "c.md"),
        ),
        _commit("c2", "2020-03-01", "Edit a", Change("M", "a.md")),
        _commit("c1", "2020-02-01", "Add a and b", Change("A", "a.md"), Change("A", "b.md")),
    ]
    texts = {"essays/a.md": "# A\n\nBody.", "essays/b.md": "# B\n\nPublished Jan 5, 2019"}
    got = choose(
        ["essays/a.md", "essays/b.md"], texts, commits, Rules(bulk_files=2, bulk_share=1.0)
    )
    assert got[0].date == dt.date(2020, 2, 1) and got[0].origin.startswith("git c1")
    assert "1 bulk/sync commits skipped" in got[0].origin
    assert got[1].date == dt.date(2019, 1, 5) and got[1].origin.startswith("prose, line 3")


def test_render_and_merge_keep_editor_entries() -> None:
    suggestions = [
        Suggestion("essays/a.md", dt.date(2020, 1, 2), "git abc1234 'Add a'"),
        Suggestion("archive/notes (2019).md", dt.date(2019, 5, 1), "prose"),
        Suggestion("essays/c.md", None, "no usable commit"),
    ]
    text = render_yaml(suggestions)
    data = yaml.safe_load(text)
    assert data == {
        "essays/a.md": dt.date(2020, 1, 2),
        "archive/notes (2019).md": dt.date(2019, 5, 1),
    }
    assert "# essays/c.md: YYYY-MM-DD  # no usable commit" in text
    existing = "# ours\nessays/a.md: 2000-01-01  # the editor knows better\n"
    merged = merge_text(existing, suggestions)
    assert merged.startswith(existing)
    assert yaml.safe_load(merged)["essays/a.md"] == dt.date(2000, 1, 1)
    assert yaml.safe_load(merged)["archive/notes (2019).md"] == dt.date(2019, 5, 1)
    assert merge_text(existing, suggestions[:1]) == existing


def test_parse_log_reads_git_z_output() -> None:
    raw = (
        "\x01abc\x1f2020-01-02T10:00:00+01:00\x1fGitBook: [#3] move\x00\n"
        "M\x00a b/e\u0301.md\x00R100\x00c.md\x00d.md\x00"
        "\x01def\x1f2019-12-31T09:00:00+00:00\x1ffirst\x00\nA\x00c.md\x00"
    )
    commits = parse_log(raw)
    assert [c.sha for c in commits] == ["abc", "def"]
    assert commits[0].changes == (Change("M", "a b/\u00e9.md"), Change("R", "d.md", "c.md"))
    assert commits[1].date == dt.datetime(2019, 12, 31, 9, tzinfo=dt.UTC)


# -- a real git repository ------------------------------------------------------------------
def _git(repo: Path, *args: str, date: str | None = None) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ed",
        "GIT_AUTHOR_EMAIL": "ed@example.org",
        "GIT_COMMITTER_NAME": "Ed",
        "GIT_COMMITTER_EMAIL": "ed@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def _write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _history_repo(tmp_path: Path) -> Path:
    """Pages written over 2019-2020, moved into folders by one bulk commit, then synced."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _write(
        repo,
        "publish.toml",
        '[site]\nbase_url = "https://h.example.org/"\n[content]\nflavour = "gitbook"\n',
    )
    names = [f"page-{n:02d}.md" for n in range(1, 25)]
    for n, name in enumerate(names, 1):
        _write(repo, f"content/{name}", f"# Page {n}\n\nText of page {n}.\n")
        _git(repo, "add", ".")
        _git(
            repo,
            "commit",
            "-q",
            "-m",
            f"Add page {n}",
            date=f"2019-{(n - 1) // 2 + 1:02d}-{10 + n % 2:02d}T10:00:00+00:00",
        )
    # a page that only ever arrived through a GitBook sync
    _write(repo, "content/synced.md", "# Synced\n\nWritten in the GitBook editor.\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "GitBook: [#41] No subject", date="2020-02-02T10:00:00+00:00")
    # the restructuring: every page moves into a folder and is touched, on one day
    (repo / "content/essays").mkdir()
    for name in names:
        _git(repo, "mv", f"content/{name}", f"content/essays/{name}")
        _write(
            repo,
            f"content/essays/{name}",
            (repo / "content/essays" / name).read_text(encoding="utf-8") + "\nMoved.\n",
        )
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "Restructure the handbook", date="2020-06-01T09:00:00+00:00")
    # sync commits that touch a few pages
    _write(repo, "content/essays/page-03.md", "# Page 3\n\nRewritten in GitBook.\n")
    _git(
        repo,
        "commit",
        "-q",
        "-am",
        "GitBook: [#57] Rewrite page 3",
        date="2020-07-07T10:00:00+00:00",
    )
    _git(
        repo,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "GITBOOK-60: empty",
        date="2020-07-08T10:00:00+00:00",
    )
    # a page whose prose knows better than git
    _write(repo, "content/essays/page-05.md", "# Page 5\n\n_Published Dec 24, 2018_\n")
    _git(repo, "commit", "-q", "-am", "Add the publication date", date="2020-08-01T10:00:00+00:00")
    toc = (
        "# Table of contents\n\n* [Home](README.md)\n"
        + "".join(f"* [Page {n}](essays/{name})\n" for n, name in enumerate(names, 1))
        + "* [Synced](synced.md)\n"
    )
    _write(repo, "content/SUMMARY.md", toc)
    _write(repo, "content/README.md", "# Home\n")
    _write(repo, "content/dates.yml", "essays/page-02.md: 2001-02-03  # the editors said so\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "Add the table of contents", date="2020-09-01T10:00:00+00:00")
    return repo


def test_suggest_skips_bulk_and_sync_commits(tmp_path: Path) -> None:
    repo = _history_repo(tmp_path)
    result = CliRunner().invoke(
        main, ["dates", "--suggest", "--config", str(repo / "publish.toml")]
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["essays/page-01.md"] == dt.date(2019, 1, 11)  # not the restructuring day
    assert data["essays/page-03.md"] == dt.date(2019, 2, 11)  # not the sync rewrite
    assert data["essays/page-24.md"] == dt.date(2019, 12, 10)
    assert data["essays/page-05.md"] == dt.date(2018, 12, 24)  # prose wins over git
    assert "essays/page-02.md" not in data  # already in dates.yml: left alone
    assert "README.md" not in data  # the home page needs no date
    assert "synced.md" not in data  # only a sync commit: no usable date
    assert "# synced.md: YYYY-MM-DD  # no 'Published' line; only bulk/sync commits" in (
        result.stdout
    )
    assert "essays/page-01.md: 2019-01-11  # git " in result.stdout
    assert "1 bulk/sync commits skipped" in result.stdout
    assert set(data) == {f"essays/page-{n:02d}.md" for n in range(1, 25)} - {"essays/page-02.md"}
    assert "Suggested 23 dates" in result.stderr


def test_suggest_write_appends_and_never_overwrites(tmp_path: Path) -> None:
    repo = _history_repo(tmp_path)
    args = ["dates", "--suggest", "--write", "--config", str(repo / "publish.toml")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    text = (repo / "content/dates.yml").read_text(encoding="utf-8")
    assert text.startswith("essays/page-02.md: 2001-02-03  # the editors said so\n")
    data = yaml.safe_load(text)
    assert data["essays/page-02.md"] == dt.date(2001, 2, 3)
    assert data["essays/page-07.md"] == dt.date(2019, 4, 11)
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0
    assert (repo / "content/dates.yml").read_text(encoding="utf-8") == text
    assert "Suggested 0 dates" in again.stderr
    # the written file makes the pages feed items
    build = CliRunner().invoke(main, ["validate", "--config", str(repo / "publish.toml")])
    assert build.exit_code == 0, build.output
    assert "24 published items" in build.output


def test_custom_sync_pattern_and_bulk_threshold(tmp_path: Path) -> None:
    repo = _history_repo(tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "dates",
            "--suggest",
            "--skip-message",
            "^Nothing",
            "--config",
            str(repo / "publish.toml"),
        ],
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["synced.md"] == dt.date(2020, 2, 2)  # sync commits count now


def test_suggest_on_the_handbook_without_git(handbook: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "dates",
            "--suggest",
            "--config",
            str(handbook / "publish.toml"),
            "--content",
            str(handbook),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "no git history" in result.stderr
    data = yaml.safe_load(result.stdout)
    assert data == {"essays/on-leaving-well.md": dt.date(2021, 8, 19)}
    assert "prose, line 3: 'Published: 2021-08-19'" in result.stdout


def test_dates_without_suggest_is_a_usage_error(handbook: Path) -> None:
    result = CliRunner().invoke(main, ["dates", "--config", str(handbook / "publish.toml")])
    assert result.exit_code == 2
    assert "--suggest" in result.output
