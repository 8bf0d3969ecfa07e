"""The revisions git history gives the changes feed and "Last updated", on real repositories:
a partial clone that cannot fetch, NFD file names, GitBook's bulk syncs, rebased history and
merges that write text of their own."""

from __future__ import annotations

import contextlib
import subprocess
import unicodedata
from pathlib import Path

from tests.revisions.handbook import (
    build,
    commit,
    feed_entries,
    git,
    handbook,
    last_updated,
    page,
    run,
)


def test_a_partial_clone_that_cannot_fetch_is_a_configuration_error(tmp_path: Path) -> None:
    """git cat-file failed (the blobs of old versions are fetched on demand, from a remote
    that is gone) and build and validate ended with an unexpected error, exit 1."""
    origin = handbook(tmp_path / "origin", {"meetings.md": "Meetings"})
    git(origin, "config", "uploadpack.allowFilter", "true")
    page(origin, "meetings.md", "Meetings", "We meet on Tuesdays.")
    commit(origin, "Tuesdays", "2021-02-01T10:00:00+00:00")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-local", "--filter=blob:none", f"file://{origin}", "clone")
    git(clone, "remote", "set-url", "origin", f"file://{tmp_path}/gone")
    for result in (build(clone), run(clone, "validate")):
        assert result.exit_code == 3, result.output
        assert f"{clone}/publish.toml:13: feeds.changes: git cannot read the history" in (
            result.stderr
        )
        assert "fetch-depth: 0" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_page_named_in_nfd_gets_its_revisions(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "café.md")
    repo = handbook(tmp_path / "repo", {nfd: "Café"})
    page(repo, nfd, "Café", "Open on Tuesdays.")
    commit(repo, "Tuesdays now", "2022-02-01T10:00:00+00:00")
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert feed_entries(repo) == [
        (
            "Updated: Café",
            "2022-02-01T10:00:00+00:00",
            "Edited “Café”. “The first text of Café.” → “Open on Tuesdays.” (Tuesdays now)",
        )
    ]
    assert last_updated(repo, unicodedata.normalize("NFC", "café")).endswith(
        "Last updated February 1, 2022"
    )


def _edit_all(repo: Path, n: int, text: str) -> None:
    for i in range(n):
        page(repo, f"filler{i}.md", f"Filler {i}", text)


def test_a_bulk_gitbook_sync_is_no_entry_like_a_bulk_human_commit(tmp_path: Path) -> None:
    """30 pages changed by ``GITBOOK-2: No subject`` gave 30 entries (a human's commit of
    the same, none): the sync rule was applied before the bulk rule."""
    for subject in ("GITBOOK-2: No subject", "Ask on Discord", "GitBook: [#3] No subject"):
        repo = handbook(tmp_path / subject[:6], {}, fillers=40)
        _edit_all(repo, 30, "Ask on Discord.")
        commit(repo, subject, "2022-02-01T10:00:00+00:00")
        page(repo, "filler35.md", "Filler 35", "One page edited.")
        commit(repo, "GITBOOK-3: No subject", "2022-03-01T10:00:00+00:00")
        result = build(repo)
        assert result.exit_code == 0, result.output
        assert [title for title, _, _ in feed_entries(repo)] == ["Updated: Filler 35"], subject


def test_last_updated_is_the_latest_author_date_and_the_feed_is_by_date(
    tmp_path: Path,
) -> None:
    """A rebased edit, authored on 20 March and committed on 2 April, comes first in the
    history; "Last updated" said 20 March while the feed had the page's 1 April edit."""
    repo = handbook(tmp_path / "repo", {"early.md": "Early", "late.md": "Late"})
    page(repo, "early.md", "Early", "Edited on April 1.")
    commit(repo, "Edit early Apr 1", "2021-04-01T10:00:00+00:00")
    page(repo, "early.md", "Early", "Edited on April 1, then on March 20.")
    commit(repo, "Rebased edit", "2021-03-20T10:00:00+00:00", "2021-04-02T10:00:00+00:00")
    page(repo, "late.md", "Late", "Edited on March 25.")
    commit(repo, "Rebased late", "2021-03-25T10:00:00+00:00", "2021-04-03T10:00:00+00:00")
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert [(title, updated) for title, updated, _ in feed_entries(repo)] == [
        ("Updated: Early", "2021-04-01T10:00:00+00:00"),
        ("Updated: Late", "2021-03-25T10:00:00+00:00"),
        ("Updated: Early", "2021-03-20T10:00:00+00:00"),
    ]
    assert last_updated(repo, "early") == "Last updated April 1, 2021"
    assert last_updated(repo, "late") == "Last updated March 25, 2021"


def test_a_merge_that_writes_its_own_text_is_an_entry(tmp_path: Path) -> None:
    """A conflict resolved with new text never reached the feed; a merge that only brings
    a branch's commits in is still no entry."""
    repo = handbook(tmp_path / "repo", {"meetings.md": "Meetings", "rules.md": "Rules"})
    git(repo, "checkout", "-q", "-b", "side")
    page(repo, "meetings.md", "Meetings", "We meet on Tuesdays.")
    page(repo, "rules.md", "Rules", "Be kind.")
    commit(repo, "Tuesdays", "2021-02-01T10:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    page(repo, "meetings.md", "Meetings", "We meet on Wednesdays.")
    commit(repo, "Wednesdays", "2021-02-02T10:00:00+00:00")
    date = "2021-03-01T10:00:00+00:00"
    with contextlib.suppress(subprocess.CalledProcessError):  # the conflict: resolved below
        git(repo, "merge", "-q", "side", author=date)
    page(repo, "meetings.md", "Meetings", "We meet on Thursdays, at the library.")
    commit(repo, "Merge branch side: meet on Thursdays", date)
    git(repo, "checkout", "-q", "-b", "other")
    page(repo, "rules.md", "Rules", "Be kind and brief.")
    commit(repo, "Brief", "2021-03-05T10:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    git(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge other",
        "other",
        author="2021-03-10T10:00:00+00:00",
    )
    result = build(repo)
    assert result.exit_code == 0, result.output
    # by date, newest first; one commit's pages in the history's order
    assert feed_entries(repo) == [
        (
            "Updated: Rules",
            "2021-03-05T10:00:00+00:00",
            "Edited “Rules”. “Be kind.” → “Be kind and brief.” (Brief)",
        ),
        (
            "Updated: Meetings",
            date,
            "Edited “Meetings”. “We meet on Wednesdays.” → “We meet on Thursdays, at the library.”",
        ),
        (
            "Updated: Meetings",
            "2021-02-02T10:00:00+00:00",
            "Edited “Meetings”. “The first text of Meetings.” → “We meet on Wednesdays.” (Wednesdays)",
        ),
        (
            "Updated: Meetings",
            "2021-02-01T10:00:00+00:00",
            "Edited “Meetings”. “The first text of Meetings.” → “We meet on Tuesdays.” (Tuesdays)",
        ),
        (
            "Updated: Rules",
            "2021-02-01T10:00:00+00:00",
            "Edited “Rules”. “The first text of Rules.” → “Be kind.” (Tuesdays)",
        ),
    ]


def test_a_page_moved_and_rewritten_in_one_commit_keeps_its_history(tmp_path: Path) -> None:
    """Moved into a folder and rewritten in one commit, a page is a delete and an add to git:
    ``publish dates`` followed it as a move, the changes feed took the add for the page's
    creation and lost both the move's rewrite and every edit before it."""
    repo = handbook(tmp_path / "repo", {"policy.md": "Policy"})
    page(repo, "policy.md", "Policy", "We meet on Tuesdays.")
    commit(repo, "Tuesdays now", "2022-02-01T10:00:00+00:00")
    git(repo, "rm", "-q", "policy.md")
    (repo / "rules").mkdir()
    page(repo, "rules/policy.md", "Policy", "An entirely new text on how the group decides.")
    summary = (repo / "SUMMARY.md").read_text(encoding="utf-8")
    (repo / "SUMMARY.md").write_text(
        summary.replace("(policy.md)", "(rules/policy.md)"), encoding="utf-8"
    )
    commit(repo, "Move and rewrite policy", "2022-03-01T10:00:00+00:00")
    result = build(repo)
    assert result.exit_code == 0, result.output
    entries = feed_entries(repo)
    assert [(title, when) for title, when, _ in entries] == [
        ("Updated: Policy", "2022-03-01T10:00:00+00:00"),
        ("Updated: Policy", "2022-02-01T10:00:00+00:00"),
    ]
    assert "“We meet on Tuesdays.” → “An entirely new text" in entries[0][2]
    assert last_updated(repo, "rules/policy").endswith("Last updated March 1, 2022")
