"""``publish dates --suggest``: dates from "Published ..." lines and from git history."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner

from pipeline.authoring.datesuggest import (
    Rules,
    Suggestion,
    choose,
    commit_note,
    date_in_prose,
    merge_text,
    origins,
    render_yaml,
)
from pipeline.authoring.gitlog import Change, Commit, parse_log
from pipeline.cli import main
from tests.conftest import git as _git


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
        "Published 9999-01-01",  # dates the build refuses (1970-9000) were written (a helper's)
        "Published Jan 1, 1950",
    ],
)
def test_no_date_in_prose(text: str) -> None:
    assert date_in_prose(text) is None


def _commit(sha: str, day: str, subject: str, *changes: Change) -> Commit:
    return Commit(sha, dt.datetime.fromisoformat(f"{day}T12:00:00+01:00"), subject, changes)


def test_commit_notes() -> None:
    rules = Rules(bulk_files=3, bulk_share=0.5)
    one = (Change("M", "a.md"),)
    assert commit_note(_commit("1", "2020-01-01", "GitBook: [#12] x", *one), 10, rules) == (
        "sync commit"
    )
    assert commit_note(_commit("1", "2020-01-01", "GITBOOK-34: edit", *one), 10, rules) == (
        "sync commit"
    )
    many = tuple(Change("M", f"{n}.md") for n in range(4))
    assert commit_note(_commit("1", "2020-01-01", "tidy", *many), 100, rules) == (
        "bulk commit, 4 files"
    )
    half = tuple(Change("M", f"{n}.md") for n in range(3))
    assert commit_note(_commit("1", "2020-01-01", "tidy", *half), 4, rules).startswith("bulk")
    assert commit_note(_commit("1", "2020-01-01", "Add essay", *one), 10, rules) == ""
    custom = Rules(sync_patterns=(r"^sync:",))
    assert commit_note(_commit("1", "2020-01-01", "GitBook: [#1] x", *one), 10, custom) == ""


def test_the_adding_commit_dates_a_page_through_renames_and_sync_commits() -> None:
    commits = [  # newest first, as git prints them
        _commit("c5", "2022-01-01", "Fix typo", Change("M", "essays/a.md")),
        _commit(
            "c4",
            "2021-05-05",
            "GITBOOK-9: Restructure",
            Change("R", "essays/a.md", "a.md"),
            Change("R", "essays/b.md", "b.md"),
            Change("D", "old/c.md"),
            Change("A", "essays/c.md"),  # moved and rewritten: git saw a delete and an add
        ),
        _commit("c3", "2020-03-01", "Edit a", Change("M", "a.md")),
        _commit("c2", "2020-02-15", "Add c", Change("A", "old/c.md")),
        _commit(
            "c1", "2020-02-01", "GitBook: [#4] No subject", Change("A", "a.md"), Change("A", "b.md")
        ),
    ]
    texts = {"essays/a.md": "# A\n\nBody.", "essays/b.md": "# B\n\nPublished Jan 5, 2019"}
    pages = ["essays/a.md", "essays/b.md", "essays/c.md"]
    found = origins(commits, pages)
    assert found["essays/a.md"].added == commits[4]
    assert [m.sha for m in found["essays/a.md"].moves] == ["c4"]
    assert found["essays/a.md"].edits == 2
    assert found["essays/c.md"].added == commits[3]
    assert found["essays/c.md"].added_as == "old/c.md"
    got = choose(pages, texts, commits, Rules(bulk_files=10, bulk_share=1.0))
    assert got[0].date == dt.date(2020, 2, 1)
    assert got[0].origin == (
        "added in git c1 'GitBook: [#4] No subject' (sync commit) as a.md; moved 1x since (c4); "
        "2 later edits"
    )
    assert got[1].date == dt.date(2019, 1, 5) and got[1].origin.startswith("prose, line 3")
    assert got[2].date == dt.date(2020, 2, 15)
    assert got[2].origin == "added in git c2 'Add c' as old/c.md; moved 1x since (c4)"
    # the day is the site's day: 12:00+01:00 on 1 February is still 1 February in Tokyo,
    # 23:30 in New York on 31 January is 1 February in Berlin
    late = [_commit("c9", "2020-02-01", "Add", Change("A", "x.md"))]
    late = [dt_replace(late[0], "2020-01-31T23:30:00-05:00")]
    (berlin,) = choose(["x.md"], {}, late, tz=ZoneInfo("Europe/Berlin"))
    assert berlin.date == dt.date(2020, 2, 1)
    (own,) = choose(["x.md"], {}, late)
    assert own.date == dt.date(2020, 1, 31)


def dt_replace(commit: Commit, when: str) -> Commit:
    return Commit(commit.sha, dt.datetime.fromisoformat(when), commit.subject, commit.changes)


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


def _write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _commit_all(repo: Path, message: str, date: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--allow-empty", "-m", message, date=f"{date}T10:00:00+00:00")


def _essay(n: int, words: int = 60) -> str:
    return f"# Essay {n}\n\n" + " ".join(f"word{n}x{k}" for k in range(words)) + "\n"


CREATED = {
    "articles/proposal.md": dt.date(2018, 3, 10),  # a bulk import, later a typo fix
    "guide/intro.md": dt.date(2019, 5, 2),  # an ordinary commit
    **{f"learn/courses/course-{n}.md": dt.date(2019, 6, 1) for n in range(1, 6)},  # sync, moved
    **{f"core/essay-{n}.md": dt.date(2022, 2, 4) for n in range(1, 7)},  # sync, bulk-moved
    "essays/page-05.md": dt.date(2018, 12, 24),  # its prose says so
}
"""When each page listed in SUMMARY.md was really written."""


def _history_repo(tmp_path: Path) -> Path:
    """A GitBook-shaped history: a bulk import, sync commits that add many pages, renames
    across folders, typo fixes, a bulk move that rewrites one page past git's rename
    detection, whitespace churn over every page, and an editor's dates file."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _write(
        repo,
        "publish.toml",
        '[site]\nbase_url = "https://h.example.org/"\ntimezone = "Europe/Berlin"\n'
        '[content]\nflavour = "gitbook"\n',
    )
    _write(repo, "content/articles/proposal.md", "# Proposal\n\nWe propose a commons.\n")
    for n in range(1, 30):
        _write(repo, f"content/archive/old-{n:02d}.md", f"# Old {n}\n\nOld text {n}.\n")
    _commit_all(repo, "Initial import", "2018-03-10")
    _write(repo, "content/guide/intro.md", "# Intro\n\nStart here.\n")
    _commit_all(repo, "Add the guide", "2019-05-02")
    for n in range(1, 6):
        _write(repo, f"content/courses/course-{n}.md", _essay(100 + n))
    _commit_all(repo, "GitBook: [master] 5 pages and 2 assets modified", "2019-06-01")
    (repo / "content/learn").mkdir()
    _git(repo, "mv", "content/courses", "content/learn/courses")
    _commit_all(repo, "move", "2020-01-15")
    proposal = repo / "content/articles/proposal.md"
    proposal.write_text(proposal.read_text().replace("commons", "commons!"))
    _commit_all(repo, "Fix typo", "2021-04-01")
    for n in range(1, 7):
        _write(repo, f"content/essays/essay-{n}.md", _essay(n))
    _write(repo, "content/essays/page-05.md", "# Page 5\n\n_Published Dec 24, 2018_\n")
    _commit_all(repo, "GitBook: [#123] No subject", "2022-02-04")
    (repo / "content/core").mkdir()
    for n in range(1, 7):
        _git(repo, "mv", f"content/essays/essay-{n}.md", f"content/core/essay-{n}.md")
    _write(repo, "content/core/essay-6.md", _essay(600))  # rewritten as it moved
    _commit_all(repo, "GITBOOK-7: Restructure", "2022-03-01")
    for page in (repo / "content").rglob("*.md"):
        page.write_text(page.read_text() + "\n")
    _commit_all(repo, "GitBook: [#130] Whitespace", "2022-04-01")
    toc = "# Table of contents\n\n* [Home](README.md)\n" + "".join(
        f"* [{page}]({page})\n" for page in [*CREATED, "essays/page-02.md"]
    )
    _write(repo, "content/SUMMARY.md", toc)
    _write(repo, "content/README.md", "# Home\n")
    _write(repo, "content/essays/page-02.md", "# Page 2\n")
    _write(repo, "content/dates.yml", "essays/page-02.md: 2001-02-03  # the editors said so\n")
    _commit_all(repo, "GitBook: [#131] Table of contents", "2022-05-01")
    return repo


def test_gitbook_history_gives_each_page_its_creation_date(tmp_path: Path) -> None:
    repo = _history_repo(tmp_path)
    result = CliRunner().invoke(
        main, ["dates", "--suggest", "--config", str(repo / "publish.toml")]
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data == CREATED  # page-02 is in dates.yml already: left alone; the home page too
    lines = {line.split(":")[0]: line for line in result.stdout.splitlines()}
    assert lines["articles/proposal.md"] == (
        "articles/proposal.md: 2018-03-10  # added in git "
        + _sha(repo, "Initial import")
        + " 'Initial import' (bulk commit, 30 files); 2 later edits; "
        "a bulk add may be an import: check"
    )
    assert lines["learn/courses/course-3.md"].endswith(
        "'GitBook: [master] 5 pages and 2 assets modified' (sync commit) as "
        f"courses/course-3.md; moved 1x since ({_sha(repo, 'move')}); 1 later edits"
    )
    assert lines["core/essay-6.md"].endswith(
        f"as essays/essay-6.md; moved 1x since ({_sha(repo, 'GITBOOK-7: Restructure')}); "
        "1 later edits"
    )
    assert lines["essays/page-05.md"].endswith("# prose, line 3: 'Published Dec 24, 2018'")
    assert "Suggested 14 dates" in result.stderr
    # git's own --follow agrees wherever it can see the move (not the rewritten essay 6)
    for page, day in CREATED.items():
        if page in ("core/essay-6.md", "essays/page-05.md"):
            continue
        follow = subprocess.run(
            [
                "git",
                "-C",
                str(repo / "content"),
                "log",
                "--follow",
                "--diff-filter=A",
                "--format=%aI",
                "--",
                page,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert dt.datetime.fromisoformat(follow[-1]).date() == day, page


def _sha(repo: Path, subject: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(repo), "log", "--format=%h %s", "--abbrev=7"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return next(line.split()[0] for line in out.splitlines() if line.split(" ", 1)[1] == subject)


def test_write_writes_every_page_and_fills_placeholders_later(tmp_path: Path) -> None:
    repo = _history_repo(tmp_path)
    _write(repo, "content/drafts/new-idea.md", "# A new idea\n")  # not committed yet
    toc = repo / "content/SUMMARY.md"
    toc.write_text(toc.read_text() + "* [New](drafts/new-idea.md)\n")
    args = ["dates", "--suggest", "--write", "--config", str(repo / "publish.toml")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    text = (repo / "content/dates.yml").read_text(encoding="utf-8")
    assert text.startswith("essays/page-02.md: 2001-02-03  # the editors said so\n")
    data = yaml.safe_load(text)
    assert data == {**CREATED, "essays/page-02.md": dt.date(2001, 2, 3)}
    assert (
        "# drafts/new-idea.md: YYYY-MM-DD  # no 'Published' line; no commit adds it "
        "(not committed yet?)\n" in text
    )
    assert "1 pages without a date (commented placeholders)" in result.stderr
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0
    assert (repo / "content/dates.yml").read_text(encoding="utf-8") == text
    assert "Suggested 0 dates" in again.stderr
    # once committed, the placeholder line becomes its entry, in place
    _commit_all(repo, "Add a new idea", "2023-01-02")
    third = CliRunner().invoke(main, args)
    assert third.exit_code == 0, third.output
    filled = (repo / "content/dates.yml").read_text(encoding="utf-8")
    assert filled.count("drafts/new-idea.md") == 1
    assert yaml.safe_load(filled)["drafts/new-idea.md"] == dt.date(2023, 1, 2)
    assert (
        filled.replace(
            next(ln for ln in filled.splitlines() if ln.startswith("drafts/new-idea.md")),
            next(ln for ln in text.splitlines() if "drafts/new-idea.md" in ln),
        )
        == text
    )
    # the written file makes the pages feed items
    check = CliRunner().invoke(main, ["validate", "--config", str(repo / "publish.toml")])
    assert check.exit_code == 0, check.output
    assert f"{len(CREATED) + 2} published items" in check.output


def test_sync_message_names_the_kind_of_commit(tmp_path: Path) -> None:
    repo = _history_repo(tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "dates",
            "--suggest",
            "--sync-message",
            "^Nothing",
            "--config",
            str(repo / "publish.toml"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == CREATED  # the same dates: the kind only explains
    assert "(sync commit)" not in result.stdout
    assert "'GitBook: [#123] No subject' as essays/essay-1.md" in result.stdout


def test_shallow_clone_says_how_much_history_it_needs(tmp_path: Path) -> None:
    repo = _history_repo(tmp_path)
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo}", str(clone))
    result = CliRunner().invoke(
        main, ["dates", "--suggest", "--config", str(clone / "publish.toml")]
    )
    assert result.exit_code == 0, result.output
    assert "shallow clone" in result.stderr and "fetch-depth: 0" in result.stderr


def test_a_history_with_an_unreadable_object_is_read_without_gits_move_detection(
    tmp_path: Path,
) -> None:
    """A partial clone (or a repository missing an object) makes ``git log -M`` fail as it
    compares the contents of a moved file; the history is still read, and each page dated."""
    repo = _history_repo(tmp_path)
    blob = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD~3:content/essays/essay-6.md"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # the rewritten essay's before
    result = CliRunner().invoke(
        main, ["dates", "--suggest", "--config", str(repo / "publish.toml")]
    )
    assert result.exit_code == 0, result.output
    assert f"git cannot compare every file of the history (fatal: unable to read {blob}" in (
        result.stderr
    )
    assert "no git history" not in result.stderr
    assert yaml.safe_load(result.stdout) == CREATED  # the moves kept their file names


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


def test_a_sections_readme_added_as_another_is_removed_is_no_move() -> None:
    """A commit that drops one section and adds another deletes old/README.md and adds
    new/README.md: the new section's page took the old one's date, years earlier (a real
    space: cheat-sheets; a helper's finding). Every section has a README.md: its name alone
    says nothing of a move, as another page's name does."""
    commits = [
        _commit(
            "c2",
            "2021-10-24",
            "Swap sections",
            Change("D", "old-topic/README.md"),
            Change("A", "new-topic/README.md"),
            Change("D", "old-topic/setup.md"),
            Change("A", "new-topic/setup.md"),
        ),
        _commit(
            "c1",
            "2020-02-02",
            "Add old topic",
            Change("A", "old-topic/README.md"),
            Change("A", "old-topic/setup.md"),
        ),
    ]
    found = origins(commits, ["new-topic/README.md", "new-topic/setup.md"])
    assert found["new-topic/README.md"].added == commits[0]
    assert found["new-topic/README.md"].moves == ()
    assert found["new-topic/setup.md"].added == commits[1]  # a page's own name still moves
