"""The changes feed: an entry per meaningful revision, from a real git history of GitBook's
shapes (sync commits with boilerplate subjects, typo fixes, whitespace churn, a move, a bulk
restructuring), read back with feedparser."""

from __future__ import annotations

from pathlib import Path

import feedparser
import html5lib
import pytest
from click.testing import CliRunner

from pipeline.authoring.datesuggest import Rules
from pipeline.cli import main
from pipeline.model import guid_for
from pipeline.revisions.history import message_of
from pipeline.revisions.summary import describe, sections, summary_text
from tests.conftest import git

CONFIG = """\
[site]
title = "Handbook"
base_url = "https://handbook.example/"
timezone = "UTC"
pages = true

[content]
flavour = "plain"

[feeds]
changes = true
"""

JOIN = """\
---
title: How to join
---
# How to join

Write to the coordinators and come to a call. We meet every month online.

## Old rules

Members pay dues each year.

## Roles

Anyone can host a call after two visits.
"""


def _git(repo: Path, *args: str, date: str | None = None) -> str:
    return git(repo, *args, date=f"{date}T10:00:00+00:00" if date else None)


def _commit(repo: Path, message: str, date: str) -> str:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message, date=date)
    return _git(repo, "rev-parse", "HEAD")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A handbook with a known history; returns it and the shas of the meaningful commits."""
    root = tmp_path / "handbook"
    content = root / "content"
    (content / "guide").mkdir(parents=True)
    (content / "archive").mkdir()
    _git(root, "init", "-q", "-b", "main")
    (root / "publish.toml").write_text(CONFIG)
    (content / "README.md").write_text("# Handbook\n\nWelcome.\n")
    (content / "guide/join.md").write_text(JOIN)
    (content / "guide/events.md").write_text("# Events\n\nWe gather monthly.\n")
    for n in range(30):
        (content / f"archive/note-{n:02d}.md").write_text(f"# Note {n}\n\nAn old note.\n")
    shas = {}
    _commit(root, "GitBook: [#1] No subject", "2024-01-10")  # creations: not revisions
    join = content / "guide/join.md"
    _edit(join, "come to a call", "come to two calls")
    shas["sync-edit"] = _commit(root, "GitBook: [#2] No subject", "2024-02-01")
    _edit(join, "coordinators", "co-ordinators")
    shas["typo"] = _commit(root, "Fix typo", "2024-02-05")
    _edit(content / "guide/events.md", "monthly.\n", "monthly.   \n\n\n")
    _commit(root, "GitBook: [#4] No subject", "2024-03-01")  # whitespace churn
    _edit(
        content / "guide/events.md",
        "monthly.",
        "monthly.\n\n## Summer meetup\n\nIn July we meet in the park.",
    )
    shas["section"] = _commit(root, "GITBOOK-5: Add the summer meetup", "2024-03-10")
    (content / "handbook").mkdir()
    _git(root, "mv", "content/guide/join.md", "content/handbook/join.md")
    _commit(root, "Move the joining page", "2024-04-01")  # a rename only
    for n in range(30):
        _edit(content / f"archive/note-{n:02d}.md", "old note", "archived note")
    _commit(root, "Restructure the archive", "2024-05-01")  # bulk: 30 files
    join = content / "handbook/join.md"
    _edit(join, "## Old rules\n\nMembers pay dues each year.\n\n", "")
    _edit(join, "two visits", "one visit")
    shas["remove"] = _commit(root, "GitBook: [master] 1 page modified", "2024-06-01")
    return root, shas


def _build(root: Path) -> Path:
    out = root / "out"
    result = CliRunner().invoke(
        main, ["build", "--config", str(root / "publish.toml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_entries_are_exactly_the_meaningful_revisions(repo: tuple[Path, dict[str, str]]) -> None:
    root, shas = repo
    out = _build(root)
    atom = feedparser.parse((out / "changes/atom.xml").read_bytes())
    rss = feedparser.parse((out / "changes/rss.xml").read_bytes())
    assert not atom.bozo and not rss.bozo
    expected = [
        (guid_for(f"{shas['remove']}:handbook/join.md"), "Updated: How to join", "2024-06-01"),
        (guid_for(f"{shas['section']}:guide/events.md"), "Updated: Events", "2024-03-10"),
        (guid_for(f"{shas['typo']}:guide/join.md"), "Updated: How to join", "2024-02-05"),
        (guid_for(f"{shas['sync-edit']}:guide/join.md"), "Updated: How to join", "2024-02-01"),
    ]
    for feed in (atom, rss):
        got = [
            (
                e.id,
                e.title,
                f"{e.published_parsed.tm_year}-{e.published_parsed.tm_mon:02d}-"
                f"{e.published_parsed.tm_mday:02d}",
            )
            for e in feed.entries
        ]
        assert got == expected
    links = {e.link for e in atom.entries}
    assert links == {
        "https://handbook.example/handbook/join/",
        "https://handbook.example/guide/events/",
    }
    summaries = [e.summary for e in atom.entries]
    assert summaries == [
        "Removed “Old rules”. Edited “Roles”. “Anyone can host a call after two visits.” → "
        "“Anyone can host a call after one visit.”",  # GitBook's "1 page modified": dropped
        "Added “Summer meetup”. New: “In July we meet in the park.” (Add the summer meetup)",
        "Edited “How to join”. “Write to the coordinators and come to two calls. We …” → "
        "“Write to the co-ordinators and come to two calls. We …” (Fix typo)",
        "Edited “How to join”. “… to the coordinators and come to a call. We meet every month "
        "online.” → “… to the coordinators and come to two calls. We meet every month online.”",
    ]
    html = atom.entries[0].content[0].value
    assert html == (
        "<p>Removed: Old rules</p>\n<p>Edited: Roles</p>\n<blockquote>Anyone can host a call "
        "after <del>two visits.</del> <ins>one visit.</ins></blockquote>\n"
        '<p><a href="https://handbook.example/handbook/join/">Read the page</a></p>'
    )
    # the directory lists the feed
    assert "changes/atom.xml" in (out / "index.html").read_text()


def test_a_history_git_cannot_compare_whole_still_gives_the_feed(
    repo: tuple[Path, dict[str, str]],
) -> None:
    """A partial clone (an object of the history missing) made ``git log -M`` fail while it
    compared a deleted file with an added one, and the build stop with an unexpected error;
    the history is read without git's move detection instead."""
    root, shas = repo
    scratch = root / "content" / "scratch.txt"
    scratch.write_text("a scratch file, soon gone\n")
    _commit(root, "Add a scratch file", "2024-07-01")
    blob = _git(root, "rev-parse", "HEAD:content/scratch.txt")
    scratch.unlink()
    (root / "content" / "other.txt").write_text("something else entirely\n")
    _commit(root, "Replace the scratch file", "2024-07-02")  # git -M compares the two
    (root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    out = _build(root)
    atom = feedparser.parse((out / "changes/atom.xml").read_bytes())
    assert [e.id for e in atom.entries] == [
        guid_for(f"{shas['remove']}:handbook/join.md"),
        guid_for(f"{shas['section']}:guide/events.md"),
        guid_for(f"{shas['typo']}:guide/join.md"),
        guid_for(f"{shas['sync-edit']}:guide/join.md"),
    ]


def _meta(page: Path) -> str:
    doc = html5lib.parse(page.read_bytes())
    found = [
        "".join(p.itertext())
        for p in doc.iter("{http://www.w3.org/1999/xhtml}p")
        if p.get("class") == "meta"
    ]
    return found[0] if found else ""  # a page with nothing to say has no meta line


def test_pages_say_when_they_last_changed_in_a_way_that_matters(
    repo: tuple[Path, dict[str, str]],
) -> None:
    root, _ = repo
    out = _build(root)
    assert _meta(out / "handbook/join/index.html") == "Last updated June 1, 2024"
    # the whitespace commit of 1 March is not a revision; the new section of 10 March is
    assert _meta(out / "guide/events/index.html") == "Last updated March 10, 2024"
    # created, then only touched by the bulk restructuring: never revised
    assert _meta(out / "archive/note-00/index.html") == ""
    # an editor's updated: wins
    events = root / "content/guide/events.md"
    events.write_text("---\nupdated: 2024-12-24\n---\n" + events.read_text())
    _commit(root, "Date the events page", "2024-12-24")
    assert _meta(_build(root) / "guide/events/index.html") == "Last updated December 24, 2024"


def test_bytes_are_stable_and_the_size_bounded(repo: tuple[Path, dict[str, str]]) -> None:
    root, shas = repo
    out = _build(root)
    first = (out / "changes/atom.xml").read_bytes()
    (out / "changes/atom.xml").unlink()
    assert _build(root).joinpath("changes/atom.xml").read_bytes() == first
    toml = root / "publish.toml"
    toml.write_text(toml.read_text() + "changes_limit = 2\n")
    out = _build(root)
    atom = feedparser.parse((out / "changes/atom.xml").read_bytes())
    assert [e.id for e in atom.entries] == [
        guid_for(f"{shas['remove']}:handbook/join.md"),
        guid_for(f"{shas['section']}:guide/events.md"),
    ]
    # a new revision comes first, also when its text was built before it was committed;
    # the old entries keep their GUIDs
    _edit(root / "content/guide/events.md", "the park", "the big park")
    _build(root)
    new = _commit(root, "Name the park", "2024-07-01")
    atom = feedparser.parse((_build(root) / "changes/atom.xml").read_bytes())
    assert [e.id for e in atom.entries] == [
        guid_for(f"{new}:guide/events.md"),
        guid_for(f"{shas['remove']}:handbook/join.md"),
    ]


def test_a_shallow_clone_says_how_much_history_it_needs(
    repo: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, _ = repo
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    out = clone / "out"
    result = CliRunner().invoke(
        main, ["build", "--config", str(clone / "publish.toml"), "--out", str(out)]
    )
    assert result.exit_code == 3, result.output
    assert "feeds.changes" in result.stderr and "fetch-depth: 0" in result.stderr
    assert not out.exists()


def test_without_git_the_feed_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/README.md").write_text("# Home\n")
    (tmp_path / "publish.toml").write_text(CONFIG)
    result = CliRunner().invoke(
        main, ["build", "--config", str(tmp_path / "publish.toml"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 3, result.output
    assert "fetch-depth: 0" in result.stderr


# -- the pure parts -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("subject", "shown"),
    [
        ("GitBook: [#123] No subject", ""),
        ("GitBook: [master] 5 pages and 2 assets modified", ""),
        ("GitBook: [#12] Add the summer meetup", "Add the summer meetup"),
        ("GITBOOK-7: No subject", ""),
        ("GITBOOK-7: Fix the join link", "Fix the join link"),
        ("Merge branch 'main'", ""),
        ("Fix typo", "Fix typo"),
    ],
)
def test_commit_messages_without_boilerplate(subject: str, shown: str) -> None:
    assert message_of(subject, Rules()) == shown


def test_sections_and_word_excerpt() -> None:
    old = "Intro text.\n\n## A\n\none two three four\n\n## B\n\nkeep\n\n```\n# not a heading\n```\n"
    new = "Intro text.\n\n## A\n\none 2 three four\n\n## C\n\nnew\n\n```\n# not a heading\n```\n"
    assert list(sections(old)) == ["", "A", "B"]
    change = describe(old, new)
    assert (change.added, change.removed, change.edited) == (("C",), ("B",), ("A",))
    assert change.before == "one two three four" and change.after == "one 2 three four"
    assert change.excerpt_html == "one <del>two</del> <ins>2</ins> three four"
    assert summary_text(change, "Renumber") == (
        "Added “C”. Removed “B”. Edited “A”. “one two three four” → “one 2 three four” (Renumber)"
    )
