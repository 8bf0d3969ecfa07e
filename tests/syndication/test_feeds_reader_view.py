"""What a feed reader makes of the feeds a build writes from unusual settings and dates:
each feed parsed as readers parse it (feedparser, XML, JSON), against what the content says."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
from click.testing import CliRunner

from pipeline.cli import main

CONFIG = """\
[site]
title = "Readers"
base_url = "https://readers.example.org/blog/"
timezone = "UTC"
pages = false
{site}

[content]
flavour = "plain"

[feeds]
sections = ["essays"]
{feeds}
"""


def build(root: Path, site: str = "", feeds: str = "", **essays: str) -> Path:
    """A site of ``essays`` (file stem -> front matter lines) built with the CLI, ``site`` and
    ``feeds`` lines added to those tables of its configuration; the output folder."""
    (root / "content" / "essays").mkdir(parents=True)
    (root / "publish.toml").write_text(CONFIG.format(site=site, feeds=feeds), encoding="utf-8")
    for stem, front in essays.items():
        text = f"---\n{front}\n---\n\nBody of {stem}.\n"
        (root / "content" / "essays" / f"{stem}.md").write_text(text, encoding="utf-8")
    out = root / "out"
    args = ["build", "--config", str(root / "publish.toml"), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def test_a_language_with_markup_characters_leaves_the_atom_feed_readable(tmp_path: Path) -> None:
    out = build(tmp_path, 'language = "en & <de> \\"x\\""', a="title: A\ndate: 2024-05-01")
    for name in ("atom.xml", "essays/atom.xml"):
        data = (out / name).read_bytes()
        root = ET.fromstring(data)  # well-formed: every reader can read it
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == 'en & <de> "x"'
        parsed = feedparser.parse(data)
        assert not parsed.bozo
        assert [e.title for e in parsed.entries] == ["A"]


def test_a_relative_site_image_is_an_absolute_channel_logo(tmp_path: Path) -> None:
    out = build(tmp_path, 'image = "static/logo.png"', a="title: A\ndate: 2024-05-01")
    for name in ("rss.xml", "essays/rss.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert parsed.feed.image.href == "https://readers.example.org/blog/static/logo.png"


def test_an_absolute_site_image_is_written_as_it_is(tmp_path: Path) -> None:
    out = build(tmp_path, 'image = "https://cdn.example.net/l.png"', a="title: A\ndate: 2024-05-01")
    parsed = feedparser.parse((out / "rss.xml").read_bytes())
    assert parsed.feed.image.href == "https://cdn.example.net/l.png"


def test_an_entry_is_never_updated_before_it_was_published(tmp_path: Path) -> None:
    # edited on the 2nd, scheduled for (and published on) the 10th
    out = build(
        tmp_path,
        late="title: Late\ndate: 2024-05-10\nupdated: 2024-05-02",
        early="title: Early\ndate: 2024-05-05",
        edited="title: Edited\ndate: 2024-05-01\nupdated: 2024-05-20T08:00:00Z",
    )
    atom = feedparser.parse((out / "atom.xml").read_bytes())
    dates = {e.title: (e.published_parsed, e.updated_parsed) for e in atom.entries}
    assert all(updated >= published for published, updated in dates.values())
    assert atom.entries[0].title == "Late"
    assert atom.entries[0].updated == "2024-05-10T00:00:00+00:00"
    assert dates["Edited"][1][:4] == (2024, 5, 20, 8)  # a real later edit is kept
    assert atom.feed.updated == "2024-05-20T08:00:00+00:00"  # the newest item's, not the clock's
    items = {i["title"]: i for i in json.loads((out / "feed.json").read_bytes())["items"]}
    assert items["Late"]["date_modified"] == items["Late"]["date_published"]
    assert items["Edited"]["date_modified"] == "2024-05-20T08:00:00+00:00"
    assert "date_modified" not in items["Early"]


def test_a_tag_feed_keeps_its_url_when_a_colliding_tag_comes(tmp_path: Path) -> None:
    feeds = 'tags = ["*"]'
    essays = {
        "a": 'title: A\ndate: 2024-05-01\ntags: ["go", "tag"]',
        "b": 'title: B\ndate: 2024-05-02\ntags: ["Go", "!!!", "😀"]',
    }
    first = build(tmp_path / "before", feeds=feeds, a=essays["a"])
    second = build(tmp_path / "after", feeds=feeds, **essays)
    for slug, title in (("go", "A"), ("tag", "A")):
        for out in (first, second):
            parsed = feedparser.parse((out / "tags" / slug / "rss.xml").read_bytes())
            assert [e.title for e in parsed.entries] == [title], (out, slug)
    # the newcomers have feeds of their own, each carrying only its own items
    others = sorted(p.parent.name for p in (second / "tags").glob("*/rss.xml"))
    assert len(others) == 5 and others[:2] == ["go", "go-6cc851"]
    for name in others[2:]:
        parsed = feedparser.parse((second / "tags" / name / "rss.xml").read_bytes())
        assert [e.title for e in parsed.entries] == (["A"] if name == "tag" else ["B"])


def test_an_authors_address_is_the_address_readers_show_for_that_author(tmp_path: Path) -> None:
    out = build(
        tmp_path,
        'author = "Ed Site <ed@x.example>"',
        a='title: A\ndate: 2024-05-01\nauthors: ["Jane Roe <jane@x.example>", "Bob, Jr."]',
    )
    data = (out / "atom.xml").read_bytes()
    a = "{http://www.w3.org/2005/Atom}"
    authors = ET.fromstring(data).findall(f"{a}entry/{a}author")
    assert [(x.findtext(f"{a}name"), x.findtext(f"{a}email")) for x in authors] == [
        ("Jane Roe", "jane@x.example"),
        ("Bob, Jr.", None),
    ]
    atom = feedparser.parse(data).entries[0]
    assert atom.authors[0] == {"name": "Jane Roe", "email": "jane@x.example"}
    head = ET.fromstring(data).find(f"{a}author")
    assert head is not None
    assert (head.findtext(f"{a}name"), head.findtext(f"{a}email")) == ("Ed Site", "ed@x.example")
    doc = json.loads((out / "feed.json").read_bytes())
    assert doc["authors"] == [{"name": "Ed Site", "url": "mailto:ed@x.example"}]
    item = doc["items"][0]
    assert item["authors"] == [
        {"name": "Jane Roe", "url": "mailto:jane@x.example"},
        {"name": "Bob, Jr."},
    ]
