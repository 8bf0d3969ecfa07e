"""``publish feed-diff`` and :mod:`pipeline.feedcheck.diff`: what subscribers would see change."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.feedcheck.diff import ADDED, DATE, GUID, REMOVED, TITLE, diff_feed
from pipeline.feedcheck.feedread import FeedItem, find_feeds, parse_feed

NEW_ID = "0f0f0f0f-0000-4000-8000-000000000001"


def _build(site: Path, out: str) -> Path:
    result = CliRunner().invoke(
        main, ["build", "--config", str(site / "publish.toml"), "--out", str(site / out), "-q"]
    )
    assert result.exit_code == 0, result.output
    return site / out


def _diff(*args: str) -> Result:
    return CliRunner().invoke(main, ["feed-diff", *args])


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(pattern, replacement, text, count=1, flags=re.M)
    assert n == 1, f"{pattern!r} not in {path}"
    path.write_text(new, encoding="utf-8")


@pytest.fixture
def builds(site: Path) -> tuple[Path, Path]:
    """The bundled site built, then edited (a retitle, a new essay, a changed id) and rebuilt."""
    old = _build(site, "old")
    essays = site / "content" / "essays"
    _edit(essays / "why-we-gather.md", r"^title: Why we gather$", "title: Why we still gather")
    _edit(essays / "hosting-not-bossing.md", r"^id: .*$", f"id: {NEW_ID}")
    (essays / "brand-new.md").write_text(
        "---\ntitle: A brand new essay\ndate: 2025-03-01\n"
        "id: 9b0e8a52-52a4-4c1b-8f3e-9a5c1d2e0a99\ndescription: Fresh.\n---\n\nHello.\n",
        encoding="utf-8",
    )
    return old, _build(site, "new")


def test_identical_builds_have_no_changes(site: Path) -> None:
    a, b = _build(site, "a"), _build(site, "b")
    result = _diff(str(a), str(b))
    assert result.exit_code == 0, result.output
    assert result.stdout == "No changes subscribers would see.\n"


def test_guid_change_is_flagged_and_exits_2(builds: tuple[Path, Path]) -> None:
    old, new = builds
    result = _diff(str(old), str(new))
    assert result.exit_code == 2, result.output
    out = result.stdout
    assert out.startswith("!!! 1 item(s) changed GUID")
    assert "GUID CHANGED  Hosting, not bossing" in out
    assert f"urn:uuid:{NEW_ID}" in out
    assert "title changed Why we still gather" in out
    assert "'Why we gather' → 'Why we still gather'" in out
    assert "new           A brand new essay" in out
    # the summary line on stderr
    assert "1 GUID change, 1 new, 0 removed, 1 retitled, 0 redated" in result.stderr


def test_changes_are_merged_across_feeds(builds: tuple[Path, Path]) -> None:
    result = _diff(*map(str, builds), "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["guid_changed"] is True
    assert doc["counts"]["guid"] == 1 and doc["counts"]["title"] == 1
    assert doc["counts"]["added"] == 1 and doc["counts"]["removed"] == 0
    guid = next(c for c in doc["changes"] if c["kind"] == "guid")
    assert guid["before"] == "urn:uuid:3d0e8a52-52a4-4c1b-8f3e-9a5c1d2e0a02"
    assert guid["after"] == f"urn:uuid:{NEW_ID}"
    # the same item in RSS, Atom and JSON Feed, everywhere and in its section
    assert {"rss.xml", "atom.xml", "feed.json", "essays/rss.xml"} <= set(guid["feeds"])
    assert doc["changes"][0]["kind"] == "guid"  # most alarming first


def test_markdown_for_the_step_summary(builds: tuple[Path, Path]) -> None:
    result = _diff(*map(str, builds), "--format", "markdown")
    assert result.exit_code == 2
    md = result.stdout
    assert md.startswith("## Feed diff\n")
    assert "> [!CAUTION]" in md
    assert "| **GUID CHANGED** | [Hosting, not bossing](https://" in md
    assert "| title changed | [Why we still gather](" in md


def test_two_feed_files_of_different_formats(builds: tuple[Path, Path]) -> None:
    old, new = builds
    result = _diff(str(old / "rss.xml"), str(new / "atom.xml"), "--format", "json")
    assert result.exit_code == 2
    kinds = [c["kind"] for c in json.loads(result.stdout)["changes"]]
    assert sorted(kinds) == ["added", "guid", "title"]


def test_removed_feed_and_items(site: Path) -> None:
    old = _build(site, "old")
    (site / "content" / "essays" / "why-we-gather.md").unlink()
    new = _build(site, "new")
    (new / "tags" / "community" / "feed.json").unlink()
    doc = json.loads(_diff(str(old), str(new), "--format", "json").stdout)
    assert doc["counts"]["removed"] == 1 and doc["counts"]["feed-removed"] == 1
    removed = next(c for c in doc["changes"] if c["kind"] == "removed")
    assert removed["title"] == "Why we gather"


def test_non_feeds_are_ignored_and_malformed_feeds_are_errors(site: Path) -> None:
    a, b = _build(site, "a"), _build(site, "b")
    assert (b / "feeds.opml").exists()  # an XML file that is not a feed: ignored
    (b / "sitemap.json").write_text('{"not": "a feed"}', encoding="utf-8")
    assert _diff(str(a), str(b)).exit_code == 0
    (b / "essays" / "rss.xml").write_text("<rss><channel>\n<item></channel></rss>\n")
    result = _diff(str(a), str(b))
    assert result.exit_code == 2
    assert re.search(r"essays/rss\.xml:2: feed: not well-formed XML", result.stderr)


def test_a_feed_saved_in_another_encoding_is_the_same_feed(site: Path) -> None:
    """feed-diff stopped with an unexpected error on a feed in GB18030 or Big5 (expat refuses
    multi-byte encodings) and on an encoding no codec knows."""
    a = _build(site, "a")
    rss = a / "rss.xml"
    text = rss.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    other = site / "gb.xml"
    other.write_bytes(text.replace('"utf-8"', '"GB18030"', 1).encode("gb18030"))
    result = _diff(str(rss), str(other))
    assert result.exit_code == 0, result.output
    assert result.stdout == "No changes subscribers would see.\n"
    other.write_bytes(text.replace('"utf-8"', '"bogus"', 1).encode("utf-8"))
    result = _diff(str(rss), str(other))
    assert result.exit_code == 2
    assert "gb.xml:1: feed: the XML declaration names the encoding 'bogus'" in result.stderr


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = _diff(str(tmp_path / "nope"), str(tmp_path))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


# --- the library ------------------------------------------------------------------------------


def _item(guid: str, title: str = "T", link: str = "", day: int = 1) -> FeedItem:
    return FeedItem(
        guid, title, link or f"https://x.org/{guid}/", datetime(2025, 1, day, tzinfo=UTC)
    )


def test_pairing_rules() -> None:
    old = [
        _item("a", "A"),
        _item("b", "B"),
        _item("c", "C"),
        _item("d", "D", link="https://x.org/d"),
    ]
    new = [
        _item("a", "A2"),  # retitled
        _item("b", "B", day=2),  # redated
        _item("c2", "C"),  # new guid, same title, different link: a GUID change
        _item("d2", "Other", link="https://x.org/d"),  # new guid, same link
        _item("e", "E"),  # new
    ]
    kinds = sorted((c.kind, c.guid) for c in diff_feed(old, new))
    assert kinds == [(ADDED, "e"), (DATE, "b"), (GUID, "c2"), (GUID, "d2"), (TITLE, "a")]
    assert [c.kind for c in diff_feed(new, old)].count(REMOVED) == 1  # "e" disappears


def test_a_recurring_title_on_a_new_date_is_a_new_item() -> None:
    """A rolling window dropped the old "Mailbag" as a new one came: that was flagged as a
    GUID change (exit 2) and the new episode never reported."""
    old = [_item("g-8", "Mailbag", day=1), _item("g-9", "Interview", day=2)]
    new = [_item("g-9", "Interview", day=2), _item("g-11", "Mailbag", day=9)]
    kinds = sorted((c.kind, c.guid) for c in diff_feed(old, new))
    assert kinds == [(ADDED, "g-11"), (REMOVED, "g-8")]


def test_items_without_guid_are_told_apart() -> None:
    """All once shared the empty GUID: two were reported retitled, the third never added."""
    old = [_item("", "One", link="https://x.org/1"), _item("", "Two", link="https://x.org/2")]
    new = [*old, _item("", "Three", link="https://x.org/3")]
    assert [(c.kind, c.title) for c in diff_feed(old, new)] == [(ADDED, "Three")]


def test_dates_compare_as_instants() -> None:
    rss = b"""<rss version="2.0"><channel><title>t</title>
<item><title>x</title><link>https://x.org/</link><guid>g</guid>
<pubDate>Mon, 02 Jun 2025 17:30:00 +0200</pubDate></item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><id>g</id><title>x</title><link href="https://x.org/"/>
<published>2025-06-02T15:30:00Z</published></entry></feed>"""
    a, b = parse_feed(rss, "a"), parse_feed(atom, "b")
    assert a is not None and b is not None
    assert diff_feed(a.items, b.items) == []


def test_parser_agrees_with_feedparser(site: Path) -> None:
    feedparser = pytest.importorskip("feedparser")
    out = _build(site, "out")
    feeds = find_feeds(out)
    assert len(feeds) >= 10
    for name, feed in feeds.items():
        if feed.kind == "json":  # feedparser reads JSON Feed only given a JSON content type
            continue
        parsed = feedparser.parse((out / name).read_bytes())
        theirs = [(e.get("id", ""), e.get("title", ""), e.get("link", "")) for e in parsed.entries]
        ours = [(i.guid, i.title, i.link) for i in feed.items]
        assert ours == theirs, name
